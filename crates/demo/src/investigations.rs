//! Demo investigations (issue 14): on the judicial police's first cases with a suspect, led by
//! the demo investigator, one at each status (opened, active, referred to the prosecutor,
//! closed); offences of the legal catalogue against their suspects with facts for some
//! elements; evidence with a file and a chain of custody; suspects in custody with time left,
//! one past the limit; two sent to the prosecution with their dossier (made by the caller). One item's file is damaged after its
//! collection (through the store's training hook), so the next examination shows the
//! detection. Written after the cases; deterministic in what it writes.

use chrono::{Duration, Utc};
use tabara_core::Role;
use tabara_core::files::FilePurpose;
use tabara_core::investigation::{
    CustodyEventForm, CustodyEventKind, CustodyForm, Element, EvidenceForm, EvidenceKind,
    ExtensionForm, Right, RightForm, RightStatus, StatusStep, TaskForm,
};
use tabara_core::records::PersonRole;
use tabara_store::files::NewFile;
use tabara_store::{Actor, CaseFilter, NewEvidence, PageRequest, Store, StoreError};

use crate::{Reference, agency};

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct InvestigationCounts {
    /// Investigations.
    pub investigations: usize,
    /// Suspects in custody now.
    pub in_custody: usize,
    /// Items of evidence.
    pub evidence: usize,
    /// Active investigations whose dossier is to be sent to the prosecution, and whether the
    /// investigation is then closed.
    pub to_refer: Vec<(uuid::Uuid, bool)>,
    /// The prosecutor's office they go to.
    pub prosecution: Option<tabara_core::ids::OrganisationId>,
}

