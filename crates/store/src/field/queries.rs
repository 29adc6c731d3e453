//! Devices and submissions of the field capture.

use chrono::{Duration, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::{CaseId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

use super::*;
use crate::field::{
    ATTACHMENT, CLAIM_TIMEOUT_SECONDS, CONFLICT, CORRECTED_XML, Conflict, DEVICE_SECRET,
    FieldAttachment, FieldDevice, FieldSubmission, IssuedDevice, NewSubmission, Outcome, Reason,
    Received, SUBMISSION_XML, SubmissionState,
};
use crate::keys::Keys;
use crate::{Actor, Result, StoreError, User, refuse};

const DEVICE_COLS: &str = "d.id, d.organisation_id, d.user_id, d.label, d.login, d.issued_by, \
    d.issued_at, d.revoked_by, d.revoked_at, d.last_seen_at";

const SUBMISSION_COLS: &str = "id, instance_id, deprecated_id, form_id, form_version, \
    content_hash, organisation_id, user_id, device_id, state, reasons, case_id, person_id, \
    record_id, received_at, processed_at, version";

fn device_row(r: &DbRow) -> Result<FieldDevice> {
    Ok(FieldDevice {
        id: r.try_get("id")?,
        organisation_id: OrganisationId(r.try_get("organisation_id")?),
        user_id: UserId(r.try_get("user_id")?),
        label: r.try_get("label")?,
        login: r.try_get("login")?,
        issued_by: r.try_get("issued_by")?,
        issued_at: r.try_get("issued_at")?,
        revoked_by: r.try_get("revoked_by")?,
        revoked_at: r.try_get("revoked_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
    })
}

fn submission_row(r: &DbRow) -> Result<FieldSubmission> {
    let state: String = r.try_get("state")?;
    let reasons: String = r.try_get("reasons")?;
    Ok(FieldSubmission {
        id: r.try_get("id")?,
        instance_id: r.try_get("instance_id")?,
        deprecated_id: r.try_get("deprecated_id")?,
        form_id: r.try_get("form_id")?,
        form_version: r.try_get("form_version")?,
        content_hash: r.try_get("content_hash")?,
        organisation_id: OrganisationId(r.try_get("organisation_id")?),
        user_id: UserId(r.try_get("user_id")?),
        device_id: r.try_get("device_id")?,
        state: SubmissionState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("submission state '{state}'")))?,
        reasons: serde_json::from_str::<Vec<Reason>>(&reasons)
            .map_err(|e| StoreError::Corrupt(format!("submission reasons: {e}")))?,
        case_id: r.try_get::<Option<Uuid>, _>("case_id")?.map(CaseId),
        person_id: r.try_get::<Option<Uuid>, _>("person_id")?.map(PersonId),
        record_id: r.try_get("record_id")?,
        received_at: r.try_get("received_at")?,
        processed_at: r.try_get("processed_at")?,
        version: r.try_get("version")?,
    })
}

pub(crate) async fn issue_field_device(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    organisation: OrganisationId,
    user: UserId,
    label: &str,
) -> Result<IssuedDevice> {
    let label = label.trim();
    let mut e = tabara_core::validation::ValidationErrors::default();
    tabara_core::validation::check_characters(&mut e, "dev_Label", label, false);
    if label.is_empty() {
        e.push("dev_Label", "required", "name the device");
    } else if label.chars().count() > 100 {
        e.push("dev_Label", "too_long", "at most 100 characters");
    }
    e.into_result(())?;
    let account = directory::user(pool, user).await?;
    if account.organisation_id != organisation {
        return Err(refuse(
            "dev_User",
            "other_agency",
            "the account is not of the device's agency",
        ));
    }
    if account.disabled {
        return Err(refuse("dev_User", "disabled", "the account is disabled"));
    }
    let id = Uuid::now_v7();
    let mut bytes = [0u8; 24];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let token = hex::encode(bytes);
    let login = format!("dev-{}", &id.simple().to_string()[20..]);
    let secret = keys.seal_register_bytes(id.as_bytes(), DEVICE_SECRET, token.as_bytes());
    let now = Utc::now();
    let mut tx = begin(pool).await?;
    sqlx::query(
        "INSERT INTO field_devices (id, organisation_id, user_id, label, login, token_hash, \
            secret, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(organisation.0)
    .bind(user.0)
    .bind(label)
    .bind(&login)
    .bind(crate::token_hash(&token))
    .bind(secret)
    .bind(actor.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::FieldDeviceIssue, id).await?;
    tx.commit().await?;
    Ok(IssuedDevice {
        device: FieldDevice {
            id,
            organisation_id: organisation,
            user_id: user,
            label: label.to_string(),
            login,
            issued_by: actor.as_str().to_string(),
            issued_at: now,
            revoked_by: None,
            revoked_at: None,
            last_seen_at: None,
        },
        token,
    })
}

pub(crate) async fn revoke_field_device(pool: &Pool, actor: &Actor, id: Uuid) -> Result<()> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE field_devices SET revoked_by = $1, revoked_at = $2 WHERE id = $3 AND \
            revoked_at IS NULL",
    )
    .bind(actor.as_str())
    .bind(Utc::now())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        let exists: Option<Uuid> = sqlx::query_scalar("SELECT id FROM field_devices WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        exists.or_not_found("field device", id)?;
        return Err(refuse(
            "dev_State",
            "revoked",
            "the device is revoked already",
        ));
    }
    audit(&mut tx, actor, AuditAction::FieldDeviceRevoke, id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn field_device(pool: &Pool, id: Uuid) -> Result<FieldDevice> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEVICE_COLS} FROM field_devices d WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("field device", id)?;
    device_row(&r)
}

