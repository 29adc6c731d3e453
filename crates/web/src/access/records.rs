//! One loader and one extractor per record kind: the record the path names, loaded once, the
//! user's relation to it computed and the declared action decided once. A handler gets the
//! record only through its kind's extractor; the values are made here and nowhere else.

use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::Extensions;
use axum::http::request::Parts;
use axum::response::Response;
use tabara_core::ids::{
    CertificateId, OrganisationId, ParticipantId, PersonId, ScreeningId, TrainingSessionId,
};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::{Case, Organisation, parse_case_reference};
use tabara_core::referral::Party;
use tabara_core::role::Role;
use tabara_store::{
    AccountRequest, CasePerson, CertificateRecord, Participant, ReferralDetails, Screening,
    TrainingSession, User,
};

use super::Kind;
use super::check::{Principal, Refusal};
use crate::state::AppState;

/// Only this module makes the access values.
#[derive(Clone)]
struct Sealed;

/// A case the user may read, and the declared action on it: the case and the relation.
#[derive(Clone)]
pub struct CaseAccess {
    /// The case.
    pub case: Case,
    /// How the user stands to it.
    pub relation: Relation,
    _sealed: Sealed,
}

/// A person of a case on which the user may take the declared action.
#[derive(Clone)]
pub struct CasePersonAccess {
    /// The case.
    pub case: Case,
    /// How the user stands to the case.
    pub relation: Relation,
    /// The person and their involvement in the case.
    pub person: CasePerson,
    _sealed: Sealed,
}

/// A screening, its case and the user's relation to the case.
#[derive(Clone)]
pub struct ScreeningAccess {
    /// The screening.
    pub screening: Screening,
    /// Its case.
    pub case: Case,
    /// How the user stands to the case.
    pub relation: Relation,
    _sealed: Sealed,
}

impl ScreeningAccess {
    /// The screening, its case and the relation.
    pub fn into_parts(self) -> (Screening, Case, Relation) {
        (self.screening, self.case, self.relation)
    }
}

/// A training session, for a role granted the declared action.
#[derive(Clone)]
pub struct SessionAccess {
    /// The session.
    pub session: TrainingSession,
    _sealed: Sealed,
}

/// A participant of a training session, for a role granted the declared action.
#[derive(Clone)]
pub struct ParticipantAccess {
    /// The participant.
    pub participant: Participant,
    _sealed: Sealed,
}

/// A certificate, for a role granted the declared action (or, for [`Kind::OwnCertificate`],
/// its holder).
#[derive(Clone)]
pub struct CertificateAccess {
    /// The certificate.
    pub certificate: CertificateRecord,
    _sealed: Sealed,
}

/// A user account, for a role granted the declared action.
#[derive(Clone)]
pub struct AccountAccess {
    /// The account.
    pub account: User,
    _sealed: Sealed,
}

/// An organisation, for a role granted the declared action.
#[derive(Clone)]
pub struct OrganisationAccess {
    /// The organisation.
    pub organisation: Organisation,
    _sealed: Sealed,
}

/// An account request by id, for a role granted the declared action, with the request when
/// it still waits.
#[derive(Clone)]
pub struct RequestAccess {
    /// The request's id.
    pub id: uuid::Uuid,
    /// The request, while it waits for a decision.
    pub waiting: Option<AccountRequest>,
    _sealed: Sealed,
}

/// A referral the user reaches, with its case, how the user stands to it ([`Party`]) and, on
/// the sending side, to its case.
#[derive(Clone)]
pub struct ReferralAccess {
    /// The referral, its consent and its timeline.
    pub details: ReferralDetails,
    /// Its case.
    pub case: Case,
    /// Who the user is to the referral: the sender (a user of the sending agency who may act
    /// on the case), the assignee or a supervisor of the addressed agency; a reader of the
    /// sending agency who may not act on the case is an outsider to its steps.
    pub party: Party,
    /// The user's relation to the case, on the sending side (`None` for the addressed agency,
    /// which reaches the referral, not the case).
    pub relation: Option<Relation>,
    _sealed: Sealed,
}

/// A provider of the services directory, for a role granted the declared action or (for
/// [`Kind::OwnServiceProvider`]) a user of the provider's agency.
#[derive(Clone)]
pub struct ServiceProviderAccess {
    /// The provider.
    pub provider: tabara_store::ServiceProvider,
    _sealed: Sealed,
}

