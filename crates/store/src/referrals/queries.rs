//! Referral consents, referrals and their timeline.

use chrono::{DateTime, Utc};
use sqlx::Row as _;
use tabara_core::audit::AuditAction;
use tabara_core::ids::*;
use tabara_core::referral::{Outgoing, Transition, check_answer_by, due_at, is_urgent};

use super::persons::fetch_person;
use super::*;
use crate::referrals::{
    Consent, InboxCounts, InboxSide, MAX_INBOX_OFFSET, MAX_TIMELINE, NewReferral, Party, Referral,
    ReferralConsent, ReferralDetails, ReferralEvent, ReferralState, ReferralStep, SharedStamps,
    TransitionKind,
};
use crate::{Actor, Result};

const CONSENT_COLS: &str = "id, case_id, person_id, recipient_id, services, data, given_at, \
    given_by, language, witness, withdrawn_at, recorded_by, recorded_at, version";

const REFERRAL_COLS: &str = "id, case_id, person_id, sender_id, recipient_id, services, data, \
    urgency, urgent, state, consent_id, answer_by, sent_at, due_at, assignee_id, reason, \
    created_by, created_at, updated_at, version";

/// The most rows a list returns.
const MAX_ROWS: i64 = 500;

fn consent_from_row(r: &DbRow) -> Result<ReferralConsent> {
    Ok(ReferralConsent {
        id: ReferralConsentId(r.try_get("id")?),
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        consent: Consent {
            recipient: OrganisationId(r.try_get("recipient_id")?),
            services: set_from_db(r.try_get("services")?)?,
            data: set_from_db(r.try_get("data")?)?,
            given_at: r.try_get("given_at")?,
            given_by: pick(&r.try_get::<String, _>("given_by")?)?,
            language: r.try_get("language")?,
            witness: r.try_get("witness")?,
            withdrawn_at: r.try_get("withdrawn_at")?,
        },
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        version: r.try_get("version")?,
    })
}

fn referral_from_row(r: &DbRow) -> Result<Referral> {
    Ok(Referral {
        id: ReferralId(r.try_get("id")?),
        case_id: CaseId(r.try_get("case_id")?),
        person_id: PersonId(r.try_get("person_id")?),
        sender_id: OrganisationId(r.try_get("sender_id")?),
        recipient_id: OrganisationId(r.try_get("recipient_id")?),
        services: set_from_db(r.try_get("services")?)?,
        data: set_from_db(r.try_get("data")?)?,
        urgency: set_from_db(r.try_get("urgency")?)?,
        urgent: r.try_get("urgent")?,
        state: pick(&r.try_get::<String, _>("state")?)?,
        consent_id: r
            .try_get::<Option<uuid::Uuid>, _>("consent_id")?
            .map(ReferralConsentId),
        answer_by: r.try_get("answer_by")?,
        sent_at: r.try_get("sent_at")?,
        due_at: r.try_get("due_at")?,
        assignee_id: r
            .try_get::<Option<uuid::Uuid>, _>("assignee_id")?
            .map(UserId),
        reason: r.try_get("reason")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
    })
}

/// Refuse a person who is not involved in the case.
async fn ensure_case_person(tx: &mut Tx, case_id: CaseId, person_id: PersonId) -> Result<()> {
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_persons WHERE case_id = $1 AND person_id = $2",
    )
    .bind(case_id.0)
    .bind(person_id.0)
    .fetch_one(&mut **tx)
    .await?;
    (found > 0)
        .then_some(())
        .or_not_found("person of the case", person_id)
}

async fn fetch_consent(tx: &mut Tx, id: ReferralConsentId, lock: &str) -> Result<ReferralConsent> {
    let table = ("referral_consents", CONSENT_COLS);
    let row = row_by_id(tx, table, ("referral consent", id.0), lock).await?;
    consent_from_row(&row)
}