pub(crate) async fn field_devices(
    pool: &Pool,
    organisation: OrganisationId,
) -> Result<Vec<FieldDevice>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEVICE_COLS} FROM field_devices d WHERE d.organisation_id = $1 \
            ORDER BY d.issued_at DESC, d.id DESC LIMIT 500"
    )))
    .bind(organisation.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(device_row).collect()
}

/// The device and its account from a row of `field_devices d JOIN users u`, when it may act.
async fn usable(pool: &Pool, r: &DbRow) -> Result<Option<(FieldDevice, User)>> {
    let device = device_row(r)?;
    let user = directory::user(pool, device.user_id).await?;
    if device.revoked_at.is_some() || user.disabled {
        return Ok(None);
    }
    let now = Utc::now();
    if device
        .last_seen_at
        .is_none_or(|t| now - t > Duration::seconds(60))
    {
        sqlx::query("UPDATE field_devices SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(device.id)
            .execute(pool)
            .await?;
    }
    Ok(Some((device, user)))
}

pub(crate) async fn field_device_by_token(
    pool: &Pool,
    hash: &str,
) -> Result<Option<(FieldDevice, User)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEVICE_COLS} FROM field_devices d WHERE d.token_hash = $1"
    )))
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(r) => usable(pool, &r).await,
        None => Ok(None),
    }
}

pub(crate) async fn field_device_by_login(
    pool: &Pool,
    keys: &Keys,
    login: &str,
) -> Result<Option<(FieldDevice, User, String)>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {DEVICE_COLS}, d.secret FROM field_devices d WHERE d.login = $1"
    )))
    .bind(login)
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let Some((device, user)) = usable(pool, &r).await? else {
        return Ok(None);
    };
    let sealed: Vec<u8> = r.try_get("secret")?;
    let secret = keys.open_register_bytes(device.id.as_bytes(), DEVICE_SECRET, &sealed)?;
    let secret = String::from_utf8(secret)
        .map_err(|e| StoreError::Corrupt(format!("device secret: {e}")))?;
    Ok(Some((device, user, secret)))
}

async fn by_instance<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    instance_id: &str,
) -> Result<Option<FieldSubmission>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLS} FROM field_submissions WHERE instance_id = $1"
    )))
    .bind(instance_id)
    .fetch_optional(ex)
    .await?;
    row.as_ref().map(submission_row).transpose()
}