/// A custody record the user reaches: through its case (`relation`), or as the legal-aid
/// organisation it was given to (`relation` is `None`).
#[derive(Clone)]
pub struct CustodyAccess {
    /// The custody.
    pub custody: tabara_store::CustodyRecord,
    /// Its case.
    pub case: Case,
    /// The user's relation to the case; `None` for legal aid.
    pub relation: Option<Relation>,
    _sealed: Sealed,
}

/// A dossier the user reaches: through its case, or as the prosecutor's office it was sent to.
#[derive(Clone)]
pub struct DossierAccess {
    /// The dossier.
    pub dossier: tabara_store::Dossier,
    /// Its case's number.
    pub case_number: i64,
    _sealed: Sealed,
}

macro_rules! extractor {
    ($($t:ident),* $(,)?) => {$(
        impl<S: Send + Sync> FromRequestParts<S> for $t {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
                parts.extensions.remove::<$t>().ok_or_else(|| {
                    tracing::error!(
                        extractor = stringify!($t),
                        "the route does not declare the access this handler reads"
                    );
                    crate::error::internal_error_page()
                })
            }
        }
    )*};
}

extractor!(
    CaseAccess,
    CasePersonAccess,
    ScreeningAccess,
    SessionAccess,
    ParticipantAccess,
    CertificateAccess,
    AccountAccess,
    OrganisationAccess,
    RequestAccess,
    ReferralAccess,
    ServiceProviderAccess,
    CustodyAccess,
    DossierAccess,
);

fn parse<T: std::str::FromStr>(params: &HashMap<String, String>, name: &str) -> Result<T, Refusal> {
    params
        .get(name)
        .and_then(|v| v.parse().ok())
        .ok_or(Refusal::NotFound)
}

/// A case the user may read (missing and out of reach alike: 404), with the relation.
async fn readable_case(
    state: &AppState,
    who: &Principal<'_>,
    reference: Option<&String>,
) -> Result<(Case, Relation), Refusal> {
    let number = reference
        .and_then(|r| parse_case_reference(r))
        .ok_or(Refusal::NotFound)?;
    let case = state.store.case_by_number(number).await?;
    readable(state, who, case).await
}

async fn readable(
    state: &AppState,
    who: &Principal<'_>,
    case: Case,
) -> Result<(Case, Relation), Refusal> {
    let relation = state
        .store
        .relation(who.viewer, case.id)
        .await?
        .ok_or(Refusal::NotFound)?;
    if !decide(who.user.role, Action::ReadCase, Some(relation)).allowed() {
        return Err(Refusal::NotFound);
    }
    Ok((case, relation))
}

/// The role grants a global action, else the record is out of reach.
fn granted(who: &Principal<'_>, action: Action) -> Result<(), Refusal> {
    if who.may(action) {
        Ok(())
    } else {
        Err(Refusal::NotFound)
    }
}

