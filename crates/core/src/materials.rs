//! Awareness materials: the kinds of item, and the rules every stock movement obeys before the
//! store records it (the stock itself never going below zero is the store's one-statement
//! guard, since only the database sees concurrent distributions).

use chrono::NaiveDate;

use crate::audit::AuditAction;
use crate::ids::OfficeId;
use crate::picklist::{Picklist, picklist};
use crate::validation::{EARLIEST_RECORD_DATE, ValidationErrors, check_date_range};

picklist! {
    /// The kind of an awareness material (Tabara's own list).
    MaterialKind, fields [] {
        Poster = "poster", "Poster", "Affiche";
        Flyer = "flyer", "Flyer", "Dépliant";
        Brochure = "brochure", "Brochure", "Brochure";
    }
}

impl MaterialKind {
    /// The kind stored under exactly this name (`poster`, `flyer`, `brochure`); forms send the
    /// stored name, so nothing looser is accepted.
    pub fn from_stored(s: &str) -> Option<MaterialKind> {
        MaterialKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// [`MaterialKind::from_stored`], or the field error `mat_Kind` / `picklist`.
    pub fn check(s: &str) -> Result<MaterialKind, ValidationErrors> {
        MaterialKind::from_stored(s).ok_or_else(|| {
            let mut e = ValidationErrors::default();
            e.push("mat_Kind", "picklist", "poster, flyer or brochure");
            e
        })
    }
}

/// The most one movement can carry: a print run, not a number that overflows the sums of the
/// stock and of the reports.
pub const MAX_MOVEMENT_QUANTITY: i64 = 1_000_000;

/// Which way stock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    /// Received into a store.
    Receipt,
    /// Taken from a store to an office.
    Distribution,
}

impl MovementKind {
    /// As stored: `receipt` or `distribution`.
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::Receipt => "receipt",
            MovementKind::Distribution => "distribution",
        }
    }

    /// The audit action that records a movement of this kind.
    pub fn action(self) -> AuditAction {
        match self {
            MovementKind::Receipt => AuditAction::MaterialReceipt,
            MovementKind::Distribution => AuditAction::MaterialDistribution,
        }
    }
}

/// A stock movement as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Receipt or distribution.
    pub kind: MovementKind,
    /// The store the stock enters or leaves.
    pub store: OfficeId,
    /// The receiving office of a distribution.
    pub to: Option<OfficeId>,
    /// How many.
    pub quantity: i64,
    /// On which day.
    pub on: NaiveDate,
}

impl Movement {
    /// Stock received into `store`.
    pub fn receipt(store: OfficeId, quantity: i64, on: NaiveDate) -> Movement {
        Movement {
            kind: MovementKind::Receipt,
            store,
            to: None,
            quantity,
            on,
        }
    }

    /// Stock taken from `store` to the office `to`.
    pub fn distribution(store: OfficeId, to: OfficeId, quantity: i64, on: NaiveDate) -> Movement {
        Movement {
            kind: MovementKind::Distribution,
            store,
            to: Some(to),
            quantity,
            on,
        }
    }

    /// The movement's rules, the first broken one returned: a quantity from 1 to
    /// [`MAX_MOVEMENT_QUANTITY`]; a day from [`EARLIEST_RECORD_DATE`] to `today`; a
    /// distribution goes to another office than its store.
    pub fn check(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::default();
        if !(1..=MAX_MOVEMENT_QUANTITY).contains(&self.quantity) {
            e.push(
                "mat_Quantity",
                "range",
                format!("a quantity is a whole number from 1 to {MAX_MOVEMENT_QUANTITY}"),
            );
            return Err(e);
        }
        check_date_range(&mut e, "mat_OnDate", self.on, EARLIEST_RECORD_DATE, today);
        if !e.0.is_empty() {
            return Err(e);
        }
        if self.to == Some(self.store) {
            e.push(
                "mat_ToOffice",
                "different",
                "distribute to another office than the store",
            );
        }
        e.into_result(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[track_caller]
    fn refused(r: Result<(), ValidationErrors>, field: &str, rule: &str) {
        let e = r.expect_err("refused");
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!((e.0[0].field, e.0[0].rule), (field, rule));
    }

    #[test]
    fn kinds_are_exactly_the_stored_names() {
        assert_eq!(MaterialKind::ALL.len(), 3);
        for k in MaterialKind::ALL {
            assert_eq!(MaterialKind::from_stored(k.as_str()), Some(*k));
            assert_eq!(MaterialKind::check(k.as_str()), Ok(*k));
        }
        assert_eq!(
            MaterialKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
            ["poster", "flyer", "brochure"]
        );
        for s in ["Poster", " poster", "leaflet", ""] {
            assert_eq!(MaterialKind::from_stored(s), None, "{s:?}");
            let e = MaterialKind::check(s).unwrap_err();
            assert_eq!((e.0[0].field, e.0[0].rule), ("mat_Kind", "picklist"));
        }
    }

    #[test]
    fn quantities_are_bounded() {
        let (store, today) = (OfficeId::new(), day("2026-03-01"));
        for q in [0, -1, MAX_MOVEMENT_QUANTITY + 1, i64::MAX] {
            refused(
                Movement::receipt(store, q, today).check(today),
                "mat_Quantity",
                "range",
            );
        }
        for q in [1, MAX_MOVEMENT_QUANTITY] {
            assert_eq!(Movement::receipt(store, q, today).check(today), Ok(()));
        }
    }

    #[test]
    fn days_are_between_the_earliest_record_and_today() {
        let (store, today) = (OfficeId::new(), day("2026-03-01"));
        for on in [day("2026-03-02"), EARLIEST_RECORD_DATE.pred_opt().unwrap()] {
            refused(
                Movement::receipt(store, 5, on).check(today),
                "mat_OnDate",
                "date_range",
            );
        }
        assert_eq!(
            Movement::receipt(store, 5, EARLIEST_RECORD_DATE).check(today),
            Ok(())
        );
        // The quantity is named first when both are wrong.
        refused(
            Movement::receipt(store, 0, day("2030-01-01")).check(today),
            "mat_Quantity",
            "range",
        );
    }

    #[test]
    fn a_distribution_leaves_its_store() {
        let (store, other, today) = (OfficeId::new(), OfficeId::new(), day("2026-03-01"));
        refused(
            Movement::distribution(store, store, 5, today).check(today),
            "mat_ToOffice",
            "different",
        );
        assert_eq!(
            Movement::distribution(store, other, 5, today).check(today),
            Ok(())
        );
        assert_eq!(
            MovementKind::Distribution.action(),
            AuditAction::MaterialDistribution
        );
        assert_eq!(MovementKind::Receipt.action(), AuditAction::MaterialReceipt);
        assert_eq!(MovementKind::Receipt.as_str(), "receipt");
    }
}
