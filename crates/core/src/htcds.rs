//! HTCDS v2.0 value lists (picklists), one Rust enum each, with the standard's value names and
//! English and French labels.
//!
//! Decisions on the standard's inconsistencies (HTCDS repository at 3c2f6537, see ARCHITECTURE.md):
//! - **Methods of control**: the field sheet's 16 values are the wire values. `Field
//!   Definitions.md` and CTDC also know *restricts movement*, which the sheet lacks; Tabara adds
//!   it as an extension (`RestrictsMovement`) and accepts CTDC's spellings as aliases
//!   (`Threats`, `UsesChildren`, `ThreatOfLawEnforcement`, `PsychoactiveSubstances`). The
//!   sheet's trailing space in `DebtBondage ` is trimmed on input.
//! - **`Unaquainted`** is misspelt in the standard; it stays the wire value and `Unacquainted`
//!   is accepted on input.
//! - **`vic_ForcedLabourIndustry`** is a single picklist in the sheet but a multiselect in the
//!   XLSForm and in CTDC; Tabara stores a set (a victim may have worked in several sectors).
//! - **`prs_Citizenship`** is a multiselect in the sheet, single in the XLSForm; Tabara stores a
//!   set of ISO 3166 alpha-2 codes (dual citizenship happens at the Great Lakes borders).
//! - **Recruitment and exploitation websites** share one list ([`WebsiteOrApp`]).
//! - **Incoming and outgoing referral reasons** share one list ([`ReferralReason`]).
//! - **`vic_Vulnerabilities`** is deprecated; its list is kept for import only.

use crate::picklist::picklist;

picklist! {
    /// `org_Type`: the organisation category.
    OrgType, fields ["org_Type"] {
        Ngo = "NGO", "NGO", "ONG";
        LawEnforcement = "LawEnforcement", "Law Enforcement", "Forces de l'ordre";
        HealthServiceOrganisation = "HealthServiceOrganisation", "Health Service Organisation", "Organisation de services de santé";
        CentralGovernmentOrganisation = "CentralGovernmentOrganisation", "Central Government Organisation", "Administration centrale";
        LocalGovernmentOrganisation = "LocalGovernmentOrganisation", "Local Government Organisation", "Administration locale";
        ImmigrationService = "ImmigrationService", "Immigration Service", "Service de l'immigration";
        LegalService = "LegalService", "Legal Service", "Service juridique";
        CorporateBusiness = "CorporateBusiness", "Corporate Business", "Entreprise";
        SchoolOrCollege = "SchoolOrCollege", "School or College", "École ou établissement d'enseignement";
        /// An international organisation such as IOM or UNICEF; the standard has no such value.
        InternationalOrganisation = "InternationalOrganisation", "International Organisation", "Organisation internationale", @ext;
    }
}

picklist! {
    /// `prs_Gender`.
    Gender, fields ["prs_Gender"] {
        Feminine = "Feminine", "Feminine", "Féminin";
        Masculine = "Masculine", "Masculine", "Masculin";
        TransgenderFeminine = "TransgenderFeminine", "Transgender Feminine", "Transgenre féminin";
        TransgenderMasculine = "TransgenderMasculine", "Transgender Masculine", "Transgenre masculin";
        NonConforming = "NonConforming", "Non-Conforming", "Non conforme";
        NonSpecifiedUnknown = "NonSpecifiedUnknown", "Not Specified/Unknown", "Non précisé / inconnu";
    }
}

picklist! {
    /// `prs_MaritalStatus`.
    MaritalStatus, fields ["prs_MaritalStatus"] {
        Single = "Single", "Single", "Célibataire";
        Married = "Married", "Married", "Marié(e)";
        Widowed = "Widowed", "Widowed", "Veuf / veuve";
        Divorced = "Divorced", "Divorced", "Divorcé(e)";
        Separated = "Separated", "Separated", "Séparé(e)";
        RegisteredPartnership = "RegisteredPartnership", "Registered Partnership", "Partenariat enregistré";
    }
}