/// Load the record of `kind` the path names, decide `action` on it, and leave its access
/// value in `extensions` for the handler.
pub(super) async fn load(
    state: &AppState,
    who: &Principal<'_>,
    kind: Kind,
    action: Action,
    params: &HashMap<String, String>,
    extensions: &mut Extensions,
) -> Result<(), Refusal> {
    let allowed = |relation: Relation| decide(who.user.role, action, Some(relation)).allowed();
    let sealed = Sealed;
    match kind {
        Kind::Case => {
            let reference = params.get("number").or_else(|| params.get("reference"));
            let (case, relation) = readable_case(state, who, reference).await?;
            if !allowed(relation) {
                return Err(Refusal::Forbidden);
            }
            extensions.insert(CaseAccess {
                case,
                relation,
                _sealed: sealed,
            });
        }
        Kind::CasePerson => {
            let (case, relation) = readable_case(state, who, params.get("number")).await?;
            if !allowed(relation) {
                return Err(Refusal::NotFound);
            }
            let id: PersonId = parse(params, "person")?;
            let persons = state.store.case_persons(case.id).await?;
            let person = persons
                .into_iter()
                .find(|p| p.person.id == id)
                .ok_or(Refusal::NotFound)?;
            extensions.insert(CasePersonAccess {
                case,
                relation,
                person,
                _sealed: sealed,
            });
        }
        Kind::SupportPerson => {
            let id: PersonId = parse(params, "person")?;
            let (case, relation) = match readable_case(state, who, params.get("number")).await {
                Ok(reached) => reached,
                Err(Refusal::NotFound) => receiving(state, who, params, id).await?,
                Err(other) => return Err(other),
            };
            if !allowed(relation) {
                return Err(Refusal::NotFound);
            }
            let persons = state.store.case_persons(case.id).await?;
            let person = persons
                .into_iter()
                .find(|p| p.person.id == id)
                .ok_or(Refusal::NotFound)?;
            extensions.insert(CasePersonAccess {
                case,
                relation,
                person,
                _sealed: sealed,
            });
        }
        Kind::Screening => {
            let id: ScreeningId = parse(params, "id")?;
            let screening = state.store.screening(id).await?;
            let case = state.store.case(screening.case_id).await?;
            let (case, relation) = readable(state, who, case).await?;
            if !allowed(relation) {
                return Err(Refusal::Forbidden);
            }
            extensions.insert(ScreeningAccess {
                screening,
                case,
                relation,
                _sealed: sealed,
            });
        }
        Kind::TrainingSession => {
            granted(who, action)?;
            let id: TrainingSessionId = parse(params, "id")?;
            let session = state.store.training_session(id).await?;
            extensions.insert(SessionAccess {
                session,
                _sealed: sealed,
            });
        }
        Kind::Participant => {
            granted(who, action)?;
            let id: ParticipantId = parse(params, "id")?;
            let participant = state.store.participant(id).await?;
            extensions.insert(ParticipantAccess {
                participant,
                _sealed: sealed,
            });
        }
        Kind::Certificate | Kind::OwnCertificate => {
            if kind == Kind::Certificate {
                granted(who, action)?;
            }
            let id: CertificateId = parse(params, "id")?;
            let certificate = state.store.certificate(id).await?;
            if kind == Kind::OwnCertificate {
                let holder = state.store.participant(certificate.participant_id).await?;
                if holder.user_id != Some(who.user.id) {
                    granted(who, action)?;
                }
            }
            extensions.insert(CertificateAccess {
                certificate,
                _sealed: sealed,
            });
        }
        Kind::User => {
            granted(who, action)?;
            let username = params.get("username").ok_or(Refusal::NotFound)?;
            let account = state
                .store
                .user_by_username(username)
                .await?
                .ok_or(Refusal::NotFound)?;
            extensions.insert(AccountAccess {
                account,
                _sealed: sealed,
            });
        }
        Kind::Organisation => {
            granted(who, action)?;
            let id: OrganisationId = parse(params, "id")?;
            let organisation = state
                .store
                .organisations()
                .await?
                .into_iter()
                .find(|o| o.id == id)
                .ok_or(Refusal::NotFound)?;
            extensions.insert(OrganisationAccess {
                organisation,
                _sealed: sealed,
            });
        }
        Kind::AccountRequest => {
            granted(who, action)?;
            let id: uuid::Uuid = parse(params, "id")?;
            let waiting = state
                .store
                .pending_account_requests(500)
                .await?
                .into_iter()
                .find(|r| r.id == id);
            extensions.insert(RequestAccess {
                id,
                waiting,
                _sealed: sealed,
            });
        }
        Kind::Referral => {
            let id: tabara_core::ids::ReferralId = parse(params, "id")?;
            let details = state.store.referral(id).await?;
            let r = &details.referral;
            let agency = who.user.organisation_id;
            let (party, relation, case) = if agency == r.sender_id {
                let case = state.store.case(r.case_id).await?;
                let (case, relation) = readable(state, who, case).await?;
                if !allowed(relation) {
                    return Err(Refusal::Forbidden);
                }
                let acts = decide(who.user.role, Action::EditCase, Some(relation)).allowed();
                let party = if acts { Party::Sender } else { Party::Outsider };
                (party, Some(relation), case)
            } else if agency == r.recipient_id && reads_content(who.user.role) {
                let party = Party::of(
                    agency,
                    who.user.role == Role::Supervisor,
                    r.assignee_id == Some(who.user.id),
                    r.sender_id,
                    r.recipient_id,
                );
                if !r.state.shares_with(party) {
                    return Err(Refusal::NotFound);
                }
                (party, None, state.store.case(r.case_id).await?)
            } else {
                return Err(Refusal::NotFound);
            };
            extensions.insert(ReferralAccess {
                details,
                case,
                party,
                relation,
                _sealed: sealed,
            });
        }
        Kind::Custody => {
            let id: uuid::Uuid = parse(params, "id")?;
            let custody = state.store.custody(id).await?;
            let case = state.store.case(custody.case_id).await?;
            let (case, relation) = match through_case(state, who, action, case.clone()).await? {
                Some((case, relation)) => (case, Some(relation)),
                None if who.user.role == Role::LegalAid
                    && custody.legal_aid_id == Some(who.user.organisation_id) =>
                {
                    if action != Action::ReadCase {
                        return Err(Refusal::Forbidden);
                    }
                    (case, None)
                }
                None => return Err(Refusal::NotFound),
            };
            extensions.insert(CustodyAccess {
                custody,
                case,
                relation,
                _sealed: sealed,
            });
        }
        Kind::Dossier => {
            let id: uuid::Uuid = parse(params, "id")?;
            let dossier = state.store.dossier(id).await?;
            let inv = state.store.investigation(dossier.investigation_id).await?;
            let case = state.store.case(inv.case_id).await?;
            let number = case.number;
            match through_case(state, who, action, case).await? {
                Some(_) => {}
                None if who.user.role == Role::Prosecutor
                    && dossier.sent_to == Some(who.user.organisation_id) =>
                {
                    if action != Action::ReadCase {
                        return Err(Refusal::Forbidden);
                    }
                }
                None => return Err(Refusal::NotFound),
            }
            extensions.insert(DossierAccess {
                dossier,
                case_number: number,
                _sealed: sealed,
            });
        }
        Kind::ServiceProvider | Kind::OwnServiceProvider => {
            if kind == Kind::ServiceProvider {
                granted(who, action)?;
            }
            let id: tabara_core::ids::ServiceProviderId = parse(params, "id")?;
            let provider = state.store.service_provider(id).await?;
            if kind == Kind::OwnServiceProvider
                && provider.organisation_id != who.user.organisation_id
            {
                granted(who, action)?;
            }
            extensions.insert(ServiceProviderAccess {
                provider,
                _sealed: sealed,
            });
        }
    }
    Ok(())
}