pub(crate) async fn receive_submission(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    new: NewSubmission<'_>,
) -> Result<Received> {
    let hash = tabara_core::fieldforms::content_hash(new.xml);
    let compare = |s: FieldSubmission| {
        if s.content_hash == hash {
            Received::Same(s)
        } else {
            Received::Different(s)
        }
    };
    if let Some(kept) = by_instance(pool, &new.instance.instance_id).await? {
        return Ok(compare(kept));
    }
    let id = Uuid::now_v7();
    let sealed = keys.seal_register_bytes(id.as_bytes(), SUBMISSION_XML, new.xml);
    let now = Utc::now();
    let mut tx = begin(pool).await?;
    let inserted = sqlx::query(
        "INSERT INTO field_submissions (id, instance_id, deprecated_id, form_id, form_version, \
            content_hash, organisation_id, user_id, device_id, xml, state, reasons, \
            received_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
            $13, $14) ON CONFLICT (instance_id) DO NOTHING",
    )
    .bind(id)
    .bind(&new.instance.instance_id)
    .bind(&new.instance.deprecated_id)
    .bind(&new.instance.form_id)
    .bind(&new.instance.version)
    .bind(&hash)
    .bind(new.user.organisation_id.0)
    .bind(new.user.id.0)
    .bind(new.device_id)
    .bind(sealed)
    .bind(SubmissionState::Received.as_str())
    .bind("[]")
    .bind(now)
    .bind(1_i64)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Another post of the same instance kept it between the look and the insert.
        tx.rollback().await?;
        let kept = by_instance(pool, &new.instance.instance_id)
            .await?
            .or_not_found("field submission", &new.instance.instance_id)?;
        return Ok(compare(kept));
    }
    audit(&mut tx, actor, AuditAction::FieldSubmissionReceive, id).await?;
    tx.commit().await?;
    let kept = by_instance(pool, &new.instance.instance_id)
        .await?
        .or_not_found("field submission", id)?;
    Ok(Received::New(kept))
}

pub(crate) async fn claim_submission(pool: &Pool, id: Uuid) -> Result<Option<FieldSubmission>> {
    let now = Utc::now();
    let stale = now - Duration::seconds(CLAIM_TIMEOUT_SECONDS);
    let claimed = sqlx::query(
        "UPDATE field_submissions SET claimed_at = $1, \
            case_id = COALESCE(case_id, $2), person_id = COALESCE(person_id, $3), \
            record_id = COALESCE(record_id, $4) \
            WHERE id = $5 AND state = $6 AND (claimed_at IS NULL OR claimed_at < $7)",
    )
    .bind(now)
    .bind(Uuid::now_v7())
    .bind(Uuid::now_v7())
    .bind(Uuid::now_v7())
    .bind(id)
    .bind(SubmissionState::Received.as_str())
    .bind(stale)
    .execute(pool)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(None);
    }
    field_submission(pool, id).await.map(Some)
}

pub(crate) async fn finish_submission(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    outcome: &Outcome,
) -> Result<FieldSubmission> {
    let (state, reasons, action) = match outcome {
        Outcome::Accepted | Outcome::Edited(_) => (
            SubmissionState::Accepted,
            Vec::new(),
            AuditAction::FieldSubmissionAccept,
        ),
        Outcome::Invalid(r) => (
            SubmissionState::Invalid,
            r.clone(),
            AuditAction::FieldSubmissionInvalid,
        ),
    };
    let reasons =
        serde_json::to_string(&reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE field_submissions SET state = $1, reasons = $2, processed_at = $3, \
            version = version + 1 WHERE id = $4 AND state = $5",
    )
    .bind(state.as_str())
    .bind(reasons)
    .bind(Utc::now())
    .bind(id)
    .bind(SubmissionState::Received.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        let now: Option<i64> =
            sqlx::query_scalar("SELECT version FROM field_submissions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let actual = now.or_not_found("field submission", id)?;
        return Err(StoreError::Conflict {
            kind: "field submission",
            id: id.to_string(),
            expected: actual,
            actual,
        });
    }
    if let Outcome::Edited(conflicts) = outcome {
        for c in conflicts {
            let binding = bound(id, &c.field);
            let json = serde_json::to_vec(c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO field_conflicts (submission_id, field, sealed) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&c.field)
            .bind(keys.seal_register_bytes(&binding, CONFLICT, &json))
            .execute(&mut *tx)
            .await?;
        }
    }
    audit(&mut tx, actor, action, id).await?;
    tx.commit().await?;
    field_submission(pool, id).await
}

pub(crate) async fn field_conflicts(
    pool: &Pool,
    keys: &Keys,
    submission: Uuid,
) -> Result<Vec<Conflict>> {
    let rows = sqlx::query(
        "SELECT field, sealed FROM field_conflicts WHERE submission_id = $1 ORDER BY field",
    )
    .bind(submission)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let field: String = r.try_get("field")?;
            let sealed: Vec<u8> = r.try_get("sealed")?;
            let binding = bound(submission, &field);
            let json = keys.open_register_bytes(&binding, CONFLICT, &sealed)?;
            serde_json::from_slice(&json).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

pub(crate) async fn field_submission(pool: &Pool, id: Uuid) -> Result<FieldSubmission> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {SUBMISSION_COLS} FROM field_submissions WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?
    .or_not_found("field submission", id)?;
    submission_row(&r)
}

pub(crate) async fn field_submission_by_instance(
    pool: &Pool,
    instance_id: &str,
) -> Result<Option<FieldSubmission>> {
    by_instance(pool, instance_id).await
}

pub(crate) async fn field_submissions(
    pool: &Pool,
    organisation: OrganisationId,
    state: Option<SubmissionState>,
    limit: i64,
) -> Result<Vec<FieldSubmission>> {
    let rows =
        match state {
            Some(s) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {SUBMISSION_COLS} FROM field_submissions WHERE organisation_id = $1 AND \
                state = $2 ORDER BY received_at DESC, id DESC LIMIT $3"
            )))
            .bind(organisation.0)
            .bind(s.as_str())
            .bind(limit)
            .fetch_all(pool)
            .await?,
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {SUBMISSION_COLS} FROM field_submissions WHERE organisation_id = $1 \
                ORDER BY received_at DESC, id DESC LIMIT $2"
                )))
                .bind(organisation.0)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
        };
    rows.iter().map(submission_row).collect()
}

