//! Every write appends its audit action: for each [`AuditAction`], the public operation that
//! writes it runs and the log must have gained an entry with that action, about a record of
//! the action's kind (and, where the record is known, that record). `scenario` matches every
//! variant without a wildcard, so a new action does not compile until it has its scenario.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use tabara_core::audit::AuditAction;
use tabara_core::palermo::MovementFacts;
use tabara_core::screening::{AgeFacts, Answer, Catalogue};
use tabara_core::training::CompletionRule;
use tabara_store::{FirstCredential, NewParticipant, NewTrainingSession, SessionModule};

use crate::alerts;
use crate::common::*;
use crate::investigations as inv;
use crate::referrals::{record_consent, referable, referral_through};
use crate::services::{provider_form, stored_provider};
use tabara_core::referral::TransitionKind as T;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

/// What every scenario may start from: an agency with an office, and two administrators.
struct Scene {
    w: World,
    admin: UserId,
    second_admin: UserId,
    /// The register's own master key (a rotation goes away from it and back).
    master: Option<tabara_core::protect::MasterKey>,
}

impl Scene {
    async fn new(s: &Store) -> Scene {
        let w = world(s).await;
        let mut scene = Scene {
            w,
            admin: UserId::new(),
            second_admin: UserId::new(),
            master: None,
        };
        scene.admin = scene.user(s, Role::Admin).await;
        scene.second_admin = scene.user(s, Role::Admin).await;
        scene
    }

    fn new_user(&self, role: Role) -> NewUser {
        let id = UserId::new();
        NewUser {
            id,
            username: format!("user.{}", id.0.simple()),
            display_name: "Utilisateur de test".into(),
            role,
            organisation_id: self.w.org.id,
            office_id: Some(self.w.office.id),
            password_hash: HASH.into(),
        }
    }

    async fn user(&self, s: &Store, role: Role) -> UserId {
        s.create_user(&system(), &self.new_user(role))
            .await
            .unwrap()
    }

    /// A case with one victim.
    /// A case with a victim of 15: on the child pathway.
    async fn child_case(&self, s: &Store) -> (CaseId, PersonId) {
        let (case, p) = self.case_with_victim(s).await;
        let mut child = s.person(p.id).await.unwrap();
        child.facts.age_at_registration = Some(15);
        s.update_person(&system(), &child).await.unwrap();
        let cp = &s.case_persons(case.id).await.unwrap()[0];
        s.update_case_person(&system(), case.id, p.id, cp.version, &cp.involvement)
            .await
            .unwrap();
        (case.id, p.id)
    }

    async fn case_with_victim(&self, s: &Store) -> (Case, Person) {
        let p = add_person(s, &self.w, "Aline", "Niyonkuru").await;
        let case = open_case(s, &self.w, "2026-01-10").await;
        involve_victim(s, case.id, p.id).await;
        (case, p)
    }

    /// A completed screening of a child made to work (the engine suggests a status); its id
    /// and version.
    async fn completed_screening(&self, s: &Store) -> (ScreeningId, i64) {
        let (id, version) = self.draft_screening(s).await;
        let answers = answers(&[
            ("act_recruited", Answer::Yes),
            ("d4_hours", Answer::Yes),
            ("d4_pay", Answer::Yes),
        ]);
        let (age, movement) = child_made_to_work();
        let version = s
            .save_screening(&system(), id, version, &answers, &age, &movement)
            .await
            .unwrap();
        let done = s
            .complete_screening(&system(), id, version, Catalogue::embedded().unwrap())
            .await
            .unwrap();
        let suggested = done.evaluation.as_ref().and_then(|e| e.suggested_status);
        assert!(suggested.is_some(), "the scenario needs a suggestion");
        (id, done.version)
    }

    async fn draft_screening(&self, s: &Store) -> (ScreeningId, i64) {
        let (case, p) = self.case_with_victim(s).await;
        let id = ScreeningId::new();
        let version = Catalogue::embedded().unwrap().version.clone();
        let draft = s
            .create_screening(&system(), id, case.id, p.id, &version)
            .await
            .unwrap();
        (id, draft.version)
    }

    /// A two-day session with one participant.
    async fn participant(&self, s: &Store) -> (TrainingSessionId, ParticipantId) {
        let session = NewTrainingSession {
            id: TrainingSessionId::new(),
            title: "Formation des OPJ".into(),
            starts_on: day("2026-03-02"),
            ends_on: day("2026-03-03"),
            venue: "Bujumbura".into(),
            organiser_id: self.w.org.id,
            funding: None,
            modules: vec![SessionModule {
                module: "legal_frameworks".into(),
                facilitator_id: None,
            }],
            trainers: vec!["Josiane Kwizera".into()],
            rule: CompletionRule::default(),
        };
        let created = s
            .create_training_session(&system(), &session)
            .await
            .unwrap();
        let p = s
            .add_participant(
                &system(),
                &NewParticipant {
                    id: ParticipantId::new(),
                    session_id: created.id,
                    user_id: None,
                    full_name: "Aline Niyonkuru".into(),
                    rank: None,
                    unit: None,
                    office_id: None,
                    sex: Gender::Feminine,
                },
            )
            .await
            .unwrap();
        (created.id, p.id)
    }

