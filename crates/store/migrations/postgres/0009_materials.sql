-- Awareness materials: items, stock per store (an office), and every movement (receipt into a
-- store, distribution from a store to an office). Stock can never go below zero: the
-- distribution decrements it only when enough is there, and the CHECK is the last guard.
CREATE TABLE material_items (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('poster', 'flyer', 'brochure')),
    title TEXT NOT NULL,
    language TEXT NOT NULL,
    campaign TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE material_stock (
    item_id UUID NOT NULL REFERENCES material_items(id),
    store_id UUID NOT NULL REFERENCES offices(id),
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (item_id, store_id)
);

CREATE TABLE material_movements (
    id UUID PRIMARY KEY,
    item_id UUID NOT NULL REFERENCES material_items(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'distribution')),
    store_id UUID NOT NULL REFERENCES offices(id),
    to_office_id UUID REFERENCES offices(id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    on_date DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX material_movements_to ON material_movements(to_office_id, on_date);
CREATE INDEX material_movements_item ON material_movements(item_id, on_date);
