-- B2C remote actions: one row per request, owned by one (user, app) pair and notifying through one
-- of the pair's callbacks. The row is the action's current state; every status it went through is
-- in b2c_remote_transition. Nothing about an action is kept in a node's memory: any node may take
-- the vehicle's answer, the wake-up or the time-out.
CREATE TABLE b2c_remote (
    id              VARCHAR(36)     PRIMARY KEY,
    account_id      BIGINT          NOT NULL,
    client_id       VARCHAR(100)    NOT NULL,
    vehicle_id      VARCHAR(64)     NOT NULL,
    vin             VARCHAR(17)     NOT NULL,
    callback_id     VARCHAR(36)     NOT NULL,
    -- The action as the vehicle protocol names it (door, horn, lights, charging, preconditioning,
    -- wakeUp, navigation).
    action          VARCHAR(20)     NOT NULL,
    -- The Remote body as the app gave it (validated, no undeclared member): what GET shows.
    body            VARCHAR(65536)  NOT NULL,
    -- The API's RemoteActionStatus, and the failure cause and feedback of a Done one.
    status          VARCHAR(30)     NOT NULL,
    done            BOOLEAN         NOT NULL,
    failure_cause   VARCHAR(40),
    feedback_detail VARCHAR(20),
    -- Whether the vehicle acknowledged the command (any commandProgress): an unacknowledged one is
    -- sent again, with the same id.
    acknowledged    BOOLEAN         NOT NULL,
    sent_at         TIMESTAMP WITH TIME ZONE,
    -- When the action fails with VehicleConnectionTimeout if the vehicle has not finished it.
    deadline_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    version         BIGINT          NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX b2c_remote_owner_idx ON b2c_remote (account_id, client_id, vehicle_id, callback_id, created_at);
CREATE INDEX b2c_remote_vin_idx ON b2c_remote (vin, done, action);
CREATE INDEX b2c_remote_vin_created_idx ON b2c_remote (vin, created_at);
CREATE INDEX b2c_remote_deadline_idx ON b2c_remote (done, deadline_at);

CREATE TABLE b2c_remote_transition (
    remote_id       VARCHAR(36)     NOT NULL,
    seq             INTEGER         NOT NULL,
    status          VARCHAR(30)     NOT NULL,
    failure_cause   VARCHAR(40),
    feedback_detail VARCHAR(20),
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (remote_id, seq)
);

-- What the platform knows of a vehicle's link: when it last heard from it, and whether its last
-- word was that it falls asleep. Its row is also the lock that serialises the remote requests of
-- one vehicle (same action in progress, requests in a short time, wake-up budget).
CREATE TABLE b2c_remote_vehicle (
    vin             VARCHAR(17)     PRIMARY KEY,
    last_contact_at TIMESTAMP WITH TIME ZONE,
    asleep          BOOLEAN         NOT NULL
);

-- The wake-ups sent, counted against a vehicle's monthly budget.
CREATE TABLE b2c_remote_wake_up (
    vin             VARCHAR(17)     NOT NULL,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    remote_id       VARCHAR(36)     NOT NULL,
    PRIMARY KEY (vin, at, remote_id)
);
