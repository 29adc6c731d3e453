//! Cases: office, agency, status, the persons involved, comments and consent.
use chrono::{Days, NaiveDate};
use rand::Rng;
use tabara_core::ValueSet;
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;

use crate::weights::*;
use crate::{ANCHOR, Batch, BatchCase, Demo, NewCase, agency, names, pick_weighted};

impl Demo {
    pub(crate) fn make_case(&mut self, batch: &mut Batch) {
        let n = self.cases_made;
        self.cases_made += 1;
        let rng = &mut self.rng;
        let exploitation = if (n as usize) < ALL_TYPES.len() {
            // The first cases walk through every type, so even a tiny demo shows them all.
            ALL_TYPES[n as usize]
        } else {
            pick_weighted(rng, EXPLOITATION_WEIGHTS)
        };
        let opened_on = ANCHOR - Days::new(rng.random_range(0..1095));
        let office_index = pick_weighted(rng, OFFICE_WEIGHTS);
        let office = &self.reference.offices[office_index];
        let organisation_id = match rng.random_range(0..10) {
            0 => self.reference.organisations[agency::IOM].id,
            1 if exploitation == ExploitationType::ChildLabour => {
                self.reference.organisations[agency::UNICEF].id
            }
            2 => self.reference.organisations[agency::SHELTER_NGO].id,
            _ => office.organisation_id,
        };
        let status = pick_weighted(
            rng,
            &[
                (CaseStatus::Active, 55),
                (CaseStatus::FollowUp, 20),
                (CaseStatus::Closed, 20),
                (CaseStatus::ClosedReferred, 5),
            ],
        );
        let closed_on =
            matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred).then(|| {
                let max = (ANCHOR - opened_on).num_days().max(1) as u64;
                opened_on + Days::new(rng.random_range(0..max))
            });
        let mut facts = CaseFacts::opened(opened_on);
        facts.status = status;
        facts.closed_on = closed_on;
        if closed_on.is_some() {
            facts.closure_reason = Some(names::pick(rng, names::CLOSURE_REASONS).to_string());
        }
        if organisation_id != office.organisation_id && rng.random_bool(0.6) {
            facts.referring_organisation_id = Some(office.organisation_id);
            facts.incoming_referral_date = Some(opened_on);
            facts.incoming_referral_reason = Some(ReferralReason::AdditionalServicesRequired);
        }
        let case_id = CaseId(self.ids.next());
        let case = NewCase {
            id: case_id,
            organisation_id,
            office_id: Some(office.id),
            owner_id: None,
            facts,
        };

        let destination = pick_weighted(&mut self.rng, DESTINATIONS);
        let victims = pick_weighted(&mut self.rng, &[(1usize, 60), (2, 25), (3, 15)]);
        let suspects = pick_weighted(&mut self.rng, &[(0usize, 15), (1, 50), (2, 35)]);
        let witnesses = usize::from(self.rng.random_bool(0.45));
        let mut involved = Vec::new();
        for _ in 0..victims {
            let (person, identity) = self.victim_person(organisation_id, opened_on, exploitation);
            let ctx = self.victim_context(&person, exploitation, destination);
            batch
                .consents
                .push(self.consent(person.id, case_id, opened_on));
            involved.push((person.id, Involvement::Victim(ctx)));
            batch.persons.push((person, identity));
        }
        for _ in 0..suspects {
            let (person, identity) = self.adult(organisation_id, opened_on, 22..62, 0.35);
            let mut roles = ValueSet::new();
            roles.insert(pick_weighted(&mut self.rng, ROLE_WEIGHTS));
            if self.rng.random_bool(0.3) {
                roles.insert(pick_weighted(&mut self.rng, ROLE_WEIGHTS));
            }
            let ctx = PerpetratorContext {
                roles,
                role_details: self
                    .rng
                    .random_bool(0.4)
                    .then(|| names::pick(&mut self.rng, names::ROLE_DETAILS).to_string()),
                organisation_id: None,
            };
            involved.push((person.id, Involvement::Suspect(ctx)));
            batch.persons.push((person, identity));
        }
        for _ in 0..witnesses {
            let (person, identity) = self.adult(organisation_id, opened_on, 18..70, 0.5);
            involved.push((person.id, Involvement::Witness));
            batch.persons.push((person, identity));
        }
        self.persons_made += involved.len() as u64;
        let first = self.rng.random_range(0..names::COMMENTS.len());
        let comments = (0..self.rng.random_range(1..=2))
            .map(|k| {
                let text = names::COMMENTS[(first + k) % names::COMMENTS.len()];
                ("system:demo".to_string(), text.to_string())
            })
            .collect();
        batch.cases.push(BatchCase {
            case,
            persons: involved,
            comments,
        });
    }

    pub(crate) fn consent(
        &mut self,
        person_id: PersonId,
        case_id: CaseId,
        on: NaiveDate,
    ) -> Consent {
        let rng = &mut self.rng;
        let given = rng.random_bool(0.9);
        let informed = given || rng.random_bool(0.5);
        Consent {
            id: ConsentId(self.ids.next()),
            person_id,
            case_id: Some(case_id),
            scope: ConsentScope::Interview,
            given,
            informed_purpose: informed,
            informed_data_use: informed,
            informed_research_use: informed && rng.random_bool(0.9),
            informed_right_of_access: informed,
            informed_retention: informed,
            informed_withdrawal: informed,
            recorded_on: on,
            withdrawn_on: (given && rng.random_bool(0.02)).then(|| on + Days::new(30)),
        }
    }
}