    /// A participant who completed: both days attended, post-test passed.
    async fn completed(&self, s: &Store) -> ParticipantId {
        let (_, p) = self.participant(s).await;
        for d in ["2026-03-02", "2026-03-03"] {
            s.set_attendance(&system(), p, day(d), true).await.unwrap();
        }
        s.set_scores(&system(), p, 1, Some(40), Some(90))
            .await
            .unwrap();
        p
    }

    async fn material(&self, s: &Store) -> MaterialId {
        let id = MaterialId::new();
        s.create_material(&system(), id, "poster", "Non à la traite", "rn", None)
            .await
            .unwrap();
        id
    }

    async fn second_office(&self, s: &Store) -> OfficeId {
        let other = office(&self.w.org, "Poste de Gatumba");
        s.create_office(&system(), &other).await.unwrap();
        other.id
    }

    async fn other_agency(&self, s: &Store) -> OrganisationId {
        let other = org("Agence partenaire");
        s.create_organisation(&system(), &other).await.unwrap();
        other.id
    }

    /// Run the operation that writes `action`; the id of the record its entry names, when the
    /// scenario knows it.
    async fn scenario(&self, s: &Store, action: AuditAction) -> Option<String> {
        let a = &system();
        let soon = Utc::now() + Duration::hours(1);
        use AuditAction as A;
        Some(match action {
            A::OrganisationCreate => self.other_agency(s).await.to_string(),
            A::OrganisationUpdate => {
                let mut o = org("Agence à renommer");
                s.create_organisation(a, &o).await.unwrap();
                o.name = "Agence renommée".into();
                s.update_organisation(a, &o).await.unwrap();
                o.id.to_string()
            }
            A::OfficeCreate => self.second_office(s).await.to_string(),
            A::UserCreate => self.user(s, Role::Officer).await.to_string(),
            A::UserCreateRequest => {
                let u = self.new_user(Role::Supervisor);
                let first = FirstCredential::AwaitingApproval(self.admin);
                let request = s.create_account(a, &u, first).await.unwrap();
                let waiting = s.pending_account_requests(500).await.unwrap();
                assert!(
                    waiting
                        .iter()
                        .any(|r| Some(r.id) == request && r.user.id == u.id)
                );
                u.id.to_string()
            }
            A::UserResetRequest => {
                let u = self.user(s, Role::Officer).await;
                s.request_reset(self.admin, u).await.unwrap();
                u.to_string()
            }
            A::UserRequestApprove | A::UserRequestRefuse => {
                let u = self.user(s, Role::Officer).await;
                let request = s.request_reset(self.admin, u).await.unwrap();
                let approval = (action == A::UserRequestApprove).then_some(("$one-time", soon));
                let decided = s
                    .decide_account_request(self.second_admin, request, approval)
                    .await
                    .unwrap();
                assert_eq!(decided.user.id, u);
                u.to_string()
            }
            A::UserOneTimeCredential => {
                let u = self.user(s, Role::Officer).await;
                s.issue_one_time_credential(a, u, "$one-time", soon)
                    .await
                    .unwrap();
                u.to_string()
            }
            A::UserPassword => {
                let u = self.user(s, Role::Officer).await;
                s.set_password(a, u, HASH).await.unwrap();
                u.to_string()
            }
            A::UserDisable | A::UserEnable => {
                let u = self.user(s, Role::Officer).await;
                s.set_user_disabled(a, u, true).await.unwrap();
                if action == A::UserEnable {
                    s.set_user_disabled(a, u, false).await.unwrap();
                }
                u.to_string()
            }
            A::UserLogin | A::UserLoginFailed => {
                let u = self.user(s, Role::Officer).await;
                s.record_login(u, action == A::UserLogin, None)
                    .await
                    .unwrap();
                u.to_string()
            }
            A::UserLoginLocked => {
                let u = self.user(s, Role::Officer).await;
                s.record_refused_sign_in(Some(u)).await.unwrap();
                u.to_string()
            }
            A::UserLoginUnknown => {
                s.record_refused_sign_in(None).await.unwrap();
                "unknown".into()
            }
            A::UserLoginOneTime => {
                let u = self.user(s, Role::Officer).await;
                s.issue_one_time_credential(a, u, "$one-time", soon)
                    .await
                    .unwrap();
                assert!(s.use_one_time_credential(u).await.unwrap());
                u.to_string()
            }
            A::UserPasswordCheckFailed => {
                let u = self.user(s, Role::Officer).await;
                s.record_failed_check(u, A::UserPasswordCheckFailed, None)
                    .await
                    .unwrap();
                u.to_string()
            }
            A::UserPasswordCheckLocked => {
                // Named by its stored name, as the pages do.
                let u = self.user(s, Role::Officer).await;
                s.record_failed_check(u, "user.password_check_locked", Some(soon))
                    .await
                    .unwrap();
                u.to_string()
            }
            A::ApiTokenCreate => {
                let u = self.user(s, Role::Trainer).await;
                let hash = tabara_store::token_hash(&u.to_string());
                s.create_api_token(a, u, &hash, "tablette", None)
                    .await
                    .unwrap();
                u.to_string()
            }
            A::PersonCreate => add_person(s, &self.w, "Jean", "Ndikumana")
                .await
                .id
                .to_string(),
            A::PersonUpdate => {
                let mut p = add_person(s, &self.w, "Jean", "Ndikumana").await;
                p.facts.number_of_children = Some(3);
                s.update_person(a, &p).await.unwrap();
                p.id.to_string()
            }
            A::PersonIdentityRead => {
                let p = add_person(s, &self.w, "Jean", "Ndikumana").await;
                s.read_identity(a, p.id).await.unwrap();
                p.id.to_string()
            }
            A::PersonIdentityUpdate => {
                let p = add_person(s, &self.w, "Jean", "Ndikumana").await;
                s.update_identity(a, p.id, 1, &identity("Jean", "Ndayishimiye"))
                    .await
                    .unwrap();
                p.id.to_string()
            }
            A::PersonIdentityExport => {
                let (_, p) = self.case_with_victim(s).await;
                let rows = s.export_victims(None, 10_000, Some(a)).await.unwrap();
                assert!(rows.iter().any(|r| r.person.id == p.id));
                p.id.to_string()
            }
            A::PersonIdentitySearch => {
                s.record_event(a, A::PersonIdentitySearch, "search", String::new())
                    .await
                    .unwrap();
                String::new()
            }
            A::PersonAccessReport => {
                let (_, p) = self.case_with_victim(s).await;
                let report = s.access_report(a, p.id).await.unwrap();
                assert_eq!(report.cases.len(), 1);
                p.id.to_string()
            }
            A::FileUpload => {
                let (case, p) = self.case_with_victim(s).await;
                let f = s
                    .put_file(
                        a,
                        tabara_store::files::NewFile {
                            case: case.id,
                            person: p.id,
                            purpose: tabara_core::files::FilePurpose::ConsentForm,
                            name: "form.pdf",
                            declared_type: None,
                            limit: tabara_core::files::DEFAULT_MAX_BYTES,
                        },
                        &b"%PDF-1.4\n%%EOF\n"[..],
                    )
                    .await
                    .unwrap();
                f.id.to_string()
            }
            A::FileRead => {
                let (case, p) = self.case_with_victim(s).await;
                let f = s
                    .put_file(
                        &tabara_store::Actor::system("setup"),
                        tabara_store::files::NewFile {
                            case: case.id,
                            person: p.id,
                            purpose: tabara_core::files::FilePurpose::Evidence,
                            name: "photo.png",
                            declared_type: Some("image/png"),
                            limit: tabara_core::files::DEFAULT_MAX_BYTES,
                        },
                        &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..],
                    )
                    .await
                    .unwrap();
                let (_, mut r) = s.read_file(a, f.id).await.unwrap();
                while r.next_chunk().await.unwrap().is_some() {}
                f.id.to_string()
            }
            A::PersonErase => {
                let (_, p) = self.case_with_victim(s).await;
                let out = s
                    .erase_person(a, p.id, tabara_core::erasure::ErasureGround::SubjectRequest)
                    .await
                    .unwrap();
                assert_eq!(out, tabara_core::erasure::ErasureOutcome::Erased);
                p.id.to_string()
            }
            A::PersonEraseRequest => {
                let (case, p) = self.case_with_victim(s).await;
                s.place_hold(
                    a,
                    case.id,
                    tabara_core::erasure::HoldKind::Court,
                    "RP 12/2026",
                )
                .await
                .unwrap();
                s.erase_person(
                    a,
                    p.id,
                    tabara_core::erasure::ErasureGround::ConsentWithdrawn,
                )
                .await
                .unwrap();
                p.id.to_string()
            }
            A::CaseHold | A::CaseHoldLift => {
                let case = open_case(s, &self.w, "2026-01-10").await;
                let hold = s
                    .place_hold(
                        a,
                        case.id,
                        tabara_core::erasure::HoldKind::Investigation,
                        "PJ 7/2026",
                    )
                    .await
                    .unwrap();
                if action == A::CaseHoldLift {
                    s.lift_hold(a, hold.id).await.unwrap();
                }
                case.id.to_string()
            }
            A::RetentionRun => {
                let u = self.user(s, Role::Officer).await;
                let long_ago = chrono::Utc::now() - chrono::Duration::days(400);
                s.create_session(
                    u,
                    &tabara_store::token_hash("retention"),
                    "c",
                    "fr",
                    long_ago,
                )
                .await
                .unwrap();
                let report = s
                    .retention(
                        a,
                        &tabara_core::retention::RetentionPolicy::default(),
                        chrono::Utc::now(),
                        false,
                    )
                    .await
                    .unwrap();
                let sessions = report
                    .lines
                    .iter()
                    .find(|l| l.kind == tabara_core::retention::RetentionKind::EndedSessions)
                    .unwrap();
                assert!(sessions.done >= 1, "{report:?}");
                format!("ended_sessions={};read_notifications=0", sessions.done)
            }
            A::RegisterKeyRotate => {
                // Away to a new master key and back: the register ends under its own.
                let (_, p) = self.case_with_victim(s).await;
                let away = tabara_core::protect::MasterKey::generate();
                let moved = s.begin_rotation(away.clone());
                assert!(moved.rotate_keys(a, 2, None).await.unwrap().finished);
                assert!(moved.read_identity(a, p.id).await.is_ok());
                let own = self.master.clone().expect("the register's master key");
                let back = moved.begin_rotation(own.clone());
                assert!(back.rotate_keys(a, 500, None).await.unwrap().finished);
                own.id().0
            }
            A::UserSecondFactorEnrol
            | A::UserSecondFactorFail
            | A::UserRecoveryCodeUse
            | A::UserSecondFactorReset => {
                let u = self.user(s, Role::Investigator).await;
                let secret = s.start_enrolment(u).await.unwrap();
                let now = Utc::now();
                let code = format!(
                    "{:06}",
                    tabara_core::totp::code_at(
                        &secret,
                        tabara_core::totp::step_of(now.timestamp())
                    )
                );
                let codes = s
                    .confirm_enrolment(a, u, &code, now)
                    .await
                    .unwrap()
                    .expect("the app's code");
                match action {
                    A::UserSecondFactorFail => {
                        s.check_second_factor(u, "000000", now).await.unwrap();
                    }
                    A::UserRecoveryCodeUse => {
                        s.check_second_factor(u, &codes[0], now).await.unwrap();
                    }
                    A::UserSecondFactorReset => {
                        assert!(s.reset_second_factor(a, u).await.unwrap());
                    }
                    _ => {}
                }
                u.to_string()
            }
            A::CaseCreate => open_case(s, &self.w, "2026-01-10").await.id.to_string(),
            A::CaseUpdate => {
                let mut case = open_case(s, &self.w, "2026-01-10").await;
                case.facts.opened_on = day("2026-01-11");
                s.update_case(a, &case).await.unwrap();
                case.id.to_string()
            }
            A::CaseShare | A::CaseShareForEditing => {
                let case = open_case(s, &self.w, "2026-01-10").await;
                let other = self.other_agency(s).await;
                let for_editing = action == A::CaseShareForEditing;
                s.share_case(a, case.id, other, "Enquête conjointe", for_editing)
                    .await
                    .unwrap();
                case.id.to_string()
            }
            A::CasePersonAdd => {
                let (case, p) = self.case_with_victim(s).await;
                format!("{}/{}", case.id, p.id)
            }
            A::CasePersonUpdate => {
                let (case, p) = self.case_with_victim(s).await;
                let edit = victim(&[ExploitationType::SexualExploitation]);
                s.update_case_person(a, case.id, p.id, 1, &edit)
                    .await
                    .unwrap();
                format!("{}/{}", case.id, p.id)
            }
            A::CaseCommentCreate => {
                let case = open_case(s, &self.w, "2026-01-10").await;
                s.add_comment(a, case.id, "Audition faite.")
                    .await
                    .unwrap()
                    .to_string()
            }
            A::ConsentCreate => {
                let p = add_person(s, &self.w, "Jean", "Ndikumana").await;
                let c = consent(p.id, ConsentScope::Interview, "2026-01-10");
                s.record_consent(a, &c).await.unwrap();
                c.id.to_string()
            }
            A::ScreeningCreate => self.draft_screening(s).await.0.to_string(),
            A::ScreeningSave => {
                let (id, version) = self.draft_screening(s).await;
                let movement = MovementFacts::default();
                s.save_screening(
                    a,
                    id,
                    version,
                    &BTreeMap::new(),
                    &AgeFacts::default(),
                    &movement,
                )
                .await
                .unwrap();
                id.to_string()
            }
            A::ScreeningComplete => self.completed_screening(s).await.0.to_string(),
            A::ScreeningConfirm | A::ScreeningOverride => {
                let (id, version) = self.completed_screening(s).await;
                let input = if action == A::ScreeningConfirm {
                    confirmed()
                } else {
                    overridden("Acte de naissance vu")
                };
                s.decide_screening(a, id, version, input).await.unwrap();
                id.to_string()
            }
            A::TrainingSessionCreate => self.participant(s).await.0.to_string(),
            A::TrainingParticipantCreate => self.participant(s).await.1.to_string(),
            A::TrainingParticipantScores => {
                let (_, p) = self.participant(s).await;
                s.set_scores(a, p, 1, Some(50), None).await.unwrap();
                p.to_string()
            }
            A::TrainingAttendancePresent | A::TrainingAttendanceAbsent => {
                let (_, p) = self.participant(s).await;
                s.set_attendance(a, p, day("2026-03-02"), true)
                    .await
                    .unwrap();
                if action == A::TrainingAttendanceAbsent {
                    s.set_attendance(a, p, day("2026-03-02"), false)
                        .await
                        .unwrap();
                }
                p.to_string()
            }
            A::CertificateIssue => {
                let p = self.completed(s).await;
                s.issue_certificate(a, p).await.unwrap().id.to_string()
            }
            A::CertificateRevoke => {
                let p = self.completed(s).await;
                let c = s.issue_certificate(a, p).await.unwrap();
                s.revoke_certificate(a, c.id, "Issued in error")
                    .await
                    .unwrap();
                c.id.to_string()
            }
            A::LostDocumentImport | A::LostDocumentHit => {
                let today = Utc::now().date_naive();
                let entry = tabara_core::documents::LostEntry::parse(
                    "BDI",
                    "OP0099999",
                    "stolen",
                    "2026-01-02",
                    "PAFE",
                    today,
                )
                .unwrap();
                let import = s.import_lost_documents(a, &[entry]).await.unwrap();
                if action == A::LostDocumentImport {
                    import.id.to_string()
                } else {
                    let hit = s.check_lost_document(a, "BDI", "OP0099999").await.unwrap();
                    hit.unwrap().id.to_string()
                }
            }
            A::DocumentRecord | A::DocumentUpdate | A::DocumentRead => {
                let (case, p) = self.case_with_victim(s).await;
                let entry = tabara_core::documents::DocumentEntry::parse(
                    &tabara_core::documents::DocumentForm {
                        doc_type: "identity_card",
                        number: "CNI778899",
                        issuing_state: "BDI",
                        ..Default::default()
                    },
                    Utc::now().date_naive(),
                )
                .unwrap();
                let d = s
                    .record_document(a, case.id, p.id, &entry, None)
                    .await
                    .unwrap();
                match action {
                    A::DocumentUpdate => {
                        s.update_document(a, d.id, d.version, &entry, None)
                            .await
                            .unwrap();
                    }
                    A::DocumentRead => {
                        s.read_document(a, d.id).await.unwrap();
                    }
                    _ => {}
                }
                d.id.to_string()
            }
            A::FieldDeviceIssue | A::FieldDeviceRevoke => {
                let u = self.user(s, Role::Officer).await;
                let d = s
                    .issue_field_device(a, self.w.org.id, u, "Poste de Kobero, téléphone 1")
                    .await
                    .unwrap();
                if action == A::FieldDeviceRevoke {
                    s.revoke_field_device(a, d.device.id).await.unwrap();
                }
                d.device.id.to_string()
            }
            A::FieldSubmissionReceive
            | A::FieldSubmissionAttach
            | A::FieldSubmissionAccept
            | A::FieldSubmissionInvalid
            | A::FieldSubmissionReject
            | A::FieldSubmissionFix
            | A::FieldSubmissionRead => {
                use tabara_store::field::{NewSubmission, Outcome, Reason, Received};
                let u = self.user(s, Role::Officer).await;
                let user = s.user(u).await.unwrap();
                let xml = format!(
                    "<data id=\"tabara_intake\" version=\"v1\"><meta><instanceID>uuid:{}</instanceID></meta></data>",
                    uuid::Uuid::now_v7()
                );
                let instance = tabara_core::fieldforms::Instance::parse(xml.as_bytes()).unwrap();
                let new = NewSubmission {
                    instance: &instance,
                    xml: xml.as_bytes(),
                    user: &user,
                    device_id: None,
                };
                let Received::New(sub) = s.receive_submission(a, new).await.unwrap() else {
                    panic!("a new instance is kept as new");
                };
                match action {
                    A::FieldSubmissionAttach => {
                        assert!(
                            s.add_field_attachment(a, sub.id, "photo.jpg", "image/jpeg", b"\xFF\xD8\xFF")
                                .await
                                .unwrap()
                        );
                    }
                    A::FieldSubmissionAccept
                    | A::FieldSubmissionInvalid
                    | A::FieldSubmissionReject
                    | A::FieldSubmissionFix => {
                        s.claim_submission(sub.id).await.unwrap().unwrap();
                        let outcome = if action == A::FieldSubmissionAccept {
                            Outcome::Accepted
                        } else {
                            Outcome::Invalid(vec![Reason {
                                field: "prs_FirstName".into(),
                                rule: "required".into(),
                                message: "give at least one name".into(),
                            }])
                        };
                        s.finish_submission(a, sub.id, &outcome).await.unwrap();
                        if action == A::FieldSubmissionReject {
                            s.reject_submission(a, sub.id).await.unwrap();
                        }
                        if action == A::FieldSubmissionFix {
                            s.fix_submission(a, sub.id, xml.as_bytes()).await.unwrap();
                        }
                    }
                    A::FieldSubmissionRead => {
                        assert_eq!(
                            s.field_submission_xml(a, sub.id).await.unwrap(),
                            xml.as_bytes()
                        );
                    }
                    _ => {}
                }
                sub.id.to_string()
            }
            A::MaterialCreate => self.material(s).await.to_string(),
            A::MaterialReceipt | A::MaterialDistribution => {
                let item = self.material(s).await;
                let on = day("2026-02-01");
                s.receive_material(a, item, self.w.office.id, 100, on)
                    .await
                    .unwrap();
                if action == A::MaterialDistribution {
                    let to = self.second_office(s).await;
                    let left = s
                        .distribute_material(a, item, self.w.office.id, to, 40, on)
                        .await
                        .unwrap();
                    assert_eq!(left, 60);
                }
                item.to_string()
            }
            A::ReferralConsentRecord => {
                let r = referable(s, &self.w).await;
                record_consent(s, &r).await.to_string()
            }
            A::ReferralConsentWithdraw => {
                let r = referable(s, &self.w).await;
                let id = record_consent(s, &r).await;
                s.withdraw_referral_consent(a, id, 1).await.unwrap();
                id.to_string()
            }
            A::ReferralCreate => referral_through(s, &self.w, &[]).await.to_string(),
            A::ReferralSend => referral_through(s, &self.w, &[T::Send]).await.to_string(),
            A::ReferralAccept => referral_through(s, &self.w, &[T::Send, T::Accept])
                .await
                .to_string(),
            A::ReferralDecline => referral_through(s, &self.w, &[T::Send, T::Decline])
                .await
                .to_string(),
            A::ReferralStart => referral_through(s, &self.w, &[T::Send, T::Accept, T::Start])
                .await
                .to_string(),
            A::ReferralComplete => {
                let steps = [T::Send, T::Accept, T::Start, T::Complete];
                referral_through(s, &self.w, &steps).await.to_string()
            }
            A::ReferralClose => referral_through(s, &self.w, &[T::Send, T::Accept, T::Close])
                .await
                .to_string(),
            A::ReferralCancel => referral_through(s, &self.w, &[T::Cancel]).await.to_string(),
            A::ReferralAssign => {
                let id = referral_through(s, &self.w, &[T::Send]).await;
                let r = s.referral(id).await.unwrap().referral;
                let mut u = self.new_user(Role::Caseworker);
                u.organisation_id = r.recipient_id;
                u.office_id = None;
                let user = s.create_user(a, &u).await.unwrap();
                s.assign_referral(a, id, r.version, Some(user))
                    .await
                    .unwrap();
                id.to_string()
            }
            A::RiskAssessmentRecord => {
                let (case, p) = self.case_with_victim(s).await;
                let form = tabara_core::risk::AssessmentForm {
                    kind: "security".into(),
                    likelihood: "2".into(),
                    impact: "2".into(),
                    ..Default::default()
                };
                let id = uuid::Uuid::now_v7();
                s.record_risk_assessment(a, id, case.id, p.id, &form, None)
                    .await
                    .unwrap();
                id.to_string()
            }
            A::ServiceProviderCreate => {
                let p = provider_form(self.w.org.id, &["shelter"], &["bi-gitega"])
                    .validate()
                    .unwrap();
                s.create_service_provider(a, &p).await.unwrap();
                p.id.to_string()
            }
            A::ServiceProviderUpdate => {
                let mut p = stored_provider(s, &self.w, &["shelter"], &["bi-gitega"]).await;
                p.areas = vec!["bi".into()];
                s.update_service_provider(a, &p).await.unwrap();
                p.id.to_string()
            }
            A::ChildPathwayOpen => {
                let (case, child) = self.child_case(s).await;
                let p = s.child_pathway(case, child).await.unwrap().unwrap();
                p.id.to_string()
            }
            A::ChildPathwayGuardian | A::ChildPathwayBestInterests | A::ChildPathwaySignOff => {
                use tabara_core::pathway::{BestInterests, DurableSolution, Guardian};
                use tabara_store::PathwayStep;
                let (case, child) = self.child_case(s).await;
                let mut p = s.child_pathway(case, child).await.unwrap().unwrap();
                let guardian = PathwayStep::Guardian(Guardian::Absent {
                    reason: "Parents inconnus".into(),
                });
                let assessment = PathwayStep::BestInterests(BestInterests {
                    solution: DurableSolution::Undetermined,
                    views_heard: false,
                    summary: "Évaluation en cours".into(),
                });
                let steps = match action {
                    A::ChildPathwayGuardian => vec![guardian],
                    A::ChildPathwayBestInterests => vec![assessment],
                    _ => vec![guardian, assessment, PathwayStep::SignOff],
                };
                for step in &steps {
                    p = s
                        .pathway_step(a, Role::ChildProtection, case, child, p.version, step)
                        .await
                        .unwrap();
                }
                p.id.to_string()
            }
            A::ServiceProviderCapacity => {
                let p = stored_provider(s, &self.w, &["shelter"], &["bi-gitega"]).await;
                s.update_provider_capacity(a, p.id, 1, Some(4))
                    .await
                    .unwrap();
                p.id.to_string()
            }
            A::SupportPlanCreate => support_plan(self, s).await.id.to_string(),
            A::SupportPlanUpdate => {
                let plan = support_plan(self, s).await;
                let form = tabara_store::support::PlanForm {
                    objectives: "Hébergement, puis retour en famille.".into(),
                    ..tabara_store::support::PlanForm::of(&plan.facts)
                };
                s.update_support_plan(a, plan.id, plan.version, &form, None)
                    .await
                    .unwrap();
                plan.id.to_string()
            }
            A::SupportServiceRecord => {
                let plan = support_plan(self, s).await;
                let id = uuid::Uuid::now_v7();
                let form = tabara_store::support::ServiceForm {
                    service: "medical".into(),
                    delivered_on: Utc::now().date_naive().to_string(),
                    organisation: self.w.org.id.to_string(),
                    ..Default::default()
                };
                s.record_support_service(a, id, plan.id, &form)
                    .await
                    .unwrap();
                id.to_string()
            }
            A::SupportVisitRecord => {
                let plan = support_plan(self, s).await;
                let id = uuid::Uuid::now_v7();
                let form = tabara_store::support::VisitForm {
                    visited_on: Utc::now().date_naive().to_string(),
                    visited_by: "Assistante sociale".into(),
                    notes: String::new(),
                };
                s.record_support_visit(a, id, plan.id, &form).await.unwrap();
                id.to_string()
            }
            A::SupportStepRecord => {
                let plan = support_plan(self, s).await;
                let id = uuid::Uuid::now_v7();
                let form = tabara_store::support::StepForm {
                    step: "family_tracing".into(),
                    on: Utc::now().date_naive().to_string(),
                    note: String::new(),
                };
                s.record_support_step(a, id, plan.id, &form).await.unwrap();
                id.to_string()
            }
            A::SupportPlanClose => {
                let plan = support_plan(self, s).await;
                let form = tabara_store::support::ClosureForm {
                    reason: "objectives_met".into(),
                    ..Default::default()
                };
                s.close_support_plan(a, plan.id, plan.version, &form)
                    .await
                    .unwrap();
                plan.id.to_string()
            }
            A::AlertRaise => {
                let sender = self.user(s, Role::Caseworker).await;
                let r = alerts::owned_referable(s, &self.w, None).await;
                alerts::sent_referral(s, &r, sender).await;
                let later = Utc::now() + Duration::days(2);
                assert!(s.raise_due_alerts(later, 500).await.unwrap().raised >= 1);
                String::new()
            }
            A::NotificationRead => {
                let assessor = self.user(s, Role::Caseworker).await;
                let r = alerts::owned_referable(s, &self.w, None).await;
                alerts::high_risk(s, &r, assessor).await;
                s.raise_due_alerts(Utc::now(), 500).await.unwrap();
                let n = s.notifications(assessor, true, 1).await.unwrap().remove(0);
                s.mark_notification_read(&Actor::user(assessor), assessor, n.id)
                    .await
                    .unwrap();
                n.id.to_string()
            }
            A::NotificationDeliver => {
                let channel = alerts::TestChannel::new(false);
                assert!(s.deliver_pending(&channel, 500).await.unwrap().delivered >= 1);
                String::new()
            }
            A::NotificationDeliveryFail => {
                let assessor = self.user(s, Role::Caseworker).await;
                let r = alerts::owned_referable(s, &self.w, None).await;
                alerts::high_risk(s, &r, assessor).await;
                s.raise_due_alerts(Utc::now(), 500).await.unwrap();
                let channel = alerts::TestChannel::new(true);
                assert!(s.deliver_pending(&channel, 500).await.unwrap().failed >= 1);
                String::new()
            }
            A::InvestigationOpen => {
                let sc = inv::Scene::new(s).await;
                sc.inv.id.to_string()
            }
            A::InvestigationStatus => {
                let mut sc = inv::Scene::new(s).await;
                sc.active(s).await;
                sc.inv.id.to_string()
            }
            A::InvestigationTeam => {
                let sc = inv::Scene::new(s).await;
                s.set_investigation_team(a, sc.inv.id, sc.inv.version, sc.member, &[sc.lead])
                    .await
                    .unwrap();
                sc.inv.id.to_string()
            }
            A::InvestigationTaskCreate | A::InvestigationTaskUpdate => {
                let sc = inv::Scene::new(s).await;
                let form = tabara_core::investigation::TaskForm {
                    title: "Entendre le témoin".into(),
                    owner: sc.member,
                    due_on: Utc::now().date_naive() + Duration::days(3),
                };
                let t = s.add_investigation_task(a, sc.inv.id, &form).await.unwrap();
                if action == A::InvestigationTaskUpdate {
                    s.close_investigation_task(
                        a,
                        t.id,
                        t.version,
                        tabara_core::investigation::TaskState::Done,
                    )
                    .await
                    .unwrap();
                }
                t.id.to_string()
            }
            A::InvestigationEventRecord => {
                let sc = inv::Scene::new(s).await;
                s.add_timeline_fact(a, sc.inv.id, Utc::now(), "Arrestation à Gatumba")
                    .await
                    .unwrap()
                    .id
                    .to_string()
            }
            A::InvestigationNoteCreate => {
                let sc = inv::Scene::new(s).await;
                s.add_investigation_note(a, sc.inv.id, "Note")
                    .await
                    .unwrap()
                    .id
                    .to_string()
            }
            A::OffenceRecord | A::ElementSupportRecord => {
                let sc = inv::Scene::new(s).await;
                let o = s
                    .record_offence(a, sc.inv.id, sc.suspects[0], "bi-2014-traite", &[])
                    .await
                    .unwrap();
                if action == A::ElementSupportRecord {
                    s.record_element_support(
                        a,
                        o.id,
                        tabara_core::investigation::Element::Act,
                        "Recrutement",
                        None,
                    )
                    .await
                    .unwrap()
                    .id
                    .to_string()
                } else {
                    o.id.to_string()
                }
            }
            A::EvidenceRegister | A::CustodyEventRecord => {
                let sc = inv::Scene::new(s).await;
                let item = s
                    .register_evidence(
                        a,
                        sc.inv.id,
                        &tabara_store::NewEvidence {
                            form: inv::evidence_form("Carnet du recruteur"),
                            person: None,
                            file: None,
                        },
                    )
                    .await
                    .unwrap();
                if action == A::CustodyEventRecord {
                    s.record_custody_event(a, item.id, item.version, &inv::transfer("Greffe"))
                        .await
                        .unwrap()
                        .1
                        .id
                        .to_string()
                } else {
                    item.id.to_string()
                }
            }
            A::CustodyStart
            | A::CustodyExtend
            | A::CustodyEnd
            | A::CustodyRightRecord
            | A::CustodyLegalAid => {
                use tabara_core::investigation as ti;
                let sc = inv::Scene::new(s).await;
                let c = s
                    .start_custody(
                        a,
                        sc.inv.id,
                        sc.suspects[0],
                        &ti::CustodyForm {
                            started_at: Utc::now() - Duration::hours(2),
                            place: "Cachot".into(),
                            legal_basis: "Flagrant délit".into(),
                        },
                    )
                    .await
                    .unwrap();
                match action {
                    A::CustodyExtend => {
                        let form = ti::ExtensionForm {
                            hours: 24,
                            authorised_by: "Procureur".into(),
                            reference: "RMP 1".into(),
                            authorised_at: Utc::now(),
                        };
                        s.extend_custody(a, c.id, c.version, &form).await.unwrap();
                    }
                    A::CustodyEnd => {
                        s.end_custody(a, c.id, c.version, ti::CustodyEnd::Released, Utc::now(), "")
                            .await
                            .unwrap();
                    }
                    A::CustodyRightRecord => {
                        let form = ti::RightForm {
                            right: ti::Right::FamilyInformed,
                            status: ti::RightStatus::Done,
                            at: Utc::now(),
                            language: String::new(),
                            note: String::new(),
                        };
                        let c = s.record_custody_right(a, c.id, &form).await.unwrap();
                        return Some(c.rights[0].id.to_string());
                    }
                    A::CustodyLegalAid => {
                        let aid = org("Aide juridique");
                        s.create_organisation(a, &aid).await.unwrap();
                        inv::user_in(s, aid.id, Role::LegalAid).await;
                        s.set_custody_legal_aid(a, c.id, c.version, Some(aid.id))
                            .await
                            .unwrap();
                    }
                    _ => {}
                }
                c.id.to_string()
            }
            A::DossierCreate | A::DossierSend | A::DossierRead => {
                let mut sc = inv::Scene::new(s).await;
                sc.active(s).await;
                let d = s
                    .record_dossier(
                        a,
                        sc.inv.id,
                        &"cd".repeat(32),
                        &inv::pdf_bytes("x"),
                        1,
                        false,
                    )
                    .await
                    .unwrap();
                match action {
                    A::DossierSend => {
                        let p = org("Parquet");
                        s.create_organisation(a, &p).await.unwrap();
                        inv::user_in(s, p.id, Role::Prosecutor).await;
                        s.send_dossier(a, d.id, p.id).await.unwrap();
                    }
                    A::DossierRead => {
                        s.read_dossier(a, d.id).await.unwrap();
                    }
                    _ => {}
                }
                d.id.to_string()
            }
        })
        .filter(|id| !id.is_empty())
    }
}

