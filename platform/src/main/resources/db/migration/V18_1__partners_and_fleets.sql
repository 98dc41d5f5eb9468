-- Fleet owners of the B2B API (partners), registered by the operator. A partner authenticates
-- with HTTP Basic (login id and password, the password kept only as a slow hash), names itself
-- with client_id, and presents the client certificate the platform CA signed for its login id.
CREATE TABLE partner (
    id                  VARCHAR(40)   PRIMARY KEY,
    client_id           VARCHAR(100)  NOT NULL UNIQUE,
    login_id            VARCHAR(64)   NOT NULL UNIQUE,
    password_hash       VARCHAR(200)  NOT NULL,
    name                VARCHAR(120)  NOT NULL,
    company             VARCHAR(200)  NOT NULL,
    contact_email       VARCHAR(320)  NOT NULL,
    -- the scopes the fleet contract covers (data and remote), space-separated
    contract            VARCHAR(1000) NOT NULL,
    sla_plan            VARCHAR(40)   NOT NULL REFERENCES sla_plan (code),
    certificate_pem     VARCHAR(8000),
    certificate_serial  VARCHAR(64),
    status              VARCHAR(20)   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A partner's fleets: groups of its vehicles.
CREATE TABLE fleet (
    id          VARCHAR(40)  PRIMARY KEY,
    partner_id  VARCHAR(40)  NOT NULL REFERENCES partner (id),
    name        VARCHAR(120)  NOT NULL,
    description VARCHAR(1000) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_fleet_partner ON fleet (partner_id, created_at);

-- The fleet a vehicle is in now: at most one. The fleet sees the vehicle's data from joined_at on,
-- never what it sent before it joined.
CREATE TABLE fleet_vehicle (
    vin        CHAR(17)    PRIMARY KEY REFERENCES vehicle (vin) ON DELETE CASCADE,
    fleet_id   VARCHAR(40) NOT NULL REFERENCES fleet (id),
    joined_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_fleet_vehicle_fleet ON fleet_vehicle (fleet_id, vin);

-- Memberships that ended: who had the vehicle, and when.
CREATE TABLE fleet_vehicle_past (
    fleet_id   VARCHAR(40) NOT NULL REFERENCES fleet (id),
    vin        CHAR(17)    NOT NULL,
    joined_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    left_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (fleet_id, vin, joined_at)
);
