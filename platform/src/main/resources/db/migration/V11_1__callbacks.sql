-- B2C callbacks: reusable notification channels, each owned by one (user, app) pair.
CREATE TABLE b2c_callback (
    id           VARCHAR(36)     PRIMARY KEY,
    account_id   BIGINT          NOT NULL,
    client_id    VARCHAR(100)    NOT NULL,
    -- Absent when the app gave none: answers then leave it out.
    label        VARCHAR(255),
    -- 'Monitor', 'Remote' or 'Monitor,Remote'; absent when the app gave none (then both apply).
    types        VARCHAR(20),
    channel      VARCHAR(10)     NOT NULL,
    webhook_name VARCHAR(255),
    target       VARCHAR(2048),
    -- The attributes as the JSON array of {type, key, value} the API shows.
    attributes   VARCHAR(1000000) NOT NULL,
    status       VARCHAR(10)     NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX b2c_callback_owner_idx ON b2c_callback (account_id, client_id, created_at);

-- The push devices of push-notification callbacks, in the app's order; the push service removes
-- the ones it reports as unregistered.
CREATE TABLE b2c_callback_device (
    callback_id VARCHAR(36)   NOT NULL REFERENCES b2c_callback (id) ON DELETE CASCADE,
    position    INTEGER       NOT NULL,
    token       VARCHAR(1024) NOT NULL,
    PRIMARY KEY (callback_id, position)
);

-- One row per (user, app) that ever created a callback, locked while one is created so that the
-- per-pair cap holds when several nodes create at once.
CREATE TABLE b2c_callback_owner (
    account_id BIGINT       NOT NULL,
    client_id  VARCHAR(100) NOT NULL,
    PRIMARY KEY (account_id, client_id)
);
