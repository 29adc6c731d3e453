//! The fixed frame of the demo: provinces, agencies, their offices, one account per role and
//! the shelter's two.
use tabara_core::htcds::*;
use tabara_core::ids::*;
use tabara_core::records::*;
use tabara_core::{Country, Role};

use crate::Ids;

/// Burundi's provinces (the 18 provinces in use before the 2025 reorganisation, which is how
/// most case files still name places).
pub const PROVINCES: [&str; 18] = [
    "Bubanza",
    "Bujumbura Mairie",
    "Bujumbura Rural",
    "Bururi",
    "Cankuzo",
    "Cibitoke",
    "Gitega",
    "Karuzi",
    "Kayanza",
    "Kirundo",
    "Makamba",
    "Muramvya",
    "Muyinga",
    "Mwaro",
    "Ngozi",
    "Rumonge",
    "Rutana",
    "Ruyigi",
];

/// A demo account to create.
#[derive(Debug, Clone)]
pub struct DemoUser {
    /// Sign-in name.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Id.
    pub id: UserId,
}

/// Organisations, offices and accounts: the fixed frame of the demo.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Agencies and partners.
    pub organisations: Vec<Organisation>,
    /// Border posts, police stations and other offices.
    pub offices: Vec<Office>,
    /// One account per role, and the shelter's caseworker and supervisor.
    pub users: Vec<DemoUser>,
}

fn org(
    ids: &mut Ids,
    name: &str,
    org_type: OrgType,
    city: &str,
    province: &str,
    phone: &str,
) -> Organisation {
    Organisation {
        id: OrganisationId(ids.next()),
        name: name.to_string(),
        org_type,
        street: None,
        city: Some(city.to_string()),
        province: Some(province.to_string()),
        country: Some(Country::BI),
        phone: Some(phone.to_string()),
        version: 1,
    }
}

/// Index of agencies in [`Reference::organisations`].
pub(crate) mod agency {
    pub const PJ: usize = 0;
    pub const PAFE: usize = 1;
    pub const IOM: usize = 2;
    pub const UNICEF: usize = 3;
    pub const LEGAL_AID: usize = 4;
    pub const SHELTER_NGO: usize = 5;
    pub const PROSECUTION: usize = 6;
    pub const COMMISSION: usize = 7;
    pub const MINISTRY: usize = 8;
}

/// The agencies: name, type, city, province, phone (in the order of [`agency`]).
const ORGANISATIONS: &[(&str, OrgType, &str, &str, &str)] = &[
    (
        "Police Judiciaire (PJ)",
        OrgType::LawEnforcement,
        "Bujumbura",
        "Bujumbura Mairie",
        "+25722220001",
    ),
    (
        "Police de l'Air, des Frontières et des Étrangers (PAFE)",
        OrgType::ImmigrationService,
        "Bujumbura",
        "Bujumbura Mairie",
        "+25722220002",
    ),
    (
        "OIM Burundi (IOM)",
        OrgType::InternationalOrganisation,
        "Bujumbura",
        "Bujumbura Mairie",
        "+25722220003",
    ),
    (
        "UNICEF Burundi — protection de l'enfance",
        OrgType::InternationalOrganisation,
        "Bujumbura",
        "Bujumbura Mairie",
        "+25722220004",
    ),
    (
        "Centre d'aide juridique Ubuntu (fictif)",
        OrgType::LegalService,
        "Gitega",
        "Gitega",
        "+25722220005",
    ),
    (
        "Maison d'accueil Amahoro (fictif)",
        OrgType::Ngo,
        "Ngozi",
        "Ngozi",
        "+25722220006",
    ),
    (
        "Parquet général de la République",
        OrgType::CentralGovernmentOrganisation,
        "Bujumbura",
        "Bujumbura Mairie",
        "+25722220007",
    ),
    (
        "Commission de concertation et de suivi (CCSPRTP)",
        OrgType::CentralGovernmentOrganisation,
        "Gitega",
        "Gitega",
        "+25722220008",
    ),
    (
        "Ministère de la Solidarité nationale",
        OrgType::CentralGovernmentOrganisation,
        "Gitega",
        "Gitega",
        "+25722220009",
    ),
];

// Every index of [`agency`] names a row of the table, the last one included.
const _: () = assert!(ORGANISATIONS.len() == agency::MINISTRY + 1);

/// The offices: name, province, neighbouring country of a border post, kind, agency.
const OFFICES: &[(&str, &str, &str, OfficeKind, usize)] = &[
    (
        "Poste frontalier de Gatumba",
        "Bujumbura Rural",
        "CD",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Ruhwa",
        "Cibitoke",
        "RW",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Kanyaru-Haut",
        "Kayanza",
        "RW",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Kanyaru-Bas",
        "Ngozi",
        "RW",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Gasenyi-Nemba",
        "Kirundo",
        "RW",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Kobero",
        "Muyinga",
        "TZ",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Mugina",
        "Makamba",
        "TZ",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Gisuru",
        "Ruyigi",
        "TZ",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Mabanda",
        "Makamba",
        "TZ",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Poste frontalier de Nyanza-Lac",
        "Makamba",
        "TZ",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Aéroport international Melchior Ndadaye",
        "Bujumbura Mairie",
        "",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Port de Bujumbura",
        "Bujumbura Mairie",
        "",
        OfficeKind::BorderPost,
        agency::PAFE,
    ),
    (
        "Commissariat PJ de Bujumbura Mairie",
        "Bujumbura Mairie",
        "",
        OfficeKind::PoliceStation,
        agency::PJ,
    ),
    (
        "Commissariat PJ de Gitega",
        "Gitega",
        "",
        OfficeKind::PoliceStation,
        agency::PJ,
    ),
    (
        "Commissariat PJ de Ngozi",
        "Ngozi",
        "",
        OfficeKind::PoliceStation,
        agency::PJ,
    ),
    (
        "Commissariat PJ de Rumonge",
        "Rumonge",
        "",
        OfficeKind::PoliceStation,
        agency::PJ,
    ),
    (
        "Commissariat PJ de Muyinga",
        "Muyinga",
        "",
        OfficeKind::PoliceStation,
        agency::PJ,
    ),
    (
        "Centre de formation OIM de Bujumbura",
        "Bujumbura Mairie",
        "",
        OfficeKind::TrainingCentre,
        agency::IOM,
    ),
    (
        "Siège de la PJ",
        "Bujumbura Mairie",
        "",
        OfficeKind::Headquarters,
        agency::PJ,
    ),
];

