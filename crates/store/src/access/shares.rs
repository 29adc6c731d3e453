//! Shares of a case with other agencies, and need-to-know: how a user stands to a case, and the
//! ways a role reaches cases.

use chrono::Utc;
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use uuid::Uuid;

use super::cases::{CaseKey, case_list, fetch_case};
use super::*;
use crate::{Actor, CaseShare, Result, StoreError, Viewer};
use tabara_core::permissions::Relation;

pub(crate) async fn share_case(
    pool: &Pool,
    actor: &Actor,
    case_id: CaseId,
    organisation_id: OrganisationId,
    reason: &str,
    may_edit: bool,
) -> Result<()> {
    let reason = reason.trim();
    let mut e = tabara_core::validation::ValidationErrors::default();
    long_text_rule(&mut e, "share_Reason", reason, "a share needs a reason");
    e.into_result(())?;
    let mut tx = begin(pool).await?;
    let case = fetch_case(&mut *tx, "c.id = $1", CaseKey::Id(case_id)).await?;
    if case.organisation_id == organisation_id {
        return Err(StoreError::Duplicate {
            what: "share",
            value: "the case already belongs to this organisation".into(),
        });
    }
    let existing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_shares WHERE case_id = $1 AND organisation_id = $2",
    )
    .bind(case_id.0)
    .bind(organisation_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if existing > 0 {
        return Err(StoreError::Duplicate {
            what: "share",
            value: organisation_id.to_string(),
        });
    }
    sqlx::query(
        "INSERT INTO case_shares (case_id, organisation_id, reason, shared_by, \
        shared_at, may_edit) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id.0)
    .bind(organisation_id.0)
    .bind(reason)
    .bind(actor.as_str())
    .bind(Utc::now())
    .bind(may_edit)
    .execute(&mut *tx)
    .await?;
    // The flag is part of what was granted: a share for editing is its own action in the log.
    let action = if may_edit {
        AuditAction::CaseShareForEditing
    } else {
        AuditAction::CaseShare
    };
    audit(&mut tx, actor, action, case_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The newest `limit` shares of a case, oldest first.
pub(crate) async fn case_shares<'e, E: sqlx::Executor<'e, Database = Db>>(
    pool: E,
    case_id: CaseId,
    limit: i64,
) -> Result<Vec<CaseShare>> {
    let sql = "SELECT organisation_id, name, reason, shared_by, shared_at, may_edit FROM (SELECT \
        s.organisation_id, g.name, s.reason, s.shared_by, s.shared_at, s.may_edit FROM \
        case_shares s JOIN organisations g ON g.id = s.organisation_id WHERE s.case_id = $1 \
        ORDER BY s.shared_at DESC, s.organisation_id DESC LIMIT $2) t ORDER BY shared_at, \
        organisation_id";
    case_list(pool, sql, case_id, limit, share_from_row).await
}

pub(crate) fn share_from_row(r: &DbRow) -> Result<CaseShare> {
    Ok(CaseShare {
        organisation_id: OrganisationId(r.try_get("organisation_id")?),
        organisation_name: r.try_get("name")?,
        reason: r.try_get("reason")?,
        shared_by: r.try_get("shared_by")?,
        shared_at: r.try_get("shared_at")?,
        may_edit: r.try_get("may_edit")?,
    })
}

/// How the viewer stands to a case; `None` when the case does not exist.
pub(crate) async fn relation(
    pool: &Pool,
    viewer: &Viewer,
    case_id: CaseId,
) -> Result<Option<Relation>> {
    let row = sqlx::query(
        "SELECT c.organisation_id, c.office_id, c.owner_id, c.involves_minor, (SELECT COUNT(*) \
            FROM case_shares s WHERE s.case_id = c.id AND s.organisation_id = $1) AS shared, \
            (SELECT COUNT(*) FROM case_shares s WHERE s.case_id = c.id AND s.organisation_id = $2 \
            AND s.may_edit = $3) AS shared_for_editing FROM cases c WHERE c.id = $4",
    )
    .bind(viewer.organisation_id.0)
    .bind(viewer.organisation_id.0)
    .bind(true)
    .bind(case_id.0)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        let organisation: Uuid = r.try_get("organisation_id")?;
        let office: Option<Uuid> = r.try_get("office_id")?;
        let owner: Option<Uuid> = r.try_get("owner_id")?;
        let shared: i64 = r.try_get("shared")?;
        let shared_for_editing: i64 = r.try_get("shared_for_editing")?;
        Ok(Relation {
            same_agency: organisation == viewer.organisation_id.0,
            same_office: office.is_some() && office == viewer.office_id.map(|o| o.0),
            assigned: owner == Some(viewer.user_id.0),
            shared_with_agency: shared > 0,
            shared_for_editing: shared > 0 && shared_for_editing > 0,
            involves_minor: r.try_get("involves_minor")?,
        })
    })
    .transpose()
}

/// One way a viewer reaches cases; the case list is the union of them.
pub(crate) enum Reach {
    Organisation(Uuid),
    Office(Uuid),
    Owner(Uuid),
    Shared(Uuid),
    Minor,
}

/// The ways each role reaches cases: mirrors `permissions::decide` (checked by
/// tests/access.rs against `decide` for every demo user).
pub(crate) fn reach_of(v: &Viewer) -> Vec<Reach> {
    use tabara_core::Role::*;
    let mut out = Vec::new();
    match v.role {
        Officer => {
            out.push(Reach::Owner(v.user_id.0));
            if let Some(office) = v.office_id {
                out.push(Reach::Office(office.0));
            }
        }
        Investigator | Supervisor | Caseworker | ChildProtection => {
            out.push(Reach::Organisation(v.organisation_id.0));
            out.push(Reach::Owner(v.user_id.0));
            out.push(Reach::Shared(v.organisation_id.0));
            if v.role == ChildProtection {
                out.push(Reach::Minor);
            }
        }
        Prosecutor => {
            out.push(Reach::Owner(v.user_id.0));
            out.push(Reach::Shared(v.organisation_id.0));
        }
        Admin | Analyst | Trainer | LegalAid => {}
    }
    out
}
