//! Awareness materials: items and stock movements (the rules are in `tabara_core::materials`).

use chrono::NaiveDate;
use serde::Serialize;
use tabara_core::ids::*;

use tabara_core::materials::Movement;

use crate::{Actor, Result, Store};

pub use tabara_core::materials::{MAX_MOVEMENT_QUANTITY, MaterialKind};

/// An awareness material.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialItem {
    /// Id.
    pub id: MaterialId,
    /// `poster`, `flyer` or `brochure`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Language (ISO 639-1, e.g. `rn`, `fr`).
    pub language: String,
    /// Campaign, if any.
    pub campaign: Option<String>,
}

/// Stock of an item in a store.
#[derive(Debug, Clone, Serialize)]
pub struct StockLine {
    /// The item.
    pub item_id: MaterialId,
    /// The store (an office).
    pub store_id: OfficeId,
    /// Quantity on hand.
    pub quantity: i64,
}

/// What an office received: one distribution.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    /// The receiving office.
    pub office_id: OfficeId,
    /// The item.
    pub item_id: MaterialId,
    /// How many.
    pub quantity: i64,
    /// When.
    pub on_date: NaiveDate,
}

impl Store {
    /// Register an awareness material.
    pub async fn create_material(
        &self,
        actor: &Actor,
        id: MaterialId,
        kind: &str,
        title: &str,
        language: &str,
        campaign: Option<&str>,
    ) -> Result<MaterialItem> {
        dispatch!(
            self,
            create_material(actor, id, kind, title, language, campaign)
        )
    }

    /// Every awareness material, by title.
    pub async fn materials(&self) -> Result<Vec<MaterialItem>> {
        dispatch!(self, materials())
    }

    /// Receive stock into a store; returns the quantity on hand.
    pub async fn receive_material(
        &self,
        actor: &Actor,
        item: MaterialId,
        store: OfficeId,
        quantity: i64,
        on: NaiveDate,
    ) -> Result<i64> {
        let movement = Movement::receipt(store, quantity, on);
        dispatch!(self, move_material(actor, item, movement))
    }

    /// Distribute from a store to an office; refused when the stock is short (never negative,
    /// whatever runs at the same time). Returns the quantity left.
    pub async fn distribute_material(
        &self,
        actor: &Actor,
        item: MaterialId,
        store: OfficeId,
        to: OfficeId,
        quantity: i64,
        on: NaiveDate,
    ) -> Result<i64> {
        let movement = Movement::distribution(store, to, quantity, on);
        dispatch!(self, move_material(actor, item, movement))
    }

    /// Stock on hand per item and store.
    pub async fn material_stock(&self) -> Result<Vec<StockLine>> {
        dispatch!(self, material_stock())
    }

    /// Every distribution, by receiving office and date.
    pub async fn distributions(&self) -> Result<Vec<Distribution>> {
        dispatch!(self, distributions())
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
