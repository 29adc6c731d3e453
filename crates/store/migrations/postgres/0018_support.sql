-- Support plans of victims and their follow-up (HTCDS Support Plan, spl_): the plan with its
-- types, goals and reflection and recovery period, the services delivered, the follow-up
-- visits, the return and reintegration steps, and the closure with its reason. Nothing here
-- records cooperation with the police or the prosecution: assistance never depends on it.
-- Keep in lockstep with the other dialect.
-- types: ';'-joined spl_Type value names, with a leading and a trailing ';'.
CREATE TABLE support_plans (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES cases(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    types TEXT NOT NULL,
    objectives TEXT NOT NULL,
    action_plan TEXT,
    planned_end DATE,
    reflection_start DATE NOT NULL,
    reflection_days BIGINT NOT NULL CHECK (reflection_days BETWEEN 1 AND 365),
    closed_on DATE,
    closure_reason TEXT,
    closure_note TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    CHECK ((closed_on IS NULL) = (closure_reason IS NULL))
);
CREATE INDEX support_plans_person ON support_plans(case_id, person_id, created_at);

CREATE TABLE support_services (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES support_plans(id),
    service TEXT NOT NULL,
    delivered_on DATE NOT NULL,
    organisation_id UUID REFERENCES organisations(id),
    provided_by TEXT,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    CHECK (organisation_id IS NOT NULL OR provided_by IS NOT NULL)
);
CREATE INDEX support_services_plan ON support_services(plan_id, delivered_on);

CREATE TABLE support_visits (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES support_plans(id),
    visited_on DATE NOT NULL,
    visited_by TEXT NOT NULL,
    notes TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_visits_plan ON support_visits(plan_id, visited_on);

CREATE TABLE support_steps (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES support_plans(id),
    step TEXT NOT NULL,
    on_date DATE NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_steps_plan ON support_steps(plan_id, on_date);
