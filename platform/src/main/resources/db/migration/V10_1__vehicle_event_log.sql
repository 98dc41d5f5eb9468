-- The vehicle event log: what the ingest chain derived from each stored message, appended in the
-- transaction that stored it, read by consumers (trips, notifications) off the acknowledgement path.
--
-- A VIN hashes into one partition, so one vehicle's events stay in order. A position is taken from
-- the partition's head row at the end of the appending transaction (UPDATE ... SET head = head + k),
-- whose row lock is held until the commit: positions are gapless and become visible in order,
-- which a sequence or identity column would not guarantee (a reader could see 11 while 10 is still
-- being written, and skip 10 for good). The partition rows themselves are created at startup, as
-- many as configured.
CREATE TABLE event_partition (
    part  INTEGER PRIMARY KEY,
    head  BIGINT  NOT NULL
);

CREATE TABLE vehicle_event (
    part         INTEGER     NOT NULL,
    pos          BIGINT      NOT NULL,
    vin          CHAR(17)    NOT NULL,
    msg_id       VARCHAR(64) NOT NULL,
    type         VARCHAR(40) NOT NULL,
    measured_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    appended_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    payload      TEXT        NOT NULL,
    PRIMARY KEY (part, pos)
);
CREATE INDEX ix_vehicle_event_appended ON vehicle_event (appended_at);

-- How far each consumer got in each partition. A dispatcher takes a row with
-- SELECT ... FOR UPDATE SKIP LOCKED for the length of one batch: the nodes share the partitions,
-- and a dead node's lock goes with its connection.
CREATE TABLE event_cursor (
    consumer    VARCHAR(100) NOT NULL,
    part        INTEGER      NOT NULL,
    pos         BIGINT       NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (consumer, part)
);

-- Cluster-wide periodic jobs of the log: the node that locks the row (SKIP LOCKED) and finds it due runs it.
CREATE TABLE event_log_job (
    name      VARCHAR(40) PRIMARY KEY,
    last_run  TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO event_log_job (name, last_run) VALUES ('retention', TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00');
