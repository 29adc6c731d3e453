//! Documents recorded on persons.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::Picklist;
use tabara_core::alerts::{AlertFacts, AlertKind};
use tabara_core::audit::AuditAction;
use tabara_core::documents::{DocumentEntry, FeatureFinding, SecurityFeature};
use tabara_core::ids::{CaseId, PersonId};
use uuid::Uuid;

use super::*;
use crate::audit::actor_user;
use crate::documents::records::{DocumentRecord, DocumentSummary};
use crate::keys::{Keys, TextKey};
use crate::{Actor, Result, refuse};

/// What each sealed column is for.
const NUMBER: &str = "document_records.number";
const ZONE: &str = "document_records.zone";
const NOTES: &str = "document_records.notes";

const COLS: &str = "d.id, d.case_id, d.person_id, d.doc_type, d.issuing_state, d.number, \
    d.issued_on, d.expires_on, d.zone, d.zone_valid, d.features, d.outcome, d.notes, \
    d.photo_file_id, d.lost_reason, d.recorded_by, d.recorded_at, d.updated_by, d.updated_at, \
    d.version, c.number AS case_number";

fn features_json(entry: &DocumentEntry) -> Result<String> {
    let map: std::collections::BTreeMap<&str, &str> = entry
        .features
        .iter()
        .map(|(f, v)| (f.value_name(), v.value_name()))
        .collect();
    to_json(&map)
}

fn features_of(r: &DbRow) -> Result<Vec<(SecurityFeature, FeatureFinding)>> {
    let map: std::collections::BTreeMap<String, String> = json_col(r, "features")?;
    let mut out = Vec::new();
    for (f, v) in map {
        out.push((pick(&f)?, pick(&v)?));
    }
    // In the checklist's order.
    out.sort();
    Ok(out)
}

async fn person_key(tx: &mut Tx, keys: &Keys, person: PersonId) -> Result<TextKey> {
    let wrapped: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
            .bind(person.0)
            .fetch_optional(&mut **tx)
            .await?;
    TextKey::new(keys, person, wrapped.as_deref())
}

