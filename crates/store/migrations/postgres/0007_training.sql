-- Training programme: sessions, participants, attendance per day, test scores. Keep in lockstep
-- with the other dialect. Modules and trainers are JSON documents keyed by the curriculum's ids.
CREATE TABLE training_sessions (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    venue TEXT NOT NULL,
    organiser_id UUID NOT NULL REFERENCES organisations(id),
    funding TEXT,
    curriculum_version TEXT NOT NULL,
    modules TEXT NOT NULL,
    trainers TEXT NOT NULL,
    min_attendance_percent BIGINT NOT NULL,
    min_post_test_percent BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX training_sessions_start ON training_sessions(starts_on, id);

CREATE TABLE training_participants (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id),
    user_id UUID REFERENCES users(id),
    full_name TEXT NOT NULL,
    rank TEXT,
    unit TEXT,
    office_id UUID REFERENCES offices(id),
    sex TEXT NOT NULL,
    pre_test BIGINT,
    post_test BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX training_participants_session ON training_participants(session_id, full_name);
CREATE INDEX training_participants_user ON training_participants(user_id);

CREATE TABLE training_attendance (
    participant_id UUID NOT NULL REFERENCES training_participants(id),
    day DATE NOT NULL,
    PRIMARY KEY (participant_id, day)
);