pub(crate) async fn record_referral_consent(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: ReferralConsentId,
    case_id: CaseId,
    person_id: PersonId,
    consent: &Consent,
) -> Result<ReferralConsent> {
    let mut tx = begin(pool).await?;
    insert_consent(
        &mut tx,
        keys,
        actor,
        id,
        case_id,
        person_id,
        consent,
        Utc::now(),
    )
    .await?;
    let stored = fetch_consent(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(stored)
}

/// Check and write a consent with its audit entry, in `tx`.
#[allow(clippy::too_many_arguments)]
async fn insert_consent(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: ReferralConsentId,
    case_id: CaseId,
    person_id: PersonId,
    consent: &Consent,
    now: DateTime<Utc>,
) -> Result<()> {
    ensure_case_person(tx, case_id, person_id).await?;
    let person = fetch_person(&mut **tx, person_id, "").await?;
    let mut consent = consent.clone();
    consent.witness = consent
        .witness
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty());
    consent.validate(now, person.facts.is_child_or_presumed())?;
    let text = text_key(tx, keys, person_id).await?;
    sqlx::query(
        "INSERT INTO referral_consents (id, case_id, person_id, recipient_id, services, data, \
            given_at, given_by, language, witness, withdrawn_at, recorded_by, recorded_at, \
            updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
            $13, $14, $15)",
    )
    .bind(id.0)
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(consent.recipient.0)
    .bind(set_to_db(&consent.services))
    .bind(set_to_db(&consent.data))
    .bind(consent.given_at)
    .bind(consent.given_by.as_str())
    .bind(&consent.language)
    .bind(text.seal_opt(crate::referrals::WITNESS, consent.witness.as_deref())?)
    .bind(consent.withdrawn_at)
    .bind(actor.as_str())
    .bind(now)
    .bind(now)
    .bind(1i64)
    .execute(&mut **tx)
    .await?;
    audit(tx, actor, AuditAction::ReferralConsentRecord, id).await?;
    Ok(())
}

