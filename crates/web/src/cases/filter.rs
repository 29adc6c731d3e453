//! The one parser of case-list filters, shared by the list page (`GET /cases`) and the API
//! (`GET /api/v1/cases`): each takes its parameters under its own names and says a refused
//! value in its own way (a line on the page, a problem document in the API).

use chrono::NaiveDate;
use tabara_core::Picklist;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::ids::OfficeId;
use tabara_store::{CaseFilter, Viewer};

/// The filters as they arrive, each `None` when not given (the page drops empty values
/// first; the API refuses them as values).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RawFilter<'a> {
    /// An HTCDS `cas_Status` value.
    pub status: Option<&'a str>,
    /// An HTCDS `vic_TypeOfExploitation` value.
    pub exploitation: Option<&'a str>,
    /// An office id.
    pub office: Option<&'a str>,
    /// Opened on or after, `YYYY-MM-DD`.
    pub opened_from: Option<&'a str>,
    /// Opened on or before, `YYYY-MM-DD`.
    pub opened_to: Option<&'a str>,
}

/// A filter value that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not a case status of the list.
    Status,
    /// Not a type of exploitation of the list.
    Exploitation,
    /// Not an office id.
    Office,
    /// Not a date.
    OpenedFrom,
    /// Not a date.
    OpenedTo,
}

/// The list's filter within `viewer`'s reach, and the values refused, in the order of
/// [`Refused`] (a refused value filters nothing).
pub(crate) fn parse(raw: RawFilter<'_>, viewer: &Viewer) -> (CaseFilter, Vec<Refused>) {
    let mut refused = Vec::new();
    let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let status = raw.status.map(CaseStatus::parse);
    let exploitation = raw.exploitation.map(ExploitationType::parse);
    let office = raw.office.map(str::parse::<OfficeId>);
    let (from, to) = (raw.opened_from.map(date), raw.opened_to.map(date));
    for (bad, which) in [
        (matches!(status, Some(Err(_))), Refused::Status),
        (matches!(exploitation, Some(Err(_))), Refused::Exploitation),
        (matches!(office, Some(Err(_))), Refused::Office),
        (matches!(from, Some(None)), Refused::OpenedFrom),
        (matches!(to, Some(None)), Refused::OpenedTo),
    ] {
        if bad {
            refused.push(which);
        }
    }
    let filter = CaseFilter {
        status: status.and_then(Result::ok),
        exploitation: exploitation.and_then(Result::ok),
        office_id: office.and_then(Result::ok),
        opened_from: from.flatten(),
        opened_to: to.flatten(),
        visible_to: Some(viewer.clone()),
        ..Default::default()
    };
    (filter, refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer() -> Viewer {
        Viewer {
            user_id: tabara_core::ids::UserId::new(),
            role: tabara_core::Role::Officer,
            organisation_id: tabara_core::ids::OrganisationId::new(),
            office_id: None,
        }
    }

    #[test]
    fn known_values_filter_and_unknown_ones_are_named_in_order() {
        let v = viewer();
        let raw = RawFilter {
            status: Some("Active"),
            exploitation: Some("nonsense"),
            office: Some("not-an-id"),
            opened_from: Some("2026-01-02"),
            opened_to: Some("2026-13-01"),
        };
        let (filter, refused) = parse(raw, &v);
        assert_eq!(filter.status, Some(CaseStatus::Active));
        assert_eq!(filter.exploitation, None);
        assert_eq!(filter.office_id, None);
        assert_eq!(filter.opened_from, NaiveDate::from_ymd_opt(2026, 1, 2));
        assert_eq!(filter.opened_to, None);
        assert_eq!(filter.visible_to, Some(v.clone()));
        assert_eq!(
            refused,
            [Refused::Exploitation, Refused::Office, Refused::OpenedTo]
        );
        let (nothing, none) = parse(RawFilter::default(), &v);
        assert!(none.is_empty());
        assert_eq!(nothing.status, None);
        assert_eq!(
            parse(
                RawFilter {
                    status: Some(""),
                    ..raw
                },
                &v
            )
            .1[0],
            Refused::Status
        );
    }
}
