//! Certificates of completion: issued to who completed, looked up by code, revoked with a reason.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::records::*;

use super::*;
use crate::{Actor, CertificateRecord, Result, StoreError};

pub(crate) const CERTIFICATE_COLS: &str =
    "id, code, participant_id, session_id, issued_by, issued_at, revoked_at, revocation_reason";

pub(crate) fn certificate_from_row(r: &DbRow) -> Result<CertificateRecord> {
    Ok(CertificateRecord {
        id: CertificateId(r.try_get("id")?),
        code: r.try_get("code")?,
        participant_id: ParticipantId(r.try_get("participant_id")?),
        session_id: TrainingSessionId(r.try_get("session_id")?),
        issued_by: r.try_get("issued_by")?,
        issued_at: r.try_get("issued_at")?,
        revoked_at: r.try_get("revoked_at")?,
        revocation_reason: r.try_get("revocation_reason")?,
    })
}

/// Issue a certificate to a participant who completed their session (attendance and post-test
/// by the session's rule); at most one valid certificate per participant.
pub(crate) async fn issue_certificate(
    pool: &Pool,
    actor: &Actor,
    participant_id: ParticipantId,
) -> Result<CertificateRecord> {
    let p = participant(pool, participant_id).await?;
    let session = training_session(pool, p.session_id).await?;
    let short = session
        .rule
        .check(p.days_attended.len() as u32, session.days(), p.post_test);
    if !short.is_empty() {
        let mut e = tabara_core::validation::ValidationErrors::default();
        for s in short {
            let (rule, message) = match s {
                tabara_core::training::Shortfall::Attendance => {
                    ("attendance", "attended too few days")
                }
                tabara_core::training::Shortfall::NoPostTest => {
                    ("no_post_test", "no post-test score")
                }
                tabara_core::training::Shortfall::PostTest => {
                    ("post_test", "post-test score under the threshold")
                }
            };
            e.push("crt_Completion", rule, message);
        }
        return Err(StoreError::Invalid(e));
    }
    let mut tx = begin(pool).await?;
    // Serialise issuing per participant (PostgreSQL row lock; SQLite writers are serialised).
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM training_participants WHERE id = $1{FOR_UPDATE}"
    )))
    .bind(participant_id.0)
    .fetch_one(&mut *tx)
    .await?;
    let valid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM certificates WHERE participant_id = $1 AND revoked_at IS NULL",
    )
    .bind(participant_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if valid > 0 {
        return Err(StoreError::Duplicate {
            what: "certificate",
            value: participant_id.to_string(),
        });
    }
    let id = CertificateId::new();
    let code = tabara_core::training::certificate_code();
    sqlx::query(
        "INSERT INTO certificates (id, code, participant_id, session_id, issued_by, issued_at) \
            VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(&code)
    .bind(participant_id.0)
    .bind(session.id.0)
    .bind(actor.as_str())
    .bind(Utc::now())
    .execute(&mut *tx)
    .await?;
    audit(&mut tx, actor, AuditAction::CertificateIssue, id).await?;
    let out = certificate(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(out)
}

/// A certificate by its code (as stored: see `training::normalise_code`).
pub(crate) async fn certificate_by_code(
    pool: &Pool,
    code: &str,
) -> Result<Option<CertificateRecord>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLS} FROM certificates WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(certificate_from_row).transpose()
}

/// A certificate by id.
pub(crate) async fn certificate<'e, E: sqlx::Executor<'e, Database = Db>>(
    ex: E,
    id: CertificateId,
) -> Result<CertificateRecord> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLS} FROM certificates WHERE id = $1"
    )))
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .or_not_found("certificate", id)?;
    certificate_from_row(&row)
}

/// The certificates of a session, newest first.
pub(crate) async fn session_certificates(
    pool: &Pool,
    session_id: TrainingSessionId,
) -> Result<Vec<CertificateRecord>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CERTIFICATE_COLS} FROM certificates WHERE session_id = $1 ORDER BY issued_at \
            DESC, id LIMIT 1000"
    )))
    .bind(session_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(certificate_from_row).collect()
}

/// The certificates of the participants linked to a user account, newest first.
pub(crate) async fn user_certificates(
    pool: &Pool,
    user_id: UserId,
) -> Result<Vec<CertificateRecord>> {
    let rows = sqlx::query(
        "SELECT c.id, c.code, c.participant_id, c.session_id, c.issued_by, c.issued_at, \
            c.revoked_at, c.revocation_reason FROM certificates c JOIN training_participants p ON \
            p.id = c.participant_id WHERE p.user_id = $1 ORDER BY c.issued_at DESC LIMIT 200",
    )
    .bind(user_id.0)
    .fetch_all(pool)
    .await?;
    rows.iter().map(certificate_from_row).collect()
}

/// Revoke a certificate with a reason (audited); a revoked certificate stays, marked.
pub(crate) async fn revoke_certificate(
    pool: &Pool,
    actor: &Actor,
    id: CertificateId,
    reason: &str,
) -> Result<CertificateRecord> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(refuse(
            "crt_RevocationReason",
            "required",
            "give the reason",
        ));
    }
    if reason
        .chars()
        .any(|c| tabara_core::validation::is_forbidden_char(c, true))
    {
        return Err(refuse(
            "crt_RevocationReason",
            "control_characters",
            "the reason holds a control character",
        ));
    }
    if reason.chars().count() > MAX_LONG_TEXT {
        return Err(refuse("crt_RevocationReason", "max_length", "too long"));
    }
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoked_by = $2, revocation_reason = $3 WHERE \
            id = $4 AND revoked_at IS NULL",
    )
    .bind(Utc::now())
    .bind(actor.as_str())
    .bind(reason)
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        return Err(if exists == 0 {
            not_found("certificate", id)
        } else {
            refuse(
                "crt_State",
                "already_revoked",
                "this certificate is already revoked",
            )
        });
    }
    audit(&mut tx, actor, AuditAction::CertificateRevoke, id).await?;
    let out = certificate(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(out)
}