/// A small PDF standing for a seized document.
fn scan(label: &str) -> Vec<u8> {
    format!(
        "%PDF-1.7\n% Tabara demo evidence: {label}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    )
    .into_bytes()
}

/// Write the investigations; the counts.
pub async fn write_investigations(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
) -> Result<InvestigationCounts, StoreError> {
    let pj = reference.organisations[agency::PJ].id;
    let legal_aid = reference.organisations[agency::LEGAL_AID].id;
    let Some(lead) = reference
        .users
        .iter()
        .find(|u| u.role == Role::Investigator && u.organisation_id == pj)
    else {
        return Ok(InvestigationCounts::default());
    };
    let lead_actor = Actor::user(lead.id);
    // The judicial police's first cases with a suspect.
    let mut chosen = Vec::new();
    let mut after = None;
    'pages: loop {
        let page = store
            .list_cases(&CaseFilter::default(), PageRequest { after, limit: 500 })
            .await?;
        for summary in &page.items {
            let case = store.case(summary.id).await?;
            if case.organisation_id != pj {
                continue;
            }
            let persons = store.case_persons(case.id).await?;
            let suspects: Vec<_> = persons
                .iter()
                .filter(|p| p.involvement.role() == PersonRole::Suspect)
                .map(|p| p.person.id)
                .collect();
            if !suspects.is_empty() {
                chosen.push((case, suspects));
                if chosen.len() == 6 {
                    break 'pages;
                }
            }
        }
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let mut counts = InvestigationCounts {
        prosecution: Some(reference.organisations[agency::PROSECUTION].id),
        ..Default::default()
    };
    let now = Utc::now();
    for (i, (case, suspects)) in chosen.iter().enumerate() {
        let inv = store
            .open_investigation(actor, case.id, lead.id, None)
            .await?;
        counts.investigations += 1;
        if i == 0 {
            // Opened only: the first inquiries are to be planned.
            store
                .add_investigation_task(
                    &lead_actor,
                    inv.id,
                    &TaskForm {
                        title: "Entendre la victime avec un interprète".into(),
                        owner: lead.id,
                        due_on: now.date_naive() + Duration::days(3),
                    },
                )
                .await?;
            continue;
        }
        let inv = store
            .investigation_step(&lead_actor, inv.id, inv.version, StatusStep::Activate, "")
            .await?;
        let suspect = suspects[0];
        let offence = store
            .record_offence(
                &lead_actor,
                inv.id,
                suspect,
                "bi-2014-traite",
                &if i % 2 == 0 {
                    vec!["organised_group".to_string()]
                } else {
                    Vec::new()
                },
            )
            .await?;
        let file = store
            .put_file(
                &lead_actor,
                NewFile {
                    case: case.id,
                    person: suspect,
                    purpose: FilePurpose::Evidence,
                    name: "releve-mobile-money.pdf",
                    declared_type: Some("application/pdf"),
                    limit: tabara_core::files::DEFAULT_MAX_BYTES,
                },
                &scan(&case.reference())[..],
            )
            .await?;
        let item = store
            .register_evidence(
                &lead_actor,
                inv.id,
                &NewEvidence {
                    form: EvidenceForm {
                        kind: EvidenceKind::FinancialRecord,
                        description: "Relevé des transferts mobile money vers le recruteur".into(),
                        obtained_at: now - Duration::days(10),
                        obtained_where: "Agence de mobile money, Bujumbura".into(),
                        obtained_by: lead.display_name.clone(),
                        storage_location: "Magasin des scellés, PJ Bujumbura".into(),
                    },
                    person: Some(suspect),
                    file: Some(file.id),
                },
            )
            .await?;
        counts.evidence += 1;
        let (item, _) = store
            .record_custody_event(
                &lead_actor,
                item.id,
                item.version,
                &CustodyEventForm {
                    kind: CustodyEventKind::Transferred,
                    to: "Laboratoire de la PJ".into(),
                    at: now - Duration::days(9),
                    reason: "Analyse des transactions".into(),
                },
            )
            .await?;
        store
            .record_element_support(
                &lead_actor,
                offence.id,
                Element::Act,
                "Recrutement par une promesse d'emploi à l'étranger",
                Some(item.id),
            )
            .await?;
        if i == 2 {
            // The damaged file: altered after its transfer; the next examination finds it.
            tabara_store::testing::damage_file_for_training(store, file.id).await?;
            store
                .record_custody_event(
                    &lead_actor,
                    item.id,
                    item.version,
                    &CustodyEventForm {
                        kind: CustodyEventKind::Examined,
                        to: "Expert en criminalistique numérique".into(),
                        at: now - Duration::days(1),
                        reason: "Contrôle avant le dossier".into(),
                    },
                )
                .await?;
        }
        // Custody: three running (one past its limit), the others released.
        let hours_ago = [0, 20, 100, 175, 60, 30][i];
        let custody = store
            .start_custody(
                &lead_actor,
                inv.id,
                suspect,
                &CustodyForm {
                    started_at: now - Duration::hours(hours_ago),
                    place: "Cachot du commissariat PJ de Bujumbura".into(),
                    legal_basis: "Flagrant délit".into(),
                },
            )
            .await?;
        let custody = store
            .record_custody_right(
                &lead_actor,
                custody.id,
                &RightForm {
                    right: Right::InformedOfRights,
                    status: RightStatus::Done,
                    at: now - Duration::hours(hours_ago) + Duration::minutes(15),
                    language: "rn".into(),
                    note: String::new(),
                },
            )
            .await?;
        match i {
            1 => {
                store
                    .set_custody_legal_aid(
                        &lead_actor,
                        custody.id,
                        custody.version,
                        Some(legal_aid),
                    )
                    .await?;
                counts.in_custody += 1;
            }
            2 => {
                store
                    .extend_custody(
                        &lead_actor,
                        custody.id,
                        custody.version,
                        &ExtensionForm {
                            hours: 72,
                            authorised_by: "Substitut du Procureur de la République".into(),
                            reference: "RMP 1201/2026".into(),
                            authorised_at: now - Duration::hours(2),
                        },
                    )
                    .await?;
                counts.in_custody += 1;
            }
            // Past the limit: no release, transfer or extension recorded.
            3 => counts.in_custody += 1,
            _ => {
                store
                    .end_custody(
                        &lead_actor,
                        custody.id,
                        custody.version,
                        tabara_core::investigation::CustodyEnd::Released,
                        now - Duration::hours(2),
                        "",
                    )
                    .await?;
            }
        }
        if i >= 4 {
            // Its dossier is made and sent by the caller (the PDF is the web's), then the last
            // one closed.
            counts.to_refer.push((inv.id, i == 5));
        }
    }
    Ok(counts)
}
