-- Trips, cut from ignition cycles. "acc" holds a trip's running aggregates (JSON), so that a sample
-- arriving in order updates its trip with one statement; a late message rebuilds the trips around
-- it from the message log. "version" lets a writer detect that another node changed the trip.
CREATE TABLE trip (
    id           VARCHAR(40)  PRIMARY KEY,
    vin          VARCHAR(17)  NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    start_msg_id VARCHAR(64)  NOT NULL,
    last_at      TIMESTAMP WITH TIME ZONE NOT NULL,  -- the latest sample folded in
    last_msg_id  VARCHAR(64)  NOT NULL,
    stopped_at   TIMESTAMP WITH TIME ZONE,
    stop_msg_id  VARCHAR(64),
    done         BOOLEAN      NOT NULL,
    end_reason   VARCHAR(10),                        -- Stop, Off (ignition seen off), Next (a newer trip started)
    distance_km  DOUBLE PRECISION NOT NULL,
    duration_s   BIGINT       NOT NULL,
    faults       VARCHAR(200) NOT NULL,
    acc          VARCHAR(100000) NOT NULL,
    version      BIGINT       NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_trip_vin_start ON trip (vin, started_at);
CREATE INDEX ix_trip_last ON trip (last_at);

-- One row per vehicle that has trips. Opening a trip and rebuilding trips lock it (by updating
-- it), so that no two nodes change a vehicle's sequence of trips at once. A failed trip update
-- leaves the point from which its trips must be rebuilt.
CREATE TABLE trip_vehicle (
    vin            VARCHAR(17) PRIMARY KEY,
    version        BIGINT      NOT NULL,
    repair_from_at TIMESTAMP WITH TIME ZONE,
    repair_from_id VARCHAR(64)
);
CREATE INDEX ix_trip_vehicle_repair ON trip_vehicle (repair_from_at);
