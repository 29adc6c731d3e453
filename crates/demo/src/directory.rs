//! The fixed frame of the demo: provinces, agencies, their offices and one account per role.
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
    /// One account per role.
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

pub(crate) fn reference(ids: &mut Ids) -> Reference {
    use agency::*;
    let organisations = vec![
        org(
            ids,
            "Police Judiciaire (PJ)",
            OrgType::LawEnforcement,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220001",
        ),
        org(
            ids,
            "Police de l'Air, des Frontières et des Étrangers (PAFE)",
            OrgType::ImmigrationService,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220002",
        ),
        org(
            ids,
            "OIM Burundi (IOM)",
            OrgType::InternationalOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220003",
        ),
        org(
            ids,
            "UNICEF Burundi — protection de l'enfance",
            OrgType::InternationalOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220004",
        ),
        org(
            ids,
            "Centre d'aide juridique Ubuntu (fictif)",
            OrgType::LegalService,
            "Gitega",
            "Gitega",
            "+25722220005",
        ),
        org(
            ids,
            "Maison d'accueil Amahoro (fictif)",
            OrgType::Ngo,
            "Ngozi",
            "Ngozi",
            "+25722220006",
        ),
        org(
            ids,
            "Parquet général de la République",
            OrgType::CentralGovernmentOrganisation,
            "Bujumbura",
            "Bujumbura Mairie",
            "+25722220007",
        ),
        org(
            ids,
            "Commission de concertation et de suivi (CCSPRTP)",
            OrgType::CentralGovernmentOrganisation,
            "Gitega",
            "Gitega",
            "+25722220008",
        ),
        org(
            ids,
            "Ministère de la Solidarité nationale",
            OrgType::CentralGovernmentOrganisation,
            "Gitega",
            "Gitega",
            "+25722220009",
        ),
    ];
    let post = |ids: &mut Ids,
                name: &str,
                province: &str,
                border: &str,
                kind: OfficeKind,
                agency: usize| Office {
        id: OfficeId(ids.next()),
        organisation_id: organisations[agency].id,
        name: name.to_string(),
        kind,
        province: province.to_string(),
        border_country: Country::parse(border),
        version: 1,
    };
    use OfficeKind::*;
    let offices = vec![
        post(
            ids,
            "Poste frontalier de Gatumba",
            "Bujumbura Rural",
            "CD",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Ruhwa",
            "Cibitoke",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kanyaru-Haut",
            "Kayanza",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kanyaru-Bas",
            "Ngozi",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Gasenyi-Nemba",
            "Kirundo",
            "RW",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Kobero",
            "Muyinga",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Mugina",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Gisuru",
            "Ruyigi",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Mabanda",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Poste frontalier de Nyanza-Lac",
            "Makamba",
            "TZ",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Aéroport international Melchior Ndadaye",
            "Bujumbura Mairie",
            "",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Port de Bujumbura",
            "Bujumbura Mairie",
            "",
            BorderPost,
            PAFE,
        ),
        post(
            ids,
            "Commissariat PJ de Bujumbura Mairie",
            "Bujumbura Mairie",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Gitega",
            "Gitega",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Ngozi",
            "Ngozi",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Rumonge",
            "Rumonge",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Commissariat PJ de Muyinga",
            "Muyinga",
            "",
            PoliceStation,
            PJ,
        ),
        post(
            ids,
            "Centre de formation OIM de Bujumbura",
            "Bujumbura Mairie",
            "",
            TrainingCentre,
            IOM,
        ),
        post(
            ids,
            "Siège de la PJ",
            "Bujumbura Mairie",
            "",
            Headquarters,
            PJ,
        ),
    ];
    let user = |ids: &mut Ids,
                username: &str,
                display: &str,
                role: Role,
                agency: usize,
                office: Option<usize>| DemoUser {
        id: UserId(ids.next()),
        username: username.to_string(),
        display_name: display.to_string(),
        role,
        organisation_id: organisations[agency].id,
        office_id: office.map(|i| offices[i].id),
    };
    let users = vec![
        user(
            ids,
            "officer",
            "Agent Claudine Iradukunda (Gatumba)",
            Role::Officer,
            PAFE,
            Some(0),
        ),
        user(
            ids,
            "investigator",
            "OPJ Pascal Nshimirimana",
            Role::Investigator,
            PJ,
            Some(12),
        ),
        user(
            ids,
            "supervisor",
            "Commissaire Didace Ndikumana",
            Role::Supervisor,
            PJ,
            Some(18),
        ),
        user(
            ids,
            "prosecutor",
            "Substitut Aline Niyonkuru",
            Role::Prosecutor,
            PROSECUTION,
            None,
        ),
        user(
            ids,
            "caseworker",
            "Gérard Habonimana (OIM)",
            Role::Caseworker,
            IOM,
            None,
        ),
        user(
            ids,
            "childprotection",
            "Béatrice Irakoze (UNICEF)",
            Role::ChildProtection,
            UNICEF,
            None,
        ),
        user(
            ids,
            "legalaid",
            "Maître Jean-Bosco Bizimana",
            Role::LegalAid,
            LEGAL_AID,
            None,
        ),
        user(
            ids,
            "trainer",
            "Josiane Kwizera (formatrice OIM)",
            Role::Trainer,
            IOM,
            Some(17),
        ),
        user(
            ids,
            "analyst",
            "Fabrice Nduwimana (CCSPRTP)",
            Role::Analyst,
            COMMISSION,
            None,
        ),
        user(
            ids,
            "admin",
            "Administrateur Tabara",
            Role::Admin,
            COMMISSION,
            None,
        ),
    ];
    let _ = (SHELTER_NGO, MINISTRY);
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
