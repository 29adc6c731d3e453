//! Organisations and their offices (HTCDS `org_`), and the organisation input form.

use serde::{Deserialize, Serialize};

use super::fields::*;
use super::*;
use crate::countries::Country;
use crate::htcds::*;
use crate::ids::*;
use crate::picklist::picklist;
use crate::validation::ValidationErrors;

picklist! {
    /// What an office is.
    OfficeKind, fields [] {
        BorderPost = "border_post", "Border post", "Poste frontalier";
        PoliceStation = "police_station", "Police station", "Commissariat de police";
        Headquarters = "headquarters", "Headquarters", "Siège";
        FieldOffice = "field_office", "Field office", "Bureau de terrain";
        Shelter = "shelter", "Shelter", "Centre d'hébergement";
        TrainingCentre = "training_centre", "Training centre", "Centre de formation";
    }
}

/// An organisation: an agency that uses Tabara or a partner it works with (HTCDS `org_`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Identifier.
    pub id: OrganisationId,
    /// `org_Name`.
    pub name: String,
    /// `org_Type`.
    pub org_type: OrgType,
    /// `org_ShippingStreet`.
    pub street: Option<String>,
    /// `org_ShippingCity`.
    pub city: Option<String>,
    /// `org_ShippingState` (province).
    pub province: Option<String>,
    /// `org_ShippingCountry`.
    pub country: Option<Country>,
    /// `org_Phone` (E.164).
    pub phone: Option<String>,
    /// Optimistic-concurrency version, 1 on creation.
    pub version: i64,
}

/// An office of an organisation: a border post, a police station, a headquarters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    /// Identifier.
    pub id: OfficeId,
    /// The organisation the office belongs to.
    pub organisation_id: OrganisationId,
    /// Name, e.g. "Poste frontalier de Gatumba".
    pub name: String,
    /// Kind of office.
    pub kind: OfficeKind,
    /// Province.
    pub province: String,
    /// For a border post, the neighbouring country.
    pub border_country: Option<Country>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// Organisation input as typed by a user or read from a file: every field a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationForm {
    /// `org_Name`.
    pub name: String,
    /// `org_Type` value name.
    pub org_type: String,
    /// `org_ShippingStreet`.
    pub street: String,
    /// `org_ShippingCity`.
    pub city: String,
    /// `org_ShippingState`.
    pub province: String,
    /// `org_ShippingCountry`.
    pub country: String,
    /// `org_Phone`.
    pub phone: String,
}

impl OrganisationForm {
    /// Validate into an organisation with a fresh id and version 1.
    pub fn validate(&self) -> Result<Organisation, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            e.push("org_Name", "required", "the organisation needs a name");
        }
        check_len(&mut e, "org_Name", name, MAX_SHORT_TEXT);
        let org_type = parse_required::<OrgType>(&mut e, "org_Type", &self.org_type);
        let country = parse_country(&mut e, "org_ShippingCountry", &self.country);
        let phone = parse_phone(&mut e, "org_Phone", &self.phone);
        let out = Organisation {
            id: OrganisationId::new(),
            name: name.to_string(),
            org_type: org_type.unwrap_or(OrgType::Ngo),
            street: opt_text(&mut e, "org_ShippingStreet", &self.street),
            city: opt_text(&mut e, "org_ShippingCity", &self.city),
            province: opt_text(&mut e, "org_ShippingState", &self.province),
            country,
            phone,
            version: 1,
        };
        e.into_result(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn organisation_form() {
        let f = OrganisationForm {
            name: "OIM Burundi".into(),
            org_type: "InternationalOrganisation".into(),
            country: "BI".into(),
            phone: "+257 22 000 000".into(),
            ..Default::default()
        };
        let o = f.validate().unwrap();
        assert_eq!(o.phone.as_deref(), Some("+25722000000"));
        let bad = OrganisationForm {
            org_type: "Police".into(),
            country: "ZZ".into(),
            ..Default::default()
        };
        let err = bad.validate().unwrap_err();
        assert!(err.has("org_Name") && err.has("org_Type") && err.has("org_ShippingCountry"));
    }
}
