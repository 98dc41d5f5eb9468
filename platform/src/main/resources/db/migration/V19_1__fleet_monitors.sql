-- Fleet monitors of the B2B API: one monitor watches every vehicle the fleet holds now (those that
-- join later from when they join) and notifies through its own webhook.
CREATE TABLE fleet_monitor (
    id          VARCHAR(36)      PRIMARY KEY,
    fleet_id    VARCHAR(40)      NOT NULL REFERENCES fleet (id),
    -- The MonitorParameter as the partner gave it (validated, no undeclared member): what GET shows,
    -- and where the delivery engine reads the webhook, retry policy and batch settings.
    definition  VARCHAR(100000)  NOT NULL,
    status      VARCHAR(10)      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX fleet_monitor_fleet_idx ON fleet_monitor (fleet_id, created_at);

-- The edge state of a fleet monitor for one vehicle of the fleet: whether its expression held at
-- the vehicle's last sample, which triggers were true, when it last notified for that vehicle.
CREATE TABLE fleet_monitor_edge (
    monitor_id        VARCHAR(36)   NOT NULL,
    vin               VARCHAR(17)   NOT NULL,
    satisfied         BOOLEAN       NOT NULL,
    true_triggers     VARCHAR(1000) NOT NULL,
    last_notified_at  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (monitor_id, vin)
);
CREATE INDEX fleet_monitor_edge_vin_idx ON fleet_monitor_edge (vin);