/// The case of a record through which the user reaches it: the relation and the action
/// decided (403 when refused), or `None` when the case is out of reach.
async fn through_case(
    state: &AppState,
    who: &Principal<'_>,
    action: Action,
    case: Case,
) -> Result<Option<(Case, Relation)>, Refusal> {
    match readable(state, who, case).await {
        Ok((case, relation)) => {
            if decide(who.user.role, action, Some(relation)).allowed() {
                Ok(Some((case, relation)))
            } else {
                Err(Refusal::Forbidden)
            }
        }
        Err(Refusal::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The case of `person` and the relation of a user who works on a referral of that person in
/// that case: the assignee or a supervisor of the addressed agency, the referral accepted or in
/// progress; the relation is that of a case shared with the agency for editing. Else 404.
async fn receiving(
    state: &AppState,
    who: &Principal<'_>,
    params: &HashMap<String, String>,
    person: PersonId,
) -> Result<(Case, Relation), Refusal> {
    use tabara_core::referral::ReferralState;
    let number = params
        .get("number")
        .and_then(|r| parse_case_reference(r))
        .ok_or(Refusal::NotFound)?;
    if !reads_content(who.user.role) {
        return Err(Refusal::NotFound);
    }
    let case = state.store.case_by_number(number).await?;
    let agency = who.user.organisation_id;
    let referrals = state.store.case_referrals(case.id, person, 50).await?;
    let working = referrals.iter().find_map(|r| {
        let at_work = matches!(r.state, ReferralState::Accepted | ReferralState::InProgress);
        let party = Party::of(
            agency,
            who.user.role == Role::Supervisor,
            r.assignee_id == Some(who.user.id),
            r.sender_id,
            r.recipient_id,
        );
        (at_work && party.is_receiver()).then_some(party)
    });
    let Some(party) = working else {
        return Err(Refusal::NotFound);
    };
    let relation = Relation {
        shared_with_agency: true,
        shared_for_editing: true,
        assigned: party == Party::Assignee,
        ..Relation::default()
    };
    Ok((case, relation))
}

/// The roles that may receive a referral's content: every role that works with persons, legal
/// aid included (a referral to it is how a person becomes its client); never administrators,
/// analysts or trainers, who see no case content at all.
fn reads_content(role: Role) -> bool {
    !matches!(role, Role::Admin | Role::Analyst | Role::Trainer)
}
