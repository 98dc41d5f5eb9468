-- Service level agreements: a day limit over a sliding 24 h window and a burst limit per second.
CREATE TABLE sla_plan (
    code        VARCHAR(40)  PRIMARY KEY,
    label       VARCHAR(100) NOT NULL,
    day_limit   BIGINT       NOT NULL,
    burst_limit INTEGER      NOT NULL
);
INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES ('sandbox', 'Sandbox', 1000, 5);
INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES ('standard', 'Standard', 100000, 20);
INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES ('premium', 'Premium', 5000000, 200);
INSERT INTO sla_plan (code, label, day_limit, burst_limit) VALUES ('unlimited', 'Unlimited (operator use)', 1000000000000, 1000000);

-- Third-party apps registered by the operator. The secret is kept only as a slow hash.
CREATE TABLE app (
    id                  VARCHAR(40)   PRIMARY KEY,
    client_id           VARCHAR(100)  NOT NULL UNIQUE,
    client_secret_hash  VARCHAR(200)  NOT NULL,
    login_id            VARCHAR(64)   NOT NULL UNIQUE,
    name                VARCHAR(120)  NOT NULL,
    concept             VARCHAR(2000) NOT NULL,
    company             VARCHAR(200)  NOT NULL,
    contact_email       VARCHAR(320)  NOT NULL,
    requests_per_month  BIGINT        NOT NULL,
    scopes              VARCHAR(1000) NOT NULL,
    redirect_uris       VARCHAR(4000) NOT NULL,
    sla_plan            VARCHAR(40)   NOT NULL REFERENCES sla_plan (code),
    certificate_pem     VARCHAR(8000),
    certificate_serial  VARCHAR(64),
    status              VARCHAR(20)   NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Keys the platform creates once and every node shares: the app CA and the token signing key.
CREATE TABLE platform_key (
    name            VARCHAR(40)   PRIMARY KEY,
    private_key_pem VARCHAR(8000) NOT NULL,
    certificate_pem VARCHAR(8000),
    key_id          VARCHAR(64)   NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The OAuth2 authorization server's own store (authorizations, tokens, consents), with types
-- that both H2 and PostgreSQL accept.
CREATE TABLE oauth2_authorization (
    id                            VARCHAR(100) NOT NULL PRIMARY KEY,
    registered_client_id          VARCHAR(100) NOT NULL,
    principal_name                VARCHAR(200) NOT NULL,
    authorization_grant_type      VARCHAR(100) NOT NULL,
    authorized_scopes             VARCHAR(1000) DEFAULT NULL,
    attributes                    TEXT DEFAULT NULL,
    state                         VARCHAR(500) DEFAULT NULL,
    authorization_code_value      TEXT DEFAULT NULL,
    authorization_code_issued_at  TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    authorization_code_expires_at TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    authorization_code_metadata   TEXT DEFAULT NULL,
    access_token_value            TEXT DEFAULT NULL,
    access_token_issued_at        TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    access_token_expires_at       TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    access_token_metadata         TEXT DEFAULT NULL,
    access_token_type             VARCHAR(100) DEFAULT NULL,
    access_token_scopes           VARCHAR(1000) DEFAULT NULL,
    oidc_id_token_value           TEXT DEFAULT NULL,
    oidc_id_token_issued_at       TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    oidc_id_token_expires_at      TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    oidc_id_token_metadata        TEXT DEFAULT NULL,
    refresh_token_value           TEXT DEFAULT NULL,
    refresh_token_issued_at       TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    refresh_token_expires_at      TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    refresh_token_metadata        TEXT DEFAULT NULL,
    user_code_value               TEXT DEFAULT NULL,
    user_code_issued_at           TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    user_code_expires_at          TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    user_code_metadata            TEXT DEFAULT NULL,
    device_code_value             TEXT DEFAULT NULL,
    device_code_issued_at         TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    device_code_expires_at        TIMESTAMP WITH TIME ZONE DEFAULT NULL,
    device_code_metadata          TEXT DEFAULT NULL
);
CREATE INDEX ix_oauth2_authorization_principal ON oauth2_authorization (principal_name, registered_client_id);

CREATE TABLE oauth2_authorization_consent (
    registered_client_id VARCHAR(100)  NOT NULL,
    principal_name       VARCHAR(200)  NOT NULL,
    authorities          VARCHAR(1000) NOT NULL,
    PRIMARY KEY (registered_client_id, principal_name)
);

-- Failed logins per account, shared by every node, so that guessing passwords gets slow everywhere.
CREATE TABLE login_throttle (
    throttle_key  VARCHAR(400) PRIMARY KEY,
    failures      INTEGER NOT NULL,
    window_start  TIMESTAMP WITH TIME ZONE NOT NULL,
    locked_until  TIMESTAMP WITH TIME ZONE
);

-- A vehicle's activation code, given to its owner with the car: proves possession when linking it.
ALTER TABLE vehicle ADD COLUMN activation_code_hash VARCHAR(200);