/// The accounts (one per role, then the shelter's): username, display name, role, agency, office
/// (index in [`OFFICES`]).
const USERS: &[(&str, &str, Role, usize, Option<usize>)] = &[
    (
        "officer",
        "Agent Claudine Iradukunda (Gatumba)",
        Role::Officer,
        agency::PAFE,
        Some(0),
    ),
    (
        "investigator",
        "OPJ Pascal Nshimirimana",
        Role::Investigator,
        agency::PJ,
        Some(12),
    ),
    (
        "supervisor",
        "Commissaire Didace Ndikumana",
        Role::Supervisor,
        agency::PJ,
        Some(18),
    ),
    (
        "prosecutor",
        "Substitut Aline Niyonkuru",
        Role::Prosecutor,
        agency::PROSECUTION,
        None,
    ),
    (
        "caseworker",
        "Gérard Habonimana (OIM)",
        Role::Caseworker,
        agency::IOM,
        None,
    ),
    (
        "childprotection",
        "Béatrice Irakoze (UNICEF)",
        Role::ChildProtection,
        agency::UNICEF,
        None,
    ),
    (
        "legalaid",
        "Maître Jean-Bosco Bizimana",
        Role::LegalAid,
        agency::LEGAL_AID,
        None,
    ),
    (
        "trainer",
        "Josiane Kwizera (formatrice OIM)",
        Role::Trainer,
        agency::IOM,
        Some(17),
    ),
    (
        "analyst",
        "Fabrice Nduwimana (CCSPRTP)",
        Role::Analyst,
        agency::COMMISSION,
        None,
    ),
    (
        "admin",
        "Administrateur Tabara",
        Role::Admin,
        agency::COMMISSION,
        None,
    ),
    // The shelter's own accounts: its caseworker and the supervisor who triages the
    // referrals addressed to it.
    (
        "shelter",
        "Espérance Ndikumana (Maison d'accueil Amahoro)",
        Role::Caseworker,
        agency::SHELTER_NGO,
        None,
    ),
    (
        "shelter.supervisor",
        "Déo Nkurunziza (Maison d'accueil Amahoro)",
        Role::Supervisor,
        agency::SHELTER_NGO,
        None,
    ),
];

pub(crate) fn reference(ids: &mut Ids) -> Reference {
    let organisations: Vec<Organisation> = ORGANISATIONS
        .iter()
        .map(|&(name, org_type, city, province, phone)| {
            org(ids, name, org_type, city, province, phone)
        })
        .collect();
    let offices: Vec<Office> = OFFICES
        .iter()
        .map(|&(name, province, border, kind, agency)| Office {
            id: OfficeId(ids.next()),
            organisation_id: organisations[agency].id,
            name: name.to_string(),
            kind,
            province: province.to_string(),
            border_country: Country::parse(border),
            version: 1,
        })
        .collect();
    let users: Vec<DemoUser> = USERS
        .iter()
        .map(|&(username, display, role, agency, office)| DemoUser {
            id: UserId(ids.next()),
            username: username.to_string(),
            display_name: display.to_string(),
            role,
            organisation_id: organisations[agency].id,
            office_id: office.map(|i| offices[i].id),
        })
        .collect();
    Reference {
        organisations,
        offices,
        users,
    }
}

impl DemoUser {
    /// The account as the store sees it for need-to-know.
    pub fn viewer(&self) -> tabara_store::Viewer {
        tabara_store::Viewer {
            user_id: self.id,
            role: self.role,
            organisation_id: self.organisation_id,
            office_id: self.office_id,
        }
    }
}

impl Reference {
    /// Write the organisations, offices and accounts to a register, every account with the
    /// given password hash (demo accounts share the demo password by design).
    pub async fn write(
        &self,
        store: &tabara_store::Store,
        actor: &tabara_store::Actor,
        password_hash: &str,
    ) -> Result<(), tabara_store::StoreError> {
        for org in &self.organisations {
            store.create_organisation(actor, org).await?;
        }
        for office in &self.offices {
            store.create_office(actor, office).await?;
        }
        for u in &self.users {
            let user = tabara_store::NewUser {
                id: u.id,
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: u.role,
                organisation_id: u.organisation_id,
                office_id: u.office_id,
                password_hash: password_hash.to_string(),
            };
            store.create_user(actor, &user).await?;
        }
        Ok(())
    }
}
