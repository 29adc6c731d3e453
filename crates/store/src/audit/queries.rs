//! The audit log's queries: reading entries, and checking the chain and the register against it.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;

use super::*;
use crate::audit::{self, AuditEntry, Verification};
use crate::{Actor, Dialect, Result};

pub(crate) async fn record_event(
    pool: &Pool,
    actor: &Actor,
    action: AuditAction,
    id: String,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    audit(&mut tx, actor, action, id).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) fn audit_from_row(r: &DbRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.try_get("seq")?,
        at_us: r.try_get("at_us")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        record_kind: r.try_get("record_kind")?,
        record_id: r.try_get("record_id")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

pub(crate) const AUDIT_COLS: &str =
    "seq, at_us, actor, action, record_kind, record_id, prev_hash, hash";

pub(crate) async fn audit_entries(
    pool: &Pool,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
    )))
    .bind(after_seq)
    .bind(limit.clamp(1, 100_000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

pub(crate) async fn audit_trail(
    pool: &Pool,
    record_kind: &str,
    record_id: &str,
) -> Result<Vec<AuditEntry>> {
    recent_audit_trail(pool, record_kind, record_id, i64::MAX).await
}

/// The newest `limit` entries about a record, oldest first.
pub(crate) async fn recent_audit_trail<'e, E: sqlx::Executor<'e, Database = Db>>(
    pool: E,
    record_kind: &str,
    record_id: &str,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {AUDIT_COLS} FROM (SELECT {AUDIT_COLS} FROM audit_log WHERE record_kind = $1 AND \
            record_id = $2 ORDER BY seq DESC LIMIT $3) t ORDER BY seq"
    )))
    .bind(record_kind)
    .bind(record_id)
    .bind(limit.max(1))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_from_row).collect()
}

/// A record's id as the audit log writes it (`Uuid::to_string`): SQLite keeps UUIDs as 16-byte
/// blobs, PostgreSQL as `uuid`.
pub(crate) fn uuid_text(col: &str) -> String {
    match DIALECT {
        Dialect::Sqlite => format!(
            "lower(substr(hex({col}), 1, 8) || '-' || substr(hex({col}), 9, 4) || '-' || \
                substr(hex({col}), 13, 4) || '-' || substr(hex({col}), 17, 4) || '-' || \
                substr(hex({col}), 21, 12))"
        ),
        Dialect::Postgres => format!("{col}::text"),
    }
}

/// What the register holds that the log must account for. No row of these tables is ever
/// deleted, and each was inserted in the same transaction as one entry `action` about
/// `record_kind` and the row's id; so a table cannot hold more rows than the log has such
/// entries. `stamps` are the columns that record when a row was written (each write audited in
/// its transaction, after the time was taken), so none can be newer than the log's last entry.
pub(crate) struct Evidence {
    table: &'static str,
    /// Which rows, when one table holds rows of several actions.
    filter: &'static str,
    /// `(record_kind, action)` of each row's creation entry; `None` for rows created with
    /// another record's entry (a person's identity comes with `person.create`).
    created: Option<(&'static str, AuditAction)>,
    /// The row's `record_id` in the log, as columns: one uuid, or `case_id/person_id`; empty
    /// when several rows share one (only their number can be compared).
    id: &'static [&'static str],
    stamps: &'static [&'static str],
}

