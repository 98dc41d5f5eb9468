-- B2C monitors: event patterns over one vehicle's data, each owned by one (user, app) pair and
-- notifying through one of the pair's callbacks (deleted with it, by the monitors' own module).
CREATE TABLE b2c_monitor (
    id          VARCHAR(36)      PRIMARY KEY,
    account_id  BIGINT           NOT NULL,
    client_id   VARCHAR(100)     NOT NULL,
    -- The vehicle as the API names it, and its VIN for the evaluation of its data.
    vehicle_id  VARCHAR(64)      NOT NULL,
    vin         VARCHAR(17)      NOT NULL,
    callback_id VARCHAR(36)      NOT NULL,
    -- The MonitorParameter as the app gave it (validated, no undeclared member): what GET shows.
    definition  VARCHAR(100000)  NOT NULL,
    status      VARCHAR(10)      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX b2c_monitor_owner_idx ON b2c_monitor (account_id, client_id, vehicle_id, callback_id, created_at);
CREATE INDEX b2c_monitor_callback_idx ON b2c_monitor (callback_id);
CREATE INDEX b2c_monitor_vin_idx ON b2c_monitor (vin);
