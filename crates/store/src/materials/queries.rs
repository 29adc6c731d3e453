//! Awareness materials and their stock.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;

use tabara_core::materials::{MaterialKind, Movement, MovementKind};

use super::*;
use crate::{Actor, Distribution, MaterialItem, Result, StockLine};

pub(crate) async fn create_material(
    pool: &Pool,
    actor: &Actor,
    id: MaterialId,
    kind: &str,
    title: &str,
    language: &str,
    campaign: Option<&str>,
) -> Result<MaterialItem> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    // The kind is parsed by core; an unknown one is refused with the other field errors.
    let kind = MaterialKind::check(kind).map_err(|k| e.0.extend(k.0)).ok();
    text_rule(&mut e, "mat_Title", title, true);
    let language = language.trim().to_ascii_lowercase();
    if language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
        e.push(
            "mat_Language",
            "iso639",
            "a two-letter language code such as rn, fr, sw",
        );
    }
    if let Some(c) = campaign {
        text_rule(&mut e, "mat_Campaign", c, false);
    }
    let kind = e.into_result(kind)?.expect("a kind when no error");
    let mut tx = begin(pool).await?;
    let campaign = campaign.map(str::trim).filter(|c| !c.is_empty());
    sqlx::query(
        "INSERT INTO material_items (id, kind, title, language, campaign, created_by, \
            created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(kind.as_str())
    .bind(title.trim())
    .bind(&language)
    .bind(campaign)
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::MaterialCreate, id).await?;
    tx.commit().await?;
    Ok(MaterialItem {
        id,
        kind: kind.as_str().to_string(),
        title: title.trim().to_string(),
        language,
        campaign: campaign.map(str::to_string),
    })
}

pub(crate) async fn materials(pool: &Pool) -> Result<Vec<MaterialItem>> {
    let rows = sqlx::query(
        "SELECT id, kind, title, language, campaign FROM material_items ORDER \
        BY title, id LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MaterialItem {
                id: MaterialId(r.try_get("id")?),
                kind: r.try_get("kind")?,
                title: r.try_get("title")?,
                language: r.try_get("language")?,
                campaign: r.try_get("campaign")?,
            })
        })
        .collect()
}

/// Record a movement that core's rules allow, with its audit entry, in one transaction; returns
/// the quantity now on hand in the movement's store. A receipt adds to the stock (the first
/// one of an item in a store creates its line). A distribution takes from it in one statement
/// only when enough is on hand, so concurrent distributions can never take it below zero.
pub(crate) async fn move_material(
    pool: &Pool,
    actor: &Actor,
    item: MaterialId,
    m: Movement,
) -> Result<i64> {
    m.check(today())?;
    let mut tx = begin(pool).await?;
    match m.kind {
        MovementKind::Receipt => {
            let done = sqlx::query(
                "UPDATE material_stock SET quantity = quantity + $1 WHERE item_id = $2 AND \
                    store_id = $3",
            )
            .bind(m.quantity)
            .bind(item.0)
            .bind(m.store.0)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                sqlx::query(
                    "INSERT INTO material_stock (item_id, store_id, quantity) VALUES ($1, $2, $3)",
                )
                .bind(item.0)
                .bind(m.store.0)
                .bind(m.quantity)
                .execute(&mut *tx)
                .await?;
            }
        }
        MovementKind::Distribution => {
            let done = sqlx::query(
                "UPDATE material_stock SET quantity = quantity - $1 WHERE item_id = $2 AND \
                    store_id = $3 AND quantity >= $4",
            )
            .bind(m.quantity)
            .bind(item.0)
            .bind(m.store.0)
            .bind(m.quantity)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(refuse(
                    "mat_Quantity",
                    "insufficient_stock",
                    "not enough in stock",
                ));
            }
        }
    }
    let id = MovementId::new();
    sqlx::query(
        "INSERT INTO material_movements (id, item_id, kind, store_id, to_office_id, quantity, \
            on_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.0)
    .bind(item.0)
    .bind(m.kind.as_str())
    .bind(m.store.0)
    .bind(m.to.map(|o| o.0))
    .bind(m.quantity)
    .bind(m.on)
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, m.kind.action(), item).await?;
    let on_hand: i64 = sqlx::query_scalar(
        "SELECT quantity FROM material_stock WHERE item_id = $1 AND store_id = $2",
    )
    .bind(item.0)
    .bind(m.store.0)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(on_hand)
}

pub(crate) async fn material_stock(pool: &Pool) -> Result<Vec<StockLine>> {
    let rows = sqlx::query(
        "SELECT item_id, store_id, quantity FROM material_stock ORDER BY \
        store_id, item_id LIMIT 5000",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StockLine {
                item_id: MaterialId(r.try_get("item_id")?),
                store_id: OfficeId(r.try_get("store_id")?),
                quantity: r.try_get("quantity")?,
            })
        })
        .collect()
}

/// Every distribution, by receiving office then date (what each post received and when).
pub(crate) async fn distributions(pool: &Pool) -> Result<Vec<Distribution>> {
    let rows = sqlx::query(
        "SELECT to_office_id, item_id, quantity, on_date FROM material_movements WHERE kind = \
            'distribution' ORDER BY to_office_id, on_date, id LIMIT 10000",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Distribution {
                office_id: OfficeId(r.try_get("to_office_id")?),
                item_id: MaterialId(r.try_get("item_id")?),
                quantity: r.try_get("quantity")?,
                on_date: r.try_get("on_date")?,
            })
        })
        .collect()
}
