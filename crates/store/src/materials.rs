// Awareness materials and their stock. Included once per backend (see lib.rs), like ops.rs.

pub(super) async fn create_material(
    pool: &Pool,
    actor: &Actor,
    id: MaterialId,
    kind: &str,
    title: &str,
    language: &str,
    campaign: Option<&str>,
) -> Result<MaterialItem> {
    let mut e = tabara_core::validation::ValidationErrors::default();
    if !matches!(kind, "poster" | "flyer" | "brochure") {
        e.push("mat_Kind", "picklist", "poster, flyer or brochure");
    }
    text_rule(&mut e, "mat_Title", title, true);
    let language = language.trim().to_ascii_lowercase();
    if language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
        e.push("mat_Language", "iso639", "a two-letter language code such as rn, fr, sw");
    }
    if let Some(c) = campaign {
        text_rule(&mut e, "mat_Campaign", c, false);
    }
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let campaign = campaign.map(str::trim).filter(|c| !c.is_empty());
    sqlx::query(
        "INSERT INTO material_items (id, kind, title, language, campaign, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(kind)
    .bind(title.trim())
    .bind(&language)
    .bind(campaign)
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    append_audit(&mut tx, &[pending(actor, "material.create", "material", id.to_string())]).await?;
    tx.commit().await?;
    Ok(MaterialItem {
        id,
        kind: kind.to_string(),
        title: title.trim().to_string(),
        language,
        campaign: campaign.map(str::to_string),
    })
}

pub(super) async fn materials(pool: &Pool) -> Result<Vec<MaterialItem>> {
    let rows = sqlx::query("SELECT id, kind, title, language, campaign FROM material_items ORDER BY title, id LIMIT 500")
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

/// The most one movement can carry: a print run, not a number that overflows the sums of the
/// stock and of the reports.
pub const MAX_MOVEMENT_QUANTITY: i64 = 1_000_000;

/// A quantity above zero and at most [`MAX_MOVEMENT_QUANTITY`], on a day between
/// [`EARLIEST_RECORD_DATE`](tabara_core::validation::EARLIEST_RECORD_DATE) and today.
fn check_movement(quantity: i64, on: NaiveDate) -> Result<()> {
    if !(1..=MAX_MOVEMENT_QUANTITY).contains(&quantity) {
        return Err(refuse(
            "mat_Quantity",
            "range",
            &format!("a quantity is a whole number from 1 to {MAX_MOVEMENT_QUANTITY}"),
        ));
    }
    let mut e = tabara_core::validation::ValidationErrors::default();
    let today = chrono::Utc::now().date_naive();
    tabara_core::validation::check_date_range(&mut e, "mat_OnDate", on, tabara_core::validation::EARLIEST_RECORD_DATE, today);
    Ok(e.into_result(())?)
}

async fn movement(
    tx: &mut Tx,
    actor: &Actor,
    (item, kind, store, to, quantity, on): (MaterialId, &str, OfficeId, Option<OfficeId>, i64, NaiveDate),
) -> Result<()> {
    let id = MovementId::new();
    sqlx::query(
        "INSERT INTO material_movements (id, item_id, kind, store_id, to_office_id, quantity, on_date, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.0)
    .bind(item.0)
    .bind(kind)
    .bind(store.0)
    .bind(to.map(|o| o.0))
    .bind(quantity)
    .bind(on)
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut **tx)
    .await?;
    let action = if kind == "receipt" { "material.receipt" } else { "material.distribution" };
    append_audit(tx, &[pending(actor, action, "material", item.to_string())]).await?;
    Ok(())
}

/// Stock received into a store. Returns the quantity now on hand.
pub(super) async fn receive_material(
    pool: &Pool,
    actor: &Actor,
    item: MaterialId,
    store: OfficeId,
    quantity: i64,
    on: NaiveDate,
) -> Result<i64> {
    check_movement(quantity, on)?;
    let mut tx = begin(pool).await?;
    let done = sqlx::query("UPDATE material_stock SET quantity = quantity + $1 WHERE item_id = $2 AND store_id = $3")
        .bind(quantity)
        .bind(item.0)
        .bind(store.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        sqlx::query("INSERT INTO material_stock (item_id, store_id, quantity) VALUES ($1, $2, $3)")
            .bind(item.0)
            .bind(store.0)
            .bind(quantity)
            .execute(&mut *tx)
            .await?;
    }
    movement(&mut tx, actor, (item, "receipt", store, None, quantity, on)).await?;
    let now: i64 = sqlx::query_scalar("SELECT quantity FROM material_stock WHERE item_id = $1 AND store_id = $2")
        .bind(item.0)
        .bind(store.0)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(now)
}

/// Distribute from a store to an office. The stock is decremented in one statement only when
/// enough is on hand, so concurrent distributions can never take it below zero. Returns the
/// quantity left in the store.
pub(super) async fn distribute_material(
    pool: &Pool,
    actor: &Actor,
    item: MaterialId,
    store: OfficeId,
    to: OfficeId,
    quantity: i64,
    on: NaiveDate,
) -> Result<i64> {
    check_movement(quantity, on)?;
    if store == to {
        return Err(refuse("mat_ToOffice", "different", "distribute to another office than the store"));
    }
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE material_stock SET quantity = quantity - $1 WHERE item_id = $2 AND store_id = $3 AND quantity >= $4",
    )
    .bind(quantity)
    .bind(item.0)
    .bind(store.0)
    .bind(quantity)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refuse("mat_Quantity", "insufficient_stock", "not enough in stock"));
    }
    movement(&mut tx, actor, (item, "distribution", store, Some(to), quantity, on)).await?;
    let left: i64 = sqlx::query_scalar("SELECT quantity FROM material_stock WHERE item_id = $1 AND store_id = $2")
        .bind(item.0)
        .bind(store.0)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(left)
}

pub(super) async fn material_stock(pool: &Pool) -> Result<Vec<StockLine>> {
    let rows = sqlx::query("SELECT item_id, store_id, quantity FROM material_stock ORDER BY store_id, item_id LIMIT 5000")
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
pub(super) async fn distributions(pool: &Pool) -> Result<Vec<Distribution>> {
    let rows = sqlx::query(
        "SELECT to_office_id, item_id, quantity, on_date FROM material_movements WHERE kind = 'distribution' \
         ORDER BY to_office_id, on_date, id LIMIT 10000",
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