pub(crate) async fn withdraw_referral_consent(
    pool: &Pool,
    actor: &Actor,
    id: ReferralConsentId,
    expected_version: i64,
) -> Result<ReferralConsent> {
    let mut tx = begin(pool).await?;
    let current = fetch_consent(&mut tx, id, FOR_UPDATE).await?;
    check_version("referral consent", id, expected_version, current.version)?;
    let now = Utc::now();
    let mut consent = current.consent.clone();
    consent.withdraw(now)?;
    let version = current.version + 1;
    let done = sqlx::query(
        "UPDATE referral_consents SET withdrawn_at = $1, updated_at = $2, version = $3 WHERE id \
            = $4 AND version = $5",
    )
    .bind(now)
    .bind(now)
    .bind(version)
    .bind(id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(done, "referral consent", id, current.version)?;
    let changes = diff(&current.consent, &consent);
    record_change(
        &mut tx,
        "referral_consent",
        &id.to_string(),
        version,
        actor,
        changes,
    )
    .await?;
    audit(&mut tx, actor, AuditAction::ReferralConsentWithdraw, id).await?;
    let stored = fetch_consent(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn referral_consents(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
) -> Result<Vec<ReferralConsent>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONSENT_COLS} FROM referral_consents WHERE case_id = $1 AND person_id = $2 \
            ORDER BY given_at, id LIMIT $3"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(MAX_ROWS)
    .fetch_all(pool)
    .await?;
    rows.iter().map(consent_from_row).collect()
}

/// Append a timeline entry (the referral is locked, or being created, in `tx`).
async fn append_event(
    tx: &mut Tx,
    id: ReferralId,
    step: Option<TransitionKind>,
    actor: &Actor,
    at: DateTime<Utc>,
    reason: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO referral_events (referral_id, seq, step, actor, at, reason) SELECT $1, \
            COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM referral_events WHERE referral_id = $6",
    )
    .bind(id.0)
    .bind(step.map_or("create", |s| s.as_str()))
    .bind(actor.as_str())
    .bind(at)
    .bind(reason)
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn fetch_referral(tx: &mut Tx, id: ReferralId, lock: &str) -> Result<Referral> {
    let row = row_by_id(tx, ("referrals", REFERRAL_COLS), ("referral", id.0), lock).await?;
    referral_from_row(&row)
}

pub(crate) async fn create_referral(
    pool: &Pool,
    actor: &Actor,
    new: &NewReferral,
) -> Result<Referral> {
    let now = Utc::now();
    let mut tx = begin(pool).await?;
    insert_referral(&mut tx, actor, new, now).await?;
    let r = fetch_referral(&mut tx, new.id, "").await?;
    tx.commit().await?;
    Ok(r)
}

/// Check and write a draft with its first timeline entry and its audit entry, in `tx`.
async fn insert_referral(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewReferral,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(by) = new.answer_by {
        check_answer_by(by, now)?;
    }
    ensure_case_person(tx, new.case_id, new.person_id).await?;
    sqlx::query(
        "INSERT INTO referrals (id, case_id, person_id, sender_id, recipient_id, services, data, \
            urgency, urgent, state, answer_by, created_by, created_at, updated_at, version) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(new.id.0)
    .bind(new.case_id.0)
    .bind(new.person_id.0)
    .bind(new.sender_id.0)
    .bind(new.recipient_id.0)
    .bind(set_to_db(&new.services))
    .bind(set_to_db(&new.data))
    .bind(set_to_db(&new.urgency))
    .bind(is_urgent(&new.urgency))
    .bind(ReferralState::Draft.as_str())
    .bind(new.answer_by)
    .bind(actor.as_str())
    .bind(now)
    .bind(now)
    .bind(1i64)
    .execute(&mut **tx)
    .await?;
    append_event(tx, new.id, None, actor, now, None).await?;
    audit(tx, actor, AuditAction::ReferralCreate, new.id).await?;
    Ok(())
}

/// A consent, a draft under it, and its sending, in one transaction: the consent (when one is
/// given) is checked and written first, the draft next, then the send step runs (when asked)
/// against every consent of the person to the addressed agency, the new one included. The
/// first broken rule refuses the whole and nothing is written.
pub(crate) async fn refer(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    consent: Option<(ReferralConsentId, &Consent)>,
    new: &NewReferral,
    send: Option<ReferralStep<'_>>,
) -> Result<Referral> {
    let now = Utc::now();
    let steps: Vec<_> = send.into_iter().map(|s| (Party::Sender, s, now)).collect();
    refer_at(pool, keys, actor, consent, new, &steps, now).await
}

/// [`refer`] at `at`, then `steps` each at its own moment: the same checks, run at the
/// moments given (none in the future, none before the one before it).
pub(crate) async fn refer_at(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    consent: Option<(ReferralConsentId, &Consent)>,
    new: &NewReferral,
    steps: &[(Party, ReferralStep<'_>, DateTime<Utc>)],
    at: DateTime<Utc>,
) -> Result<Referral> {
    let now = Utc::now();
    let mut last = at;
    for (_, _, moment) in steps {
        if *moment < last || *moment > now {
            let message = "the steps of a recorded referral follow each other, none in the future";
            return Err(refuse("ref_At", "out_of_order", message));
        }
        last = *moment;
    }
    if at > now {
        return Err(refuse(
            "ref_At",
            "not_in_future",
            "a referral is recorded once made",
        ));
    }
    let mut tx = begin(pool).await?;
    if let Some((id, consent)) = consent {
        insert_consent(
            &mut tx,
            keys,
            actor,
            id,
            new.case_id,
            new.person_id,
            consent,
            at,
        )
        .await?;
    }
    insert_referral(&mut tx, actor, new, at).await?;
    for (version, (party, step, moment)) in (1i64..).zip(steps) {
        step_in(
            &mut tx, keys, actor, new.id, version, *party, *step, *moment,
        )
        .await?;
    }
    let r = fetch_referral(&mut tx, new.id, "").await?;
    tx.commit().await?;
    Ok(r)
}

fn step_action(kind: TransitionKind) -> AuditAction {
    match kind {
        TransitionKind::Send => AuditAction::ReferralSend,
        TransitionKind::Accept => AuditAction::ReferralAccept,
        TransitionKind::Decline => AuditAction::ReferralDecline,
        TransitionKind::Start => AuditAction::ReferralStart,
        TransitionKind::Complete => AuditAction::ReferralComplete,
        TransitionKind::Close => AuditAction::ReferralClose,
        TransitionKind::Cancel => AuditAction::ReferralCancel,
    }
}

pub(crate) async fn apply_referral_step(
    pool: &Pool,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: ReferralId,
    expected_version: i64,
    party: Party,
    step: ReferralStep<'_>,
) -> Result<Referral> {
    let mut tx = begin(pool).await?;
    let now = Utc::now();
    step_in(&mut tx, keys, actor, id, expected_version, party, step, now).await?;
    let stored = fetch_referral(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(stored)
}

/// Take a step in `tx`: the change, its timeline entry, its history and its audit entry.
#[allow(clippy::too_many_arguments)]
async fn step_in(
    tx: &mut Tx,
    keys: &crate::keys::Keys,
    actor: &Actor,
    id: ReferralId,
    expected_version: i64,
    party: Party,
    step: ReferralStep<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut current = fetch_referral(tx, id, FOR_UPDATE).await?;
    let text = text_key(tx, keys, current.person_id).await?;
    text.open_all(&mut current)?;
    check_version("referral", id, expected_version, current.version)?;
    let mut next = current.clone();
    let transition = match step {
        ReferralStep::Send { offered, deadlines } => {
            current.state.check_turn(TransitionKind::Send, party)?;
            if let Some(by) = current.answer_by {
                check_answer_by(by, now)?;
            }
            let stored = consents_to(tx, &current).await?;
            let consents: Vec<Consent> = stored.iter().map(|c| c.consent.clone()).collect();
            let covered = Outgoing {
                sender: current.sender_id,
                recipient: current.recipient_id,
                offered,
                services: &current.services,
                data: &current.data,
                consents: &consents,
            }
            .check(now)?;
            next.consent_id = Some(stored[covered.consent_index()].id);
            next.sent_at = Some(now);
            let within = deadlines.answer_within(&current.services, current.urgent);
            next.due_at = Some(due_at(now, within, current.answer_by));
            Transition::Send(covered)
        }
        ReferralStep::Accept => Transition::Accept,
        ReferralStep::Decline { reason } => Transition::Decline {
            reason: reason.to_string(),
        },
        ReferralStep::Start => Transition::Start,
        ReferralStep::Complete => Transition::Complete,
        ReferralStep::Close { reason } => Transition::Close {
            reason: reason.to_string(),
        },
        ReferralStep::Cancel => Transition::Cancel,
    };
    next.state = current.state.apply(&transition, party)?;
    let reason = transition.reason().map(str::to_string);
    if reason.is_some() {
        next.reason = reason.clone();
    }
    next.version = current.version + 1;
    next.updated_at = now;
    let done = sqlx::query(
        "UPDATE referrals SET state = $1, consent_id = $2, sent_at = $3, due_at = $4, reason = \
            $5, updated_at = $6, version = $7 WHERE id = $8 AND version = $9",
    )
    .bind(next.state.as_str())
    .bind(next.consent_id.map(|c| c.0))
    .bind(next.sent_at)
    .bind(next.due_at)
    .bind(text.seal_opt(crate::referrals::REASON, next.reason.as_deref())?)
    .bind(now)
    .bind(next.version)
    .bind(id.0)
    .bind(current.version)
    .execute(&mut **tx)
    .await?;
    ensure_updated(done, "referral", id, current.version)?;
    let kind = transition.kind();
    let sealed_reason = text.seal_opt(crate::referrals::EVENT_REASON, reason.as_deref())?;
    append_event(tx, id, Some(kind), actor, now, sealed_reason.as_deref()).await?;
    let changes = diff(&current, &next);
    record_sealed_change(
        tx,
        "referral",
        &id.to_string(),
        next.version,
        actor,
        changes,
        &text,
    )
    .await?;
    audit(tx, actor, step_action(kind), id).await?;
    Ok(())
}

/// Every consent (withdrawn ones included) of the referral's person in its case to its
/// addressed agency, oldest first.
async fn consents_to(tx: &mut Tx, r: &Referral) -> Result<Vec<ReferralConsent>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {CONSENT_COLS} FROM referral_consents WHERE case_id = $1 AND person_id = $2 AND \
            recipient_id = $3 ORDER BY given_at, id LIMIT $4"
    )))
    .bind(r.case_id.0)
    .bind(r.person_id.0)
    .bind(r.recipient_id.0)
    .bind(MAX_ROWS)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(consent_from_row).collect()
}

pub(crate) async fn referral(pool: &Pool, id: ReferralId) -> Result<ReferralDetails> {
    let mut tx = begin_read(pool).await?;
    let referral = fetch_referral(&mut tx, id, "").await?;
    let consent = match referral.consent_id {
        Some(c) => Some(fetch_consent(&mut tx, c, "").await?),
        None => None,
    };
    let rows = sqlx::query(
        "SELECT step, actor, at, reason FROM referral_events WHERE referral_id = $1 ORDER BY seq \
            LIMIT $2",
    )
    .bind(id.0)
    .bind(MAX_TIMELINE)
    .fetch_all(&mut *tx)
    .await?;
    let timeline = rows
        .iter()
        .map(|r| {
            let step: String = r.try_get("step")?;
            Ok(ReferralEvent {
                step: if step == "create" {
                    None
                } else {
                    Some(pick(&step)?)
                },
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    tx.commit().await?;
    Ok(ReferralDetails {
        referral,
        consent,
        timeline,
    })
}

/// A read-only snapshot on both backends (no write lock on SQLite).
async fn begin_read(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN").await?)
}

/// One slice of an inbox: the referrals of one side, one urgency and one state, read in
/// the order of the side's inbox index (`0020_referral_inbox`), so that no read sorts.
struct Slice {
    urgent: bool,
    state: &'static str,
    /// For a sent slice: `Some(true)` those past due at now, `Some(false)` the others.
    overdue: Option<bool>,
}

/// The keys (moment in the inbox, id) of a slice's first `limit` referrals, from the index
/// alone.
async fn inbox_slice(
    tx: &mut Tx,
    agency: OrganisationId,
    side: InboxSide,
    slice: &Slice,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(DateTime<Utc>, ReferralId)>> {
    // A draft has no sent_at: it stands by its drafting moment (core's "oldest").
    let since = if slice.state == "draft" {
        "created_at"
    } else {
        "sent_at"
    };
    let mut qb =
        sqlx::QueryBuilder::<Db>::new(format!("SELECT id, {since} AS since FROM referrals WHERE "));
    push_side(&mut qb, agency, side);
    qb.push(" AND urgent = ")
        .push_bind(slice.urgent)
        .push(" AND state = ")
        .push_bind(slice.state);
    if slice.state == "draft" {
        qb.push(" AND sent_at IS NULL");
    }
    match slice.overdue {
        Some(true) => {
            qb.push(" AND due_at < ").push_bind(now);
        }
        Some(false) => {
            qb.push(" AND (due_at IS NULL OR due_at >= ")
                .push_bind(now)
                .push(")");
        }
        None => {}
    }
    qb.push(format!(" ORDER BY {since}, id LIMIT "))
        .push_bind(limit as i64);
    qb.build()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("since")?, ReferralId(r.try_get("id")?))))
        .collect()
}

/// Where a side's referrals are found (the first column of its inbox index), for
/// `qb`'s WHERE clause.
fn push_side(qb: &mut sqlx::QueryBuilder<Db>, agency: OrganisationId, side: InboxSide) {
    match side {
        InboxSide::Incoming => {
            qb.push("recipient_id = ").push_bind(agency.0);
        }
        InboxSide::AssignedTo(user) => {
            qb.push("recipient_id = ")
                .push_bind(agency.0)
                .push(" AND assignee_id = ")
                .push_bind(user.0);
        }
        InboxSide::Outgoing => {
            qb.push("sender_id = ").push_bind(agency.0);
        }
    }
}

pub(crate) async fn referral_inbox_counts(
    pool: &Pool,
    agency: OrganisationId,
    side: InboxSide,
    now: DateTime<Utc>,
) -> Result<InboxCounts> {
    let states = match side {
        InboxSide::Outgoing => "'draft', 'sent', 'accepted', 'in_progress'",
        _ => "'sent', 'accepted', 'in_progress'",
    };
    // Both urgencies and the open states spelled out, so that the count walks the side's
    // index over its open referrals alone (closed ones pile up over the years).
    let mut qb = sqlx::QueryBuilder::<Db>::new(
        "SELECT COUNT(*) AS open, COALESCE(SUM(CASE WHEN state = 'sent' AND due_at < ",
    );
    qb.push_bind(now)
        .push(" THEN 1 ELSE 0 END), 0) AS overdue FROM referrals WHERE ");
    push_side(&mut qb, agency, side);
    qb.push(format!(
        " AND urgent IN (true, false) AND state IN ({states})"
    ));
    let row = qb.build().fetch_one(pool).await?;
    Ok(InboxCounts {
        open: row.try_get("open")?,
        overdue: row.try_get("overdue")?,
    })
}

pub(crate) async fn referral_inbox(
    pool: &Pool,
    agency: OrganisationId,
    side: InboxSide,
    now: DateTime<Utc>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Referral>> {
    let skip = offset.clamp(0, MAX_INBOX_OFFSET) as usize;
    let limit = skip + limit.clamp(1, MAX_ROWS) as usize;
    // Open states; an agency's incoming box holds no drafts (they are not sent yet).
    let others: &[&'static str] = match side {
        InboxSide::Outgoing => &["draft", "accepted", "in_progress"],
        _ => &["accepted", "in_progress"],
    };
    let mut tx = begin_read(pool).await?;
    // Core's inbox order: urgent first; within each, the overdue (sent and past due at now)
    // first; then the oldest, then id. Each group is a few index-ordered reads merged here.
    let mut keys: Vec<ReferralId> = Vec::with_capacity(limit);
    for urgent in [true, false] {
        let overdue = Slice {
            urgent,
            state: "sent",
            overdue: Some(true),
        };
        let left = limit - keys.len();
        keys.extend(
            inbox_slice(&mut tx, agency, side, &overdue, now, left)
                .await?
                .into_iter()
                .map(|(_, id)| id),
        );
        let left = limit - keys.len();
        if left == 0 {
            break;
        }
        let mut rest = inbox_slice(
            &mut tx,
            agency,
            side,
            &Slice {
                urgent,
                state: "sent",
                overdue: Some(false),
            },
            now,
            left,
        )
        .await?;
        for &state in others {
            let slice = Slice {
                urgent,
                state,
                overdue: None,
            };
            rest.extend(inbox_slice(&mut tx, agency, side, &slice, now, left).await?);
        }
        rest.sort_unstable();
        keys.extend(rest.into_iter().take(left).map(|(_, id)| id));
        if keys.len() == limit {
            break;
        }
    }
    // The page asked for: the keys before it were read from the index only.
    let keys: Vec<ReferralId> = keys.into_iter().skip(skip).collect();
    let mut found = std::collections::HashMap::with_capacity(keys.len());
    if !keys.is_empty() {
        let mut qb = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {REFERRAL_COLS} FROM referrals WHERE id IN ("
        ));
        let mut list = qb.separated(", ");
        for id in &keys {
            list.push_bind(id.0);
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut *tx).await? {
            let referral = referral_from_row(&r)?;
            found.insert(referral.id, referral);
        }
    }
    tx.commit().await?;
    Ok(keys.iter().filter_map(|id| found.remove(id)).collect())
}

pub(crate) async fn overdue_referrals(
    pool: &Pool,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Referral>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REFERRAL_COLS} FROM referrals WHERE state = 'sent' AND due_at < $1 ORDER BY \
            due_at, id LIMIT $2"
    )))
    .bind(now)
    .bind(limit.clamp(1, MAX_ROWS))
    .fetch_all(pool)
    .await?;
    rows.iter().map(referral_from_row).collect()
}

