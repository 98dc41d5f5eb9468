-- B2B remote callbacks: a fleet's reusable receivers of remote notifications. The subscription is
-- kept as the fleet owner gave it (what GET shows); the columns are what the delivery needs.
CREATE TABLE fleet_remote_callback (
    id              VARCHAR(36)     PRIMARY KEY,
    fleet_id        VARCHAR(40)     NOT NULL,
    label           VARCHAR(255),
    -- Running or Paused (Failed is never set by the fleet owner).
    status          VARCHAR(10)     NOT NULL,
    -- The accepted RemoteType values, comma separated, each between commas: ',Doors,Horn,'.
    remote_types    VARCHAR(300)    NOT NULL,
    target          VARCHAR(2048)   NOT NULL,
    -- NONE (one attempt) or BOUNDED (1 + retry_number attempts), retry_delay seconds apart.
    retry           VARCHAR(10)     NOT NULL,
    retry_number    INTEGER         NOT NULL,
    retry_delay     INTEGER         NOT NULL,
    batch_size      INTEGER         NOT NULL,
    batch_window    INTEGER         NOT NULL,
    subscribe       VARCHAR(65536)  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX fleet_remote_callback_fleet_idx ON fleet_remote_callback (fleet_id, created_at);

-- Fleet remote actions live in b2c_remote with the B2C ones (one engine, one set of rules and
-- locks): their owner columns hold account_id 0 and client_id 'fleet/<fleet id>', which no (user,
-- app) pair has.

-- Stolen-vehicle declarations: opened by a fleet remote declaring the vehicle stolen (Declared),
-- Tracking once the vehicle confirmed it, Closed when the declaration is withdrawn (or the vehicle
-- refused it). At most one declaration of a vehicle is open: the vehicle's remote lock serialises
-- the requests that open and close them.
CREATE TABLE stolen_declaration (
    id              VARCHAR(36)     PRIMARY KEY,
    vin             VARCHAR(17)     NOT NULL,
    fleet_id        VARCHAR(40)     NOT NULL,
    state           VARCHAR(10)     NOT NULL,
    -- Position report periods in seconds (ignition on, ignition off), as last set.
    running_period  INTEGER,
    shutdown_period INTEGER,
    opened_by       VARCHAR(36)     NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at        TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX stolen_declaration_vin_idx ON stolen_declaration (vin, state);
CREATE INDEX stolen_declaration_fleet_idx ON stolen_declaration (fleet_id, vin, started_at);

-- The positions a vehicle reported while declared stolen.
CREATE TABLE stolen_waypoint (
    declaration_id  VARCHAR(36)     NOT NULL,
    at              TIMESTAMP WITH TIME ZONE NOT NULL,
    longitude       DOUBLE PRECISION NOT NULL,
    latitude        DOUBLE PRECISION NOT NULL,
    altitude        DOUBLE PRECISION,
    heading         INTEGER,
    PRIMARY KEY (declaration_id, at)
);