pub(crate) const EVIDENCE: &[Evidence] = &[
    Evidence {
        table: "organisations",
        filter: "",
        created: Some(("organisation", AuditAction::OrganisationCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "offices",
        filter: "",
        created: Some(("office", AuditAction::OfficeCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "users",
        filter: "",
        created: Some(("user", AuditAction::UserCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "persons",
        filter: "",
        created: Some(("person", AuditAction::PersonCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "person_identities",
        filter: "",
        created: None,
        id: &["person_id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "cases",
        filter: "",
        created: Some(("case", AuditAction::CaseCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "case_persons",
        filter: "",
        created: Some(("case_person", AuditAction::CasePersonAdd)),
        id: &["case_id", "person_id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "case_comments",
        filter: "",
        created: Some(("case_comment", AuditAction::CaseCommentCreate)),
        id: &["id"],
        stamps: &["created_at"],
    },
    Evidence {
        table: "consents",
        filter: "",
        created: Some(("consent", AuditAction::ConsentCreate)),
        id: &["id"],
        stamps: &["created_at"],
    },
    Evidence {
        table: "case_shares",
        filter: "",
        created: None,
        id: &["case_id"],
        stamps: &["shared_at"],
    },
    Evidence {
        table: "screenings",
        filter: "",
        created: Some(("screening", AuditAction::ScreeningCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "training_sessions",
        filter: "",
        created: Some(("training_session", AuditAction::TrainingSessionCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "training_participants",
        filter: "",
        created: Some((
            "training_participant",
            AuditAction::TrainingParticipantCreate,
        )),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "certificates",
        filter: "",
        created: Some(("certificate", AuditAction::CertificateIssue)),
        id: &["id"],
        stamps: &["issued_at", "revoked_at"],
    },
    Evidence {
        table: "material_items",
        filter: "",
        created: Some(("material", AuditAction::MaterialCreate)),
        id: &["id"],
        stamps: &["created_at"],
    },
    // A movement's entry names the item it moved (kind `material`): several rows share an id,
    // so only numbers compare, and the problem names the rows as movements.
    Evidence {
        table: "material_movements",
        filter: " WHERE kind = 'receipt'",
        created: Some(("material_movement", AuditAction::MaterialReceipt)),
        id: &[],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "material_movements",
        filter: " WHERE kind <> 'receipt'",
        created: Some(("material_movement", AuditAction::MaterialDistribution)),
        id: &[],
        stamps: &[],
    },
    Evidence {
        table: "referral_consents",
        filter: "",
        created: Some(("referral_consent", AuditAction::ReferralConsentRecord)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "referrals",
        filter: "",
        created: Some(("referral", AuditAction::ReferralCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    // One row per step, each written with the step's entry about the referral.
    Evidence {
        table: "referral_events",
        filter: "",
        created: None,
        id: &["referral_id"],
        stamps: &["at"],
    },
    // A file's row is written when its upload begins and completed with its entry; uploads
    // never completed are swept, completed ones never deleted.
    Evidence {
        table: "files",
        filter: " WHERE completed_at IS NOT NULL",
        created: Some(("file", AuditAction::FileUpload)),
        id: &["id"],
        stamps: &["completed_at"],
    },
    Evidence {
        table: "risk_assessments",
        filter: "",
        created: Some(("risk_assessment", AuditAction::RiskAssessmentRecord)),
        id: &["id"],
        stamps: &["assessed_at"],
    },
    Evidence {
        table: "service_providers",
        filter: "",
        created: Some(("service_provider", AuditAction::ServiceProviderCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "support_plans",
        filter: "",
        created: Some(("support_plan", AuditAction::SupportPlanCreate)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "child_pathways",
        filter: "",
        created: Some(("child_pathway", AuditAction::ChildPathwayOpen)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "support_services",
        filter: "",
        created: Some(("support_service", AuditAction::SupportServiceRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "support_visits",
        filter: "",
        created: Some(("support_visit", AuditAction::SupportVisitRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "support_steps",
        filter: "",
        created: Some(("support_step", AuditAction::SupportStepRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "investigations",
        filter: "",
        created: Some(("investigation", AuditAction::InvestigationOpen)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "investigation_tasks",
        filter: "",
        created: Some(("investigation_task", AuditAction::InvestigationTaskCreate)),
        id: &["id"],
        stamps: &["created_at", "closed_at"],
    },
    // Facts typed by a user have their entry; the steps of other records come with theirs.
    Evidence {
        table: "investigation_timeline",
        filter: " WHERE kind = 'fact'",
        created: Some(("investigation_event", AuditAction::InvestigationEventRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "investigation_notes",
        filter: "",
        created: Some(("investigation_note", AuditAction::InvestigationNoteCreate)),
        id: &["id"],
        stamps: &["created_at"],
    },
    Evidence {
        table: "offences",
        filter: "",
        created: Some(("offence", AuditAction::OffenceRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "element_supports",
        filter: "",
        created: Some(("element_support", AuditAction::ElementSupportRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "evidence_items",
        filter: "",
        created: Some(("evidence", AuditAction::EvidenceRegister)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "custody_events",
        filter: "",
        created: Some(("custody_event", AuditAction::CustodyEventRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "custodies",
        filter: "",
        created: Some(("custody", AuditAction::CustodyStart)),
        id: &["id"],
        stamps: &["updated_at"],
    },
    Evidence {
        table: "custody_extensions",
        filter: "",
        created: None,
        id: &["custody_id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "custody_rights",
        filter: "",
        created: Some(("custody_right", AuditAction::CustodyRightRecord)),
        id: &["id"],
        stamps: &["recorded_at"],
    },
    Evidence {
        table: "document_records",
        filter: "",
        created: Some(("document", AuditAction::DocumentRecord)),
        id: &["id"],
        stamps: &["recorded_at", "updated_at"],
    },
    Evidence {
        table: "dossiers",
        filter: "",
        created: Some(("dossier", AuditAction::DossierCreate)),
        id: &["id"],
        stamps: &["made_at", "sent_at"],
    },
    Evidence {
        table: "alerts",
        filter: "",
        created: Some(("alert", AuditAction::AlertRaise)),
        id: &["id"],
        stamps: &["raised_at"],
    },
    // Written with their alert's entry; read with a `notification.read` entry.
    Evidence {
        table: "notifications",
        filter: "",
        created: None,
        id: &["alert_id"],
        stamps: &["created_at", "read_at"],
    },
    // Each attempt written with a `notification.deliver` or `notification.delivery_fail` entry.
    Evidence {
        table: "deliveries",
        filter: "",
        created: None,
        id: &["notification_id"],
        stamps: &["last_attempt_at"],
    },
];

/// Clocks of several application servers (PostgreSQL) may differ a little: a row written by
/// one server can carry a time up to this much after the next entry another server appends.
pub(crate) const CLOCK_SKEW_US: i64 = 2_000_000;

pub(crate) async fn verify_audit(pool: &Pool) -> Result<Verification> {
    // One consistent snapshot: rows and entries committed while the check runs are either all
    // seen or not at all, so a live register never looks cut.
    let mut tx = match DIALECT {
        Dialect::Sqlite => pool.begin_with("BEGIN").await?,
        Dialect::Postgres => {
            pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await?
        }
    };
    let head: Option<(i64, String)> =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    let bound = head.as_ref().map_or(i64::MAX, |(seq, _)| *seq);
    let mut verifier = audit::Verifier::default();
    let mut creations: std::collections::HashMap<String, i64> = EVIDENCE
        .iter()
        .filter_map(|e| e.created)
        .map(|(_, action)| (action.to_string(), 0))
        .collect();
    let mut last_at_us = i64::MIN;
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLS} FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT \
                20000"
        )))
        .bind(after)
        .bind(bound.max(after))
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let e = audit_from_row(r)?;
            if let Err((seq, reason)) = verifier.check(&e) {
                return Ok(Verification::Broken { seq, reason });
            }
            if let Some(n) = creations.get_mut(&e.action) {
                *n += 1;
            }
            last_at_us = last_at_us.max(e.at_us);
            after = e.seq;
        }
    }
    let Some((head_seq, head_hash)) = head else {
        return Ok(Verification::Broken {
            seq: after + 1,
            reason: audit::Problem::HeadMissing,
        });
    };
    // Entries past the head would be forged appends that skipped the head update.
    let beyond: Option<i64> = sqlx::query_scalar("SELECT MIN(seq) FROM audit_log WHERE seq > $1")
        .bind(head_seq)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(seq) = beyond {
        return Ok(Verification::Broken {
            seq,
            reason: audit::Problem::BeyondHead { head: head_seq },
        });
    }
    let chain = verifier.finish(head_seq, &head_hash);
    if !matches!(chain, Verification::Ok { .. }) {
        return Ok(chain);
    }
    // The chain is whole up to its head; but a head rewritten to an earlier entry (or to 0)
    // hides a cut tail. The register itself proves what happened: every record's creation
    // entry must be there, and nothing can have been written after the last entry.
    for ev in EVIDENCE {
        let Some((kind, action)) = ev.created else {
            continue;
        };
        let records: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {}{}",
            ev.table, ev.filter
        )))
        .fetch_one(&mut *tx)
        .await?;
        let entries = creations.get(action.as_str()).copied().unwrap_or(0);
        if records <= entries {
            continue;
        }
        // A row whose creation entry is missing, when rows have ids of their own.
        let example: Option<String> = if ev.id.is_empty() {
            None
        } else {
            let id_sql = ev
                .id
                .iter()
                .map(|c| uuid_text(&format!("t.{c}")))
                .collect::<Vec<_>>()
                .join(" || '/' || ");
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT {id_sql} FROM {} t WHERE NOT EXISTS (SELECT 1 FROM audit_log a \
                 WHERE a.record_kind = $1 AND a.record_id = {id_sql} AND a.action = $2) LIMIT 1",
                ev.table
            )))
            .bind(kind)
            .bind(action.as_str())
            .fetch_optional(&mut *tx)
            .await?
        };
        return Ok(Verification::Broken {
            seq: head_seq + 1,
            reason: audit::Problem::Unrecorded {
                kind: kind.to_string(),
                action: action.to_string(),
                records,
                entries,
                example,
            },
        });
    }
    for ev in EVIDENCE {
        for stamp in ev.stamps {
            let newest: Option<chrono::DateTime<Utc>> = sqlx::query_scalar(sqlx::AssertSqlSafe(
                format!("SELECT MAX({stamp}) FROM {}", ev.table),
            ))
            .fetch_one(&mut *tx)
            .await?;
            let Some(newest) = newest else { continue };
            let newest_us = newest.timestamp_micros();
            if head_seq == 0 || newest_us > last_at_us.saturating_add(CLOCK_SKEW_US) {
                return Ok(Verification::Broken {
                    seq: head_seq + 1,
                    reason: audit::Problem::WrittenAfterLog {
                        table: ev.table.to_string(),
                        written_at_us: newest_us,
                        last_entry_at_us: if head_seq == 0 {
                            None
                        } else {
                            Some(last_at_us)
                        },
                    },
                });
            }
        }
    }
    tx.commit().await?;
    Ok(chain)
}
