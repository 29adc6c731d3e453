//! How often each value appears in the demo (data tables).
use tabara_core::Country;
use tabara_core::htcds::*;

pub(crate) const ALL_TYPES: &[ExploitationType] = <ExploitationType as tabara_core::Picklist>::ALL;

pub(crate) const EXPLOITATION_WEIGHTS: &[(ExploitationType, u32)] = &[
    (ExploitationType::ForcedLabour, 35),
    (ExploitationType::SexualExploitation, 25),
    (ExploitationType::Servitude, 15),
    (ExploitationType::ChildLabour, 8),
    (ExploitationType::ForcedMarriage, 5),
    (ExploitationType::ForcedBegging, 4),
    (ExploitationType::ForcedMilitaryByNonStateActors, 3),
    (ExploitationType::OrganRemoval, 1),
    (ExploitationType::ForcedAdoption, 1),
    (ExploitationType::Surrogacy, 1),
    (ExploitationType::Other, 2),
];

/// Busy posts register more cases: Gatumba, Kobero, the airport, Bujumbura's PJ.
pub(crate) const OFFICE_WEIGHTS: &[(usize, u32)] = &[
    (0, 14),
    (1, 5),
    (2, 5),
    (3, 4),
    (4, 5),
    (5, 10),
    (6, 7),
    (7, 4),
    (8, 4),
    (9, 5),
    (10, 9),
    (11, 4),
    (12, 10),
    (13, 4),
    (14, 3),
    (15, 4),
    (16, 3),
];

pub(crate) const DESTINATIONS: &[(&str, u32)] = &[
    ("TZ", 18),
    ("KE", 8),
    ("UG", 6),
    ("RW", 5),
    ("CD", 7),
    ("SA", 14),
    ("OM", 10),
    ("AE", 6),
    ("QA", 4),
    ("KW", 4),
    ("LB", 3),
    ("ZA", 3),
    ("BI", 12),
];

pub(crate) const CITIZENSHIP: &[(Country, u32)] = &[(Country::BI, 92)];

pub(crate) const ROLE_WEIGHTS: &[(RoleInProcess, u32)] = &[
    (RoleInProcess::RecruiterOrIntermediary, 35),
    (RoleInProcess::Transporter, 15),
    (RoleInProcess::BrokerTravelAgent, 12),
    (RoleInProcess::Exploiter, 15),
    (RoleInProcess::HarbouredIndividual, 6),
    (RoleInProcess::Smuggler, 8),
    (RoleInProcess::ControlledIndividual, 5),
    (RoleInProcess::SoldIndividual, 2),
    (RoleInProcess::Other, 2),
];

pub(crate) const CONTROL_WEIGHTS: &[(MethodOfControl, u32)] = &[
    (MethodOfControl::FalsePromises, 25),
    (MethodOfControl::WithholdsDocuments, 18),
    (MethodOfControl::DebtBondage, 12),
    (MethodOfControl::TakesEarnings, 12),
    (MethodOfControl::RestrictsMovement, 8),
    (MethodOfControl::PsychologicalAbuse, 6),
    (MethodOfControl::PhysicalAbuse, 5),
    (MethodOfControl::ExcessiveWorkingHours, 6),
    (MethodOfControl::ThreatsLawEnforcement, 3),
    (MethodOfControl::SexualAbuse, 3),
    (MethodOfControl::WithholdsNecessities, 2),
];

pub(crate) const RECRUITMENT_WEIGHTS: &[(MethodOfRecruitment, u32)] = &[
    (MethodOfRecruitment::ThroughFriendsOrSocialEvents, 35),
    (MethodOfRecruitment::ThroughFamilyOrFamilyEvents, 20),
    (MethodOfRecruitment::ThroughOnlineSocialNetworks, 25),
    (MethodOfRecruitment::AtAPlaceOfBusiness, 10),
    (MethodOfRecruitment::ThroughAnOnlineAdvertisement, 5),
    (MethodOfRecruitment::AtWork, 5),
];