pub(crate) async fn field_submission_xml(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    audited: bool,
) -> Result<Vec<u8>> {
    let row = sqlx::query("SELECT xml, corrected FROM field_submissions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .or_not_found("field submission", id)?;
    // The phone's XML for a reader; a supervisor's correction, when there is one, to record.
    let corrected: Option<Vec<u8>> = row.try_get("corrected")?;
    let xml = match corrected.filter(|_| !audited) {
        Some(c) => keys.open_register_bytes(id.as_bytes(), CORRECTED_XML, &c)?,
        None => {
            let sealed: Vec<u8> = row.try_get("xml")?;
            // Emptied when the person it is about was erased.
            if sealed.is_empty() {
                Vec::new()
            } else {
                keys.open_register_bytes(id.as_bytes(), SUBMISSION_XML, &sealed)?
            }
        }
    };
    if audited {
        let mut tx = begin(pool).await?;
        audit(&mut tx, actor, AuditAction::FieldSubmissionRead, id).await?;
        tx.commit().await?;
    }
    Ok(xml)
}

pub(crate) async fn add_field_attachment(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    submission: Uuid,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<bool> {
    let name = tabara_core::files::clean_name(name)
        .map_err(|e| refuse("fil_Name", e.rule(), e.to_string()))?;
    let binding = bound(submission, &name);
    let sealed = keys.seal_register_bytes(&binding, ATTACHMENT, bytes);
    let mut tx = begin(pool).await?;
    let added = sqlx::query(
        "INSERT INTO field_attachments (submission_id, name, content_type, size, sealed, \
            received_at) VALUES ($1, $2, $3, $4, $5, $6) \
            ON CONFLICT (submission_id, name) DO NOTHING",
    )
    .bind(submission)
    .bind(&name)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(sealed)
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    audit(
        &mut tx,
        actor,
        AuditAction::FieldSubmissionAttach,
        submission,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn field_attachments(
    pool: &Pool,
    submission: Uuid,
) -> Result<Vec<FieldAttachment>> {
    let rows = sqlx::query(
        "SELECT name, content_type, size, file_id FROM field_attachments WHERE \
            submission_id = $1 ORDER BY name",
    )
    .bind(submission)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FieldAttachment {
                name: r.try_get("name")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                file_id: r.try_get("file_id")?,
            })
        })
        .collect()
}

pub(crate) async fn field_attachment_bytes(
    pool: &Pool,
    keys: &Keys,
    submission: Uuid,
    name: &str,
) -> Result<Vec<u8>> {
    let sealed: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT sealed FROM field_attachments WHERE submission_id = $1 AND name = $2",
    )
    .bind(submission)
    .bind(name)
    .fetch_optional(pool)
    .await?
    .or_not_found("field attachment", name)?;
    let sealed = sealed.ok_or_else(|| StoreError::NotFound {
        kind: "field attachment",
        id: name.to_string(),
    })?;
    let binding = bound(submission, name);
    keys.open_register_bytes(&binding, ATTACHMENT, &sealed)
}