picklist! {
    /// `prs_HighestLevelOfEducation` (ISCED 2011 levels 0 to 8).
    EducationLevel, fields ["prs_HighestLevelOfEducation"] {
        EarlyChildhoodEducation = "EarlyChildhoodEducation", "Early Childhood Education", "Éducation de la petite enfance";
        PrimaryEducation = "PrimaryEducation", "Primary Education", "Enseignement primaire";
        LowerSecondaryEducation = "LowerSecondaryEducation", "Lower Secondary Education", "Premier cycle du secondaire";
        UpperSecondaryEducation = "UpperSecondaryEducation", "Upper Secondary Education", "Deuxième cycle du secondaire";
        PostSecondaryNonTertiaryEducation = "PostSecondaryNonTertiaryEducation", "Post-secondary Non-tertiary Education", "Post-secondaire non supérieur";
        ShortCycleTertiaryEducation = "ShortCycleTertiaryEducation", "Short-cycle Tertiary Education", "Enseignement supérieur de cycle court";
        BachelorsOrEquivalentLevel = "BachelorsOrEquivalentLevel", "Bachelor’s or Equivalent Level", "Licence ou niveau équivalent";
        MastersOrEquivalentLevel = "MastersOrEquivalentLevel", "Master’s or Equivalent Level", "Master ou niveau équivalent";
        DoctoralOrEquivalentLevel = "DoctoralOrEquivalentLevel", "Doctoral or Equivalent Level", "Doctorat ou niveau équivalent";
    }
}

picklist! {
    /// `vic_TraffickingStatus`.
    TraffickingStatus, fields ["vic_TraffickingStatus"] {
        PossibleVictimOfTrafficking = "PossibleVictimOfTrafficking", "Possible victim of trafficking", "Victime possible de la traite";
        ActualVictimOfTrafficking = "ActualVictimOfTrafficking", "Actual victim of trafficking", "Victime avérée de la traite";
        NotAVictimOfTrafficking = "NotAVictimOfTrafficking", "Not a victim of trafficking", "Pas victime de la traite";
    }
}