/// The photo must be a kept image about the same person in the same case.
async fn check_photo(tx: &mut Tx, case: CaseId, person: PersonId, photo: Uuid) -> Result<()> {
    let row = sqlx::query(
        "SELECT case_id, person_id, content_type, completed_at FROM files WHERE id = $1",
    )
    .bind(photo)
    .fetch_optional(&mut **tx)
    .await?;
    let ok = match &row {
        Some(r) => {
            let c: Uuid = r.try_get("case_id")?;
            let p: Uuid = r.try_get("person_id")?;
            let t: String = r.try_get("content_type")?;
            let done: Option<chrono::DateTime<Utc>> = r.try_get("completed_at")?;
            // The type is kept by its value name (`jpeg`), not its media type.
            let image = matches!(
                <tabara_core::files::FileType as tabara_core::Picklist>::parse(&t),
                Ok(tabara_core::files::FileType::Jpeg
                    | tabara_core::files::FileType::Png
                    | tabara_core::files::FileType::Tiff
                    | tabara_core::files::FileType::Webp)
            );
            c == case.0 && p == person.0 && image && done.is_some()
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(refuse(
            "doc_Photo",
            "not_a_photo",
            "the photo must be a picture kept about this person in this case",
        ))
    }
}

/// The list's entry of `entry` (by the number typed and by the zone's), if it is on it:
/// audited as a hit in `actor`'s name, and alerted.
async fn lost_hit(
    tx: &mut Tx,
    actor: &Actor,
    entry: &DocumentEntry,
    doc: Uuid,
    case: CaseId,
    person: PersonId,
) -> Result<Option<String>> {
    // The number typed from the page and the zone's: a forger alters one of them.
    let mut keys = vec![(
        tabara_core::documents::state_key(&entry.issuing_state),
        tabara_core::documents::number_key(&entry.number),
    )];
    if let Some(m) = entry.reading(Utc::now().date_naive()) {
        let zone = (
            tabara_core::documents::state_key(&m.fields.issuing_state),
            tabara_core::documents::number_key(&m.fields.document_number),
        );
        if !zone.1.is_empty() && !keys.contains(&zone) {
            keys.push(zone);
        }
    }
    let mut found = None;
    for (state, number) in &keys {
        found = sqlx::query(
            "SELECT id, reason FROM lost_documents WHERE issuing_state = $1 AND number = $2",
        )
        .bind(state)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
        if found.is_some() {
            break;
        }
    }
    let Some(hit) = found else {
        return Ok(None);
    };
    let lost_id: Uuid = hit.try_get("id")?;
    let reason: String = hit.try_get("reason")?;
    audit(tx, actor, AuditAction::LostDocumentHit, lost_id).await?;
    // The supervisors of the recording officer's agency (of the case's agency when the
    // recorder is a system process), and the case's owner.
    let owner: (Uuid, Option<Uuid>) =
        sqlx::query_as("SELECT organisation_id, owner_id FROM cases WHERE id = $1")
            .bind(case.0)
            .fetch_one(&mut **tx)
            .await?;
    let agency = match actor_user(actor.as_str()) {
        Some(u) => sqlx::query_scalar("SELECT organisation_id FROM users WHERE id = $1")
            .bind(u)
            .fetch_optional(&mut **tx)
            .await?
            .unwrap_or(owner.0),
        None => owner.0,
    };
    let supervisors = super::alerts::supervisors_of(&mut **tx, agency).await?;
    let due = super::alerts::Due {
        kind: AlertKind::LostDocument,
        subject: doc,
        case_id: case.0,
        person_id: Some(person.0),
        due_at: Utc::now(),
        facts: AlertFacts {
            supervisors,
            case_owner: owner.1.map(tabara_core::ids::UserId),
            ..Default::default()
        },
    };
    super::alerts::raise_in(tx, &due).await?;
    Ok(Some(reason))
}

pub(crate) async fn record_document(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    case: CaseId,
    person: PersonId,
    entry: &DocumentEntry,
    photo: Option<Uuid>,
) -> Result<Uuid> {
    let mut tx = begin(pool).await?;
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM case_persons WHERE case_id = $1 AND person_id = $2")
            .bind(case.0)
            .bind(person.0)
            .fetch_optional(&mut *tx)
            .await?;
    role.or_not_found("person in case", format!("{case}/{person}"))?;
    let key = person_key(&mut tx, keys, person).await?;
    if let Some(p) = photo {
        check_photo(&mut tx, case, person, p).await?;
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let zone_valid = entry.zone_valid(now.date_naive());
    let lost = lost_hit(&mut tx, actor, entry, id, case, person).await?;
    sqlx::query(
        "INSERT INTO document_records (id, case_id, person_id, doc_type, issuing_state, number, \
            issued_on, expires_on, zone, zone_valid, features, outcome, notes, photo_file_id, \
            lost_reason, recorded_by, recorded_at, updated_by, updated_at, version) VALUES ($1, \
            $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16, $17, 1)",
    )
    .bind(id)
    .bind(case.0)
    .bind(person.0)
    .bind(entry.doc_type.value_name())
    .bind(&entry.issuing_state)
    .bind(key.seal(NUMBER, &entry.number)?)
    .bind(entry.issued_on)
    .bind(entry.expires_on)
    .bind(key.seal_opt(ZONE, entry.zone.as_deref())?)
    .bind(zone_valid)
    .bind(features_json(entry)?)
    .bind(entry.outcome.map(|o| o.value_name()))
    .bind(key.seal(NOTES, &entry.notes)?)
    .bind(photo)
    .bind(lost)
    .bind(actor.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::DocumentRecord, id).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn update_document(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    version: i64,
    entry: &DocumentEntry,
    photo: Option<Uuid>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    let row = row_by_id(
        &mut tx,
        (
            "document_records",
            "case_id, person_id, issuing_state, number, zone, lost_reason, version",
        ),
        ("document", id),
        FOR_UPDATE,
    )
    .await?;
    let actual: i64 = row.try_get("version")?;
    check_version("document", id, version, actual)?;
    let case = CaseId(row.try_get("case_id")?);
    let person = PersonId(row.try_get("person_id")?);
    let key = person_key(&mut tx, keys, person).await?;
    if let Some(p) = photo {
        check_photo(&mut tx, case, person, p).await?;
    }
    let old_number = key.open(NUMBER, &row.try_get::<String, _>("number")?)?;
    let old_state: String = row.try_get("issuing_state")?;
    let mut lost: Option<String> = row.try_get("lost_reason")?;
    let old_zone: Option<String> = row.try_get("zone")?;
    let old_zone = old_zone.map(|z| key.open(ZONE, &z)).transpose()?;
    if old_number != entry.number
        || old_state != entry.issuing_state
        || old_zone.filter(|z| !z.is_empty()) != entry.zone
    {
        lost = lost_hit(&mut tx, actor, entry, id, case, person).await?;
    }
    let now = Utc::now();
    let zone_valid = entry.zone_valid(now.date_naive());
    sqlx::query(
        "UPDATE document_records SET doc_type = $1, issuing_state = $2, number = $3, issued_on \
            = $4, expires_on = $5, zone = $6, zone_valid = $7, features = $8, outcome = $9, \
            notes = $10, photo_file_id = $11, lost_reason = $12, updated_by = $13, updated_at = \
            $14, version = version + 1 WHERE id = $15",
    )
    .bind(entry.doc_type.value_name())
    .bind(&entry.issuing_state)
    .bind(key.seal(NUMBER, &entry.number)?)
    .bind(entry.issued_on)
    .bind(entry.expires_on)
    .bind(key.seal_opt(ZONE, entry.zone.as_deref())?)
    .bind(zone_valid)
    .bind(features_json(entry)?)
    .bind(entry.outcome.map(|o| o.value_name()))
    .bind(key.seal(NOTES, &entry.notes)?)
    .bind(photo)
    .bind(lost)
    .bind(actor.as_str())
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::DocumentUpdate, id).await?;
    tx.commit().await?;
    Ok(())
}

fn record(r: &DbRow, key: &TextKey) -> Result<DocumentRecord> {
    let zone: Option<String> = r.try_get("zone")?;
    Ok(DocumentRecord {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        entry: DocumentEntry {
            doc_type: pick(&r.try_get::<String, _>("doc_type")?)?,
            number: key.open(NUMBER, &r.try_get::<String, _>("number")?)?,
            issuing_state: r.try_get("issuing_state")?,
            issued_on: r.try_get("issued_on")?,
            expires_on: r.try_get("expires_on")?,
            zone: zone
                .map(|z| key.open(ZONE, &z))
                .transpose()?
                .filter(|z| !z.is_empty()),
            features: features_of(r)?,
            outcome: pick_opt(r.try_get("outcome")?)?,
            notes: key.open(NOTES, &r.try_get::<String, _>("notes")?)?,
        },
        zone_valid: r.try_get("zone_valid")?,
        photo_file_id: r.try_get("photo_file_id")?,
        lost_reason: r.try_get("lost_reason")?,
        erased: key.is_erased(),
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        updated_by: r.try_get("updated_by")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn document(pool: &Pool, keys: &Keys, id: Uuid) -> Result<DocumentRecord> {
    let mut tx = begin(pool).await?;
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM document_records d JOIN cases c ON c.id = d.case_id WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .or_not_found("document", id)?;
    let key = person_key(&mut tx, keys, PersonId(r.try_get("person_id")?)).await?;
    let d = record(&r, &key)?;
    tx.commit().await?;
    Ok(d)
}

pub(crate) async fn person_documents(
    pool: &Pool,
    keys: &Keys,
    person: PersonId,
) -> Result<Vec<DocumentRecord>> {
    let mut tx = begin(pool).await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM document_records d JOIN cases c ON c.id = d.case_id WHERE \
            d.person_id = $1 ORDER BY d.recorded_at, d.id LIMIT $2"
    )))
    .bind(person.0)
    .bind(crate::documents::records::MAX_DOCUMENT_LIST)
    .fetch_all(&mut *tx)
    .await?;
    let key = person_key(&mut tx, keys, person).await?;
    let out = rows
        .iter()
        .map(|r| record(r, &key))
        .collect::<Result<Vec<_>>>()?;
    tx.commit().await?;
    Ok(out)
}

pub(crate) async fn audit_read(pool: &Pool, actor: &Actor, id: Uuid) -> Result<()> {
    let mut tx = begin(pool).await?;
    audit(&mut tx, actor, AuditAction::DocumentRead, id).await?;
    tx.commit().await?;
    Ok(())
}

fn summary(r: &DbRow) -> Result<DocumentSummary> {
    let features = features_of(r)?;
    Ok(DocumentSummary {
        id: r.try_get("id")?,
        case_id: CaseId(r.try_get("case_id")?),
        case_number: r.try_get("case_number")?,
        person_id: PersonId(r.try_get("person_id")?),
        doc_type: pick(&r.try_get::<String, _>("doc_type")?)?,
        issuing_state: r.try_get("issuing_state")?,
        expires_on: r.try_get("expires_on")?,
        zone_valid: r.try_get("zone_valid")?,
        outcome: pick_opt(r.try_get("outcome")?)?,
        failed_features: features
            .iter()
            .filter(|(_, v)| *v == FeatureFinding::Failed)
            .count(),
        lost_reason: r.try_get("lost_reason")?,
        has_photo: r.try_get::<Option<Uuid>, _>("photo_file_id")?.is_some(),
        recorded_at: r.try_get("recorded_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub(crate) async fn summaries(
    pool: &Pool,
    of: Option<(CaseId, PersonId)>,
    suspect_only: bool,
    limit: i64,
) -> Result<Vec<DocumentSummary>> {
    let rows = match of {
        Some((case, person)) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM document_records d JOIN cases c ON c.id = d.case_id WHERE \
                    d.case_id = $1 AND d.person_id = $2 ORDER BY d.recorded_at, d.id LIMIT $3"
            )))
            .bind(case.0)
            .bind(person.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        None => {
            let genuine = tabara_core::documents::DocumentOutcome::Genuine.value_name();
            let filter = if suspect_only {
                "WHERE (d.outcome IS NOT NULL AND d.outcome <> $1) OR d.lost_reason IS NOT NULL"
            } else {
                "WHERE $1 = $1"
            };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLS} FROM document_records d JOIN cases c ON c.id = d.case_id {filter} \
                    ORDER BY d.updated_at DESC, d.id DESC LIMIT $2"
            )))
            .bind(genuine)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
    };
    rows.iter().map(summary).collect()
}