pub(crate) async fn case_referrals(
    pool: &Pool,
    case_id: CaseId,
    person_id: PersonId,
    limit: i64,
) -> Result<Vec<Referral>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REFERRAL_COLS} FROM referrals WHERE case_id = $1 AND person_id = $2 ORDER BY \
            created_at DESC, id DESC LIMIT $3"
    )))
    .bind(case_id.0)
    .bind(person_id.0)
    .bind(limit.clamp(1, MAX_ROWS))
    .fetch_all(pool)
    .await?;
    rows.iter().map(referral_from_row).collect()
}

pub(crate) async fn assign_referral(
    pool: &Pool,
    actor: &Actor,
    id: ReferralId,
    expected_version: i64,
    assignee: Option<UserId>,
) -> Result<Referral> {
    let mut tx = begin(pool).await?;
    let current = fetch_referral(&mut tx, id, FOR_UPDATE).await?;
    check_version("referral", id, expected_version, current.version)?;
    if let Some(user) = assignee {
        let of_agency: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = $1 AND organisation_id = $2")
                .bind(user.0)
                .bind(current.recipient_id.0)
                .fetch_one(&mut *tx)
                .await?;
        if of_agency == 0 {
            let message = "the referral is assigned to a user of the addressed agency";
            return Err(refuse("ref_Assignee", "not_of_agency", message));
        }
    }
    let now = Utc::now();
    let next = Referral {
        assignee_id: assignee,
        version: current.version + 1,
        updated_at: now,
        ..current.clone()
    };
    let done = sqlx::query(
        "UPDATE referrals SET assignee_id = $1, updated_at = $2, version = $3 WHERE id = $4 AND \
            version = $5",
    )
    .bind(assignee.map(|u| u.0))
    .bind(now)
    .bind(next.version)
    .bind(id.0)
    .bind(current.version)
    .execute(&mut *tx)
    .await?;
    ensure_updated(done, "referral", id, current.version)?;
    let changes = diff(&current, &next);
    record_change(
        &mut tx,
        "referral",
        &id.to_string(),
        next.version,
        actor,
        changes,
    )
    .await?;
    audit(&mut tx, actor, AuditAction::ReferralAssign, id).await?;
    let stored = fetch_referral(&mut tx, id, "").await?;
    tx.commit().await?;
    Ok(stored)
}

pub(crate) async fn referral_stamps(pool: &Pool, id: ReferralId) -> Result<SharedStamps> {
    let row = sqlx::query(
        "SELECT c.updated_at AS case_at, i.updated_at AS identity_at FROM referrals r JOIN cases \
            c ON c.id = r.case_id LEFT JOIN person_identities i ON i.person_id = r.person_id \
            WHERE r.id = $1",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await?
    .or_not_found("referral", id)?;
    Ok(SharedStamps {
        case_facts: row.try_get("case_at")?,
        identity: row.try_get("identity_at")?,
    })
}

pub(crate) async fn case_numbers(
    pool: &Pool,
    ids: &[CaseId],
) -> Result<std::collections::HashMap<CaseId, i64>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_ROWS as usize) {
        let mut qb = sqlx::QueryBuilder::<Db>::new("SELECT id, number FROM cases WHERE id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(id.0);
        }
        qb.push(")");
        for r in qb.build().fetch_all(pool).await? {
            out.insert(CaseId(r.try_get("id")?), r.try_get("number")?);
        }
    }
    Ok(out)
}