pub(crate) async fn field_attachment_filed(
    pool: &Pool,
    submission: Uuid,
    name: &str,
    file: Uuid,
) -> Result<()> {
    sqlx::query(
        "UPDATE field_attachments SET file_id = $1, sealed = NULL WHERE submission_id = $2 \
            AND name = $3",
    )
    .bind(file)
    .bind(submission)
    .bind(name)
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn note_field_form(
    pool: &Pool,
    form: &tabara_core::fieldforms::Rendered,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO field_forms (form_id, version, md5, xml, first_served_at) VALUES ($1, $2, \
            $3, $4, $5) ON CONFLICT (form_id, version) DO NOTHING",
    )
    .bind(form.id)
    .bind(&form.version)
    .bind(form.md5())
    .bind(&form.xml)
    .bind(Utc::now())
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn field_form_served(pool: &Pool, form_id: &str, version: &str) -> Result<bool> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT md5 FROM field_forms WHERE form_id = $1 AND version = $2")
            .bind(form_id)
            .bind(version)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

pub(crate) async fn reject_submission(
    pool: &Pool,
    actor: &Actor,
    id: Uuid,
) -> Result<FieldSubmission> {
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE field_submissions SET state = $1, version = version + 1 WHERE id = $2 AND \
            state = $3",
    )
    .bind(SubmissionState::Rejected.as_str())
    .bind(id)
    .bind(SubmissionState::Invalid.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(
            not_invalid(&mut tx, id, "only a submission kept as invalid is rejected").await,
        );
    }
    audit(&mut tx, actor, AuditAction::FieldSubmissionReject, id).await?;
    tx.commit().await?;
    field_submission(pool, id).await
}

pub(crate) async fn set_submission_subject(
    pool: &Pool,
    id: Uuid,
    case: CaseId,
    person: PersonId,
) -> Result<()> {
    sqlx::query(
        "UPDATE field_submissions SET case_id = $1, person_id = $2 WHERE id = $3 AND state = $4",
    )
    .bind(case.0)
    .bind(person.0)
    .bind(id)
    .bind(SubmissionState::Received.as_str())
    .execute(pool)
    .await?;
    Ok(())
}

pub(crate) async fn fix_submission(
    pool: &Pool,
    keys: &Keys,
    actor: &Actor,
    id: Uuid,
    corrected: &[u8],
) -> Result<()> {
    let sealed = keys.seal_register_bytes(id.as_bytes(), CORRECTED_XML, corrected);
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE field_submissions SET corrected = $1, state = $2, reasons = '[]', \
            claimed_at = NULL, processed_at = NULL, version = version + 1 \
            WHERE id = $3 AND state = $4",
    )
    .bind(sealed)
    .bind(SubmissionState::Received.as_str())
    .bind(id)
    .bind(SubmissionState::Invalid.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(not_invalid(
            &mut tx,
            id,
            "only a submission kept as invalid is corrected",
        )
        .await);
    }
    audit(&mut tx, actor, AuditAction::FieldSubmissionFix, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Why a change that needs an invalid submission changed nothing: it is missing, or in another
/// state (`sub_State`/`not_invalid`).
async fn not_invalid(tx: &mut Tx, id: Uuid, message: &str) -> StoreError {
    let exists: std::result::Result<Option<Uuid>, sqlx::Error> =
        sqlx::query_scalar("SELECT id FROM field_submissions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await;
    match exists {
        Err(e) => e.into(),
        Ok(None) => StoreError::NotFound {
            kind: "field submission",
            id: id.to_string(),
        },
        Ok(Some(_)) => refuse("sub_State", "not_invalid", message.to_string()),
    }
}

/// What a sealed part of a submission is bound to: the submission and the part's name (a
/// field, a file name), so one cannot be opened in the place of another.
fn bound(submission: Uuid, part: &str) -> Vec<u8> {
    let mut binding = submission.as_bytes().to_vec();
    binding.extend_from_slice(part.as_bytes());
    binding
}