store_test!(
    every_audit_action_is_written_by_its_operation,
    |db| async move {
        let s = &db.store;
        let mut scene = Scene::new(s).await;
        scene.master = Some(db.master_key());
        let mut seen = Vec::new();
        for &action in AuditAction::ALL {
            let before = s.stats().await.unwrap().audit_entries;
            let record = scene.scenario(s, action).await;
            let new = s.audit_entries(before, 10_000).await.unwrap();
            let found = new.iter().any(|e| {
                e.action == action.as_str()
                    && e.record_kind == action.record_kind()
                    && record.as_ref().is_none_or(|id| &e.record_id == id)
            });
            assert!(found, "{action} (record {record:?}) not in {new:#?}");
            seen.push(action);
        }
        // Every variant ran (a loop that stopped early would not get here with all of them).
        assert_eq!(seen, AuditAction::ALL);
        // And the chain those writes built verifies.
        assert_verified(s, audit_count(s).await).await;
        db.finish().await;
    }
);

store_test!(
    an_unknown_or_mismatched_action_is_refused,
    |db| async move {
        let s = &db.store;
        let before = audit_count(s).await;
        assert_invalid(
            s.record_event(&system(), "person_identity.peek", "search", String::new())
                .await,
            "audit_action",
            "unknown",
        );
        assert_invalid(
            s.record_event(
                &system(),
                AuditAction::PersonIdentitySearch,
                "person",
                String::new(),
            )
            .await,
            "record_kind",
            "audit_record_kind",
        );
        // Nothing was written.
        assert_eq!(audit_count(s).await, before);
        s.record_event(&system(), "person_identity.search", "search", String::new())
            .await
            .unwrap();
        assert_eq!(audit_count(s).await, before + 1);
        db.finish().await;
    }
);

/// A support plan opened today for a new victim of a new case.
async fn support_plan(scene: &Scene, s: &Store) -> tabara_store::SupportPlan {
    let (case, p) = scene.case_with_victim(s).await;
    let form = tabara_store::support::PlanForm {
        types: vec!["Health".into()],
        objectives: "Soins et hébergement.".into(),
        reflection_start: Utc::now().date_naive().to_string(),
        ..Default::default()
    };
    s.create_support_plan(&system(), uuid::Uuid::now_v7(), case.id, p.id, &form, None)
        .await
        .unwrap()
}
