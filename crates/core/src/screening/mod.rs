//! Victim screening: the indicator catalogue (data, `data/screening.toml`) and the engine that
//! turns an officer's recorded answers into a suggested outcome with its reasons.
//!
//! The engine is pure: answers and age facts in, an [`Evaluation`] out. It suggests; the
//! officer confirms or overrides (with a reason) and that decision is what is recorded as the
//! HTCDS trafficking status.
//!
//! Rules (ILO/EC operational indicators, 2009):
//! - a **dimension** is positive when its "yes" answers, weighted on the list that applies (adult
//!   or child), hold at least two strong, or one strong and one other, or three medium, or two
//!   medium and one weak;
//! - an **adult** is a presumed victim when a recruitment dimension (D1 deceptive, D2 coercive,
//!   D3 abuse of vulnerability) and D4 (exploitative conditions) and a destination dimension (D5
//!   coercion, D6 abuse of vulnerability) are positive; D4 without that is exploitation only;
//! - a **child** (the one rule of [`crate::child`]: under 18; an estimated age under 21; an
//!   uncertain or unknown age with any sign of minority) needs no means: the act (recruited,
//!   moved or housed by others) with D4 is enough, and a child is never "exploitation only". Every child goes to the child-protection pathway.
//!
//! Anything short of those, with at least one "yes" or with the exploitation questions not all
//! answered, needs a full interview; "no indicators" needs every D4 and D5 question answered "no".

mod answers;
mod catalogue;
mod evaluate;
mod outcome;
mod screens;

pub use answers::*;
pub use catalogue::*;
pub use evaluate::evaluate;
pub use outcome::*;
pub use screens::*;

/// The shipped catalogue, for the unit tests.
#[cfg(test)]
fn shipped() -> &'static Catalogue {
    Catalogue::embedded().expect("the shipped catalogue is valid")
}
