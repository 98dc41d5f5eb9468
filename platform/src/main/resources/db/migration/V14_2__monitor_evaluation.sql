-- What the monitor evaluation keeps between samples. Written by the event log's monitor consumer
-- in the transaction that moves its cursor (and by the once-per-cluster tick job), both holding
-- the monitor's b2c_monitor row lock, so that one writer at a time changes a monitor's edge.

-- A monitor's edge: whether its expression was true, which triggers were, and when it last
-- notified. Written only when it changes; no row is the initial state (nothing true yet).
CREATE TABLE b2c_monitor_edge (
    monitor_id        VARCHAR(36)   PRIMARY KEY,
    satisfied         BOOLEAN       NOT NULL,
    -- the names of the triggers true at the last sample, comma-separated
    true_triggers     VARCHAR(1000) NOT NULL,
    last_notified_at  TIMESTAMP WITH TIME ZONE
);

-- The last known state of each vehicle that has monitors, as the triggers read it: the previous
-- sample of the next message and the state the tick job evaluates time windows and reminders on.
CREATE TABLE b2c_monitor_sample (
    vin          VARCHAR(17)      PRIMARY KEY,
    measured_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    longitude    DOUBLE PRECISION,
    latitude     DOUBLE PRECISION,
    -- the watched data by wire name, a JSON object of string arrays
    data         VARCHAR(100000)  NOT NULL
);

-- ShedLock's table: the tick job runs on one node of the cluster at a time.
CREATE TABLE monitor_job_lock (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    lock_until  TIMESTAMP    NOT NULL,
    locked_at   TIMESTAMP    NOT NULL,
    locked_by   VARCHAR(255) NOT NULL
);

-- The scopes the user had granted the app when it declared or replaced the monitor
-- (space-separated): what the data attached to its notifications is filtered by, as the API would
-- for that app. Null for monitors declared before this column.
ALTER TABLE b2c_monitor ADD COLUMN granted_scopes VARCHAR(1000);
