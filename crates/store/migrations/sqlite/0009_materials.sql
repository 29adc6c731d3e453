-- Awareness materials: items, stock per store (an office), and every movement (receipt into a
-- store, distribution from a store to an office). Stock can never go below zero: the
-- distribution decrements it only when enough is there, and the CHECK is the last guard.
CREATE TABLE material_items (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('poster', 'flyer', 'brochure')),
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    campaign TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE material_stock (
    item_id BLOB NOT NULL REFERENCES material_items(id),
    store_id BLOB NOT NULL REFERENCES offices(id),
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (item_id, store_id)
) STRICT;

CREATE TABLE material_movements (
    id BLOB PRIMARY KEY,
    item_id BLOB NOT NULL REFERENCES material_items(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'distribution')),
    store_id BLOB NOT NULL REFERENCES offices(id),
    to_office_id BLOB REFERENCES offices(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    on_date TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX material_movements_to ON material_movements(to_office_id, on_date);
CREATE INDEX material_movements_item ON material_movements(item_id, on_date);