picklist! {
    /// `vic_TraffickingStatusDecisionMakingOrg`: who decided the trafficking status.
    DecisionMakingOrg, fields ["vic_TraffickingStatusDecisionMakingOrg"] {
        Police = "Police", "Police", "Police";
        Ngo = "NGO", "NGO", "ONG";
        CourtOrProsecution = "CourtOrProsecution", "Court or prosecution", "Tribunal ou parquet";
        NonPoliceGovernmentalOrganization = "NonPoliceGovernmentalOrganization", "Non-police governmental organization", "Organisme public autre que la police";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `vic_RelationshipToTrafficker`.
    RelationshipToTrafficker, fields ["vic_RelationshipToTrafficker"] {
        Familial = "Familial", "Familial", "Famille";
        Acquainted = "Acquainted", "Acquainted", "Connaissance";
        /// Misspelt in the standard; the correct spelling is accepted on input.
        Unacquainted = "Unaquainted", "Unaquainted", "Inconnu", aliases ["Unacquainted"];
    }
}

picklist! {
    /// `vic_RecruitmentWebsitesAndApps` and `vic_ExploitationWebsitesAndApps`.
    WebsiteOrApp, fields ["vic_RecruitmentWebsitesAndApps", "vic_ExploitationWebsitesAndApps"] {
        Facebook = "Facebook", "Facebook", "Facebook";
        Instagram = "Instagram", "Instagram", "Instagram";
        WhatsApp = "WhatsApp", "WhatsApp", "WhatsApp";
        Telegram = "Telegram", "Telegram", "Telegram";
        FacebookMessenger = "FacebookMessenger", "Facebook Messenger", "Facebook Messenger";
        Viber = "Viber", "Viber", "Viber";
        SnapChat = "SnapChat", "SnapChat", "SnapChat";
        Line = "Line", "Line", "Line";
        FourSale = "4Sale", "4Sale", "4Sale";
        WeChat = "WeChat", "WeChat", "WeChat";
        Qq = "QQ", "QQ", "QQ";
        QZone = "QZone", "QZone", "QZone";
        TikTok = "TikTok", "TikTok", "TikTok";
        Twitter = "Twitter", "Twitter", "Twitter";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `vic_MethodOfRecruitment`.
    MethodOfRecruitment, fields ["vic_MethodOfRecruitment"] {
        AtAPlaceOfBusiness = "AtAPlaceOfBusiness", "At a place of business", "Dans un commerce";
        AtAnEducationalInstitution = "AtAnEducationalInstitution", "At an educational institution", "Dans un établissement d'enseignement";
        AtWork = "AtWork", "At work", "Au travail";
        ThroughOnlineSocialNetworks = "ThroughOnlineSocialNetworks", "Through online social networks", "Par les réseaux sociaux en ligne";
        ThroughAnOnlineAdvertisement = "ThroughAnOnlineAdvertisement", "Through an online advertisement", "Par une annonce en ligne";
        ThroughATelevisionAdvert = "ThroughATelevisionAdvert", "Through a television advert", "Par une publicité télévisée";
        ThroughANewspaperAdvert = "ThroughANewspaperAdvert", "Through a newspaper advert", "Par une annonce dans un journal";
        ThroughFamilyOrFamilyEvents = "ThroughFamilyOrFamilyEvents", "Through family or family events", "Par la famille ou lors d'événements familiaux";
        ThroughFriendsOrSocialEvents = "ThroughFriendsOrSocialEvents", "Through friends or social events", "Par des amis ou lors d'événements sociaux";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `vic_MethodsOfControl` (the field sheet's list plus CTDC's *restricts movement*).
    MethodOfControl, fields ["vic_MethodsOfControl"] {
        PhysicalThreats = "PhysicalThreats", "Physical threats", "Menaces physiques", aliases ["Threats"];
        ThreatsLawEnforcement = "ThreatsLawEnforcement", "Threats of law enforcement", "Menaces de recours aux autorités", aliases ["ThreatOfLawEnforcement"];
        ThreatensChildrenFamily = "ThreatensChildrenFamily", "Threatens children/family", "Menaces contre les enfants / la famille", aliases ["UsesChildren"];
        DebtBondage = "DebtBondage", "Debt bondage", "Servitude pour dettes";
        FalsePromises = "FalsePromises", "False promises", "Fausses promesses";
        PhysicalAbuse = "PhysicalAbuse", "Physical abuse", "Violences physiques";
        SexualAbuse = "SexualAbuse", "Sexual abuse", "Violences sexuelles";
        TakesEarnings = "TakesEarnings", "Takes earnings", "Confiscation des gains";
        RestrictsFinancialAccess = "RestrictsFinancialAccess", "Restricts financial access", "Restriction de l'accès à l'argent";
        RestrictsMedicalCare = "RestrictsMedicalCare", "Restricts medical care", "Restriction de l'accès aux soins";
        WithholdsNecessities = "WithholdsNecessities", "Withholds necessities", "Privation des biens de première nécessité";
        PsychologicalAbuse = "PsychologicalAbuse", "Psychological abuse", "Violences psychologiques";
        PsychoactiveSubstance = "PsychoactiveSubstance", "Psychoactive substance", "Substances psychoactives", aliases ["PsychoactiveSubstances"];
        ExcessiveWorkingHours = "ExcessiveWorkingHours", "Excessive working hours", "Horaires de travail excessifs";
        WithholdsDocuments = "WithholdsDocuments", "Withholds documents", "Confiscation des documents";
        Other = "Other", "Other", "Autre";
        /// In `Field Definitions.md` and CTDC but missing from the field sheet.
        RestrictsMovement = "RestrictsMovement", "Restricts movement", "Restriction de la liberté de mouvement", @ext;
    }
}

picklist! {
    /// `vic_TypeOfExploitation`.
    ExploitationType, fields ["vic_TypeOfExploitation"] {
        ForcedLabour = "ForcedLabour", "Forced labour", "Travail forcé";
        SexualExploitation = "SexualExploitation", "Sexual exploitation", "Exploitation sexuelle";
        ChildLabour = "ChildLabour", "Child labour", "Travail des enfants";
        ForcedMarriage = "ForcedMarriage", "Forced marriage", "Mariage forcé";
        Servitude = "Servitude", "Servitude", "Servitude";
        ForcedMilitaryByNonStateActors = "ForcedMilitaryByNonStateActors", "Forced military (by non-state actors)", "Enrôlement forcé (par des acteurs non étatiques)";
        OrganRemoval = "OrganRemoval", "Organ removal", "Prélèvement d'organes";
        ForcedBegging = "ForcedBegging", "Forced begging", "Mendicité forcée";
        ForcedAdoption = "ForcedAdoption", "Forced adoption", "Adoption forcée";
        Surrogacy = "Surrogacy", "Surrogacy", "Gestation pour autrui";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `vic_ForcedLabourIndustry`: ISIC Rev.4 sections A to U (stored as a set, see module docs).
    LabourIndustry, fields ["vic_ForcedLabourIndustry"] {
        A = "A_AgricultureForestryAndFishing", "Agriculture, forestry and fishing", "Agriculture, sylviculture et pêche";
        B = "B_MiningAndQuarrying", "Mining and quarrying", "Activités extractives";
        C = "C_Manufacturing", "Manufacturing", "Activités de fabrication";
        D = "D_ElectricityGasSteamAndAirConditioningSupply", "Electricity, gas, steam and air conditioning supply", "Production et distribution d'électricité, de gaz, de vapeur et climatisation";
        E = "E_WaterSupplySewerageWasteManagement", "Water supply; sewerage, waste management and remediation", "Distribution d'eau ; réseaux d'assainissement ; gestion des déchets et remise en état";
        F = "F_Construction", "Construction", "Construction";
        G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", "Wholesale and retail trade; repair of motor vehicles and motorcycles", "Commerce de gros et de détail ; réparation de véhicules automobiles et de motocycles";
        H = "H_TransportationAndStorage", "Transportation and storage", "Transport et entreposage";
        I = "I_AccommodationAndFoodServiceActivities", "Accommodation and food service activities", "Hébergement et restauration";
        J = "J_InformationAndCommunication", "Information and communication", "Information et communication";
        K = "K_FinancialAndInsuranceActivities", "Financial and insurance activities", "Activités financières et d'assurances";
        L = "L_RealEstateActivities", "Real estate activities", "Activités immobilières";
        M = "M_ProfessionalScientificAndTechnicalActivities", "Professional, scientific and technical activities", "Activités professionnelles, scientifiques et techniques";
        N = "N_AdministrativeAndSupportServiceActivities", "Administrative and support service activities", "Activités de services administratifs et d'appui";
        O = "O_PublicAdministrationAndDefence", "Public administration and defence; compulsory social security", "Administration publique et défense ; sécurité sociale obligatoire";
        P = "P_Education", "Education", "Enseignement";
        Q = "Q_HumanHealthAndSocialWorkActivities", "Human health and social work activities", "Santé humaine et action sociale";
        R = "R_ArtsEntertainmentAndRecreation", "Arts, entertainment and recreation", "Arts, spectacles et loisirs";
        S = "S_OtherServiceActivities", "Other service activities", "Autres activités de services";
        T = "T_ActivitiesOfHouseholdsAsEmployers", "Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use", "Activités des ménages en tant qu'employeurs ; activités indifférenciées de production de biens et services des ménages pour usage propre";
        U = "U_ActivitiesOfExtraterritorialOrganizations", "Activities of extraterritorial organizations and bodies", "Activités des organisations et organismes extraterritoriaux";
    }
}

picklist! {
    /// `vic_TypeOfSexExploitation`.
    SexExploitationType, fields ["vic_TypeOfSexExploitation"] {
        Prostitution = "Prostitution", "Prostitution", "Prostitution";
        Pornography = "Pornography", "Pornography", "Pornographie";
        RemoteInteractiveServices = "RemoteInteractiveServices", "Remote Interactive Services", "Services interactifs à distance";
        PrivateSexualServices = "PrivateSexualServices", "Private Sexual Services", "Services sexuels privés";
    }
}

picklist! {
    /// `vic_Vulnerabilities` (deprecated in HTCDS v2.0; kept so that older data can be imported).
    Vulnerability, fields ["vic_Vulnerabilities"] {
        Addiction = "Addiction", "Addiction", "Addiction";
        SocialGroup = "SocialGroup", "Social Group", "Groupe social";
        Discrimination = "Discrimination", "Discrimination", "Discrimination";
        Poverty = "Poverty", "Poverty", "Pauvreté";
        DisabilityAndPhysicalHealth = "DisabilityAndPhysicalHealth", "Disability and physical health", "Handicap et santé physique";
        MentalHealth = "MentalHealth", "Mental health", "Santé mentale";
        Migration = "Migration", "Migration", "Migration";
        Homelessness = "Homelessness", "Homelessness", "Absence de logement";
        AbuseSocialMedia = "AbuseSocialMedia", "Abuse - social media", "Abus - réseaux sociaux";
        AbusePhysical = "AbusePhysical", "Abuse - physical", "Abus - physiques";
        Education = "Education", "Education", "Éducation";
        WorkEnvironment = "WorkEnvironment", "Work environment", "Environnement de travail";
    }
}

picklist! {
    /// `per_RoleInProcess`: a perpetrator's role in the trafficking process.
    RoleInProcess, fields ["per_RoleInProcess"] {
        TravellingPartner = "TravellingPartner", "Travelling Partner", "Compagnon de voyage";
        Transporter = "Transporter", "Transporter", "Transporteur";
        RecruiterOrIntermediary = "RecruiterOrIntermediary", "Recruiter Or Intermediary", "Recruteur ou intermédiaire";
        BrokerTravelAgent = "BrokerTravelAgent", "Broker Travel Agent", "Courtier / agent de voyage";
        TransferredIndividual = "TransferredIndividual", "Transferred Individual", "A transféré la personne";
        HarbouredIndividual = "HarbouredIndividual", "Harboured Individual", "A hébergé la personne";
        SoldIndividual = "SoldIndividual", "Sold Individual", "A vendu la personne";
        BoughtIndividual = "BoughtIndividual", "Bought Individual", "A acheté la personne";
        ReceivedIndividual = "ReceivedIndividual", "Received Individual", "A accueilli la personne";
        ControlledIndividual = "ControlledIndividual", "Controlled Individual", "A contrôlé la personne";
        Smuggler = "Smuggler", "Smuggler", "Passeur";
        Abuser = "Abuser", "Abuser", "Auteur de violences";
        Kidnapper = "Kidnapper", "Kidnapper", "Ravisseur";
        Exploiter = "Exploiter", "Exploiter", "Exploiteur";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `cas_Status`.
    CaseStatus, fields ["cas_Status"] {
        Active = "Active", "Active", "Actif";
        FollowUp = "FollowUp", "Follow Up", "Suivi";
        Closed = "Closed", "Closed", "Clôturé";
        ClosedReferred = "ClosedReferred", "Closed Referred", "Clôturé (référé)";
    }
}

picklist! {
    /// `cas_ReasonForIncomingReferral` and `cas_ReasonForOutgoingReferral`.
    ReferralReason, fields ["cas_ReasonForIncomingReferral", "cas_ReasonForOutgoingReferral"] {
        AdditionalServicesRequired = "AdditionalServicesRequired", "Additional Services Required", "Services supplémentaires nécessaires";
        MigrationOrChangeOfLocation = "MigrationOrChangeOfLocation", "Migration or Change of Location", "Migration ou changement de lieu";
        Other = "Other", "Other", "Autre";
    }
}

picklist! {
    /// `hte_Type`: the kind of a historic trafficking event.
    TraffickingEventType, fields ["hte_Type"] {
        Recruitment = "Recruitment", "Recruitment", "Recrutement";
        Transit = "Transit", "Transit", "Transit";
        Exploitation = "Exploitation", "Exploitation", "Exploitation";
    }
}

picklist! {
    /// `spl_Type`: the type of a support plan.
    SupportPlanType, fields ["spl_Type"] {
        Education = "Education", "Education", "Éducation";
        Financial = "Financial", "Financial", "Financier";
        Health = "Health", "Health", "Santé";
        LabourExploitationRehabilitation = "LabourExploitationRehabilitation", "Labour Exploitation Rehabilitation", "Réadaptation après exploitation par le travail";
        Legal = "Legal", "Legal", "Juridique";
        Livelihood = "Livelihood", "Livelihood", "Moyens de subsistance";
        RightsBasedTraining = "RightsBasedTraining", "Rights-based Training", "Formation fondée sur les droits";
        SexualExploitationRehabilitation = "SexualExploitationRehabilitation", "Sexual Exploitation Rehabilitation", "Réadaptation après exploitation sexuelle";
        SocialCare = "SocialCare", "Social Care", "Aide sociale";
    }
}

/// Calls `$mac!(Type)` for every HTCDS picklist type; lets tests and catalogues walk them all.
#[macro_export]
macro_rules! for_each_htcds_picklist {
    ($mac:ident) => {
        $mac!($crate::htcds::OrgType);
        $mac!($crate::htcds::Gender);
        $mac!($crate::htcds::MaritalStatus);
        $mac!($crate::htcds::EducationLevel);
        $mac!($crate::htcds::TraffickingStatus);
        $mac!($crate::htcds::DecisionMakingOrg);
        $mac!($crate::htcds::RelationshipToTrafficker);
        $mac!($crate::htcds::WebsiteOrApp);
        $mac!($crate::htcds::MethodOfRecruitment);
        $mac!($crate::htcds::MethodOfControl);
        $mac!($crate::htcds::ExploitationType);
        $mac!($crate::htcds::LabourIndustry);
        $mac!($crate::htcds::SexExploitationType);
        $mac!($crate::htcds::Vulnerability);
        $mac!($crate::htcds::RoleInProcess);
        $mac!($crate::htcds::CaseStatus);
        $mac!($crate::htcds::ReferralReason);
        $mac!($crate::htcds::TraffickingEventType);
        $mac!($crate::htcds::SupportPlanType);
    };
}
