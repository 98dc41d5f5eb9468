-- Refresh tokens replaced by a rotation, kept (as SHA-256 digests) until they would have expired:
-- one presented again means it leaked, and the whole grant it belonged to is revoked.
CREATE TABLE oauth2_rotated_refresh_token (
    token_hash       VARCHAR(64)  NOT NULL PRIMARY KEY,
    authorization_id VARCHAR(100) NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_rotated_refresh_token_authorization ON oauth2_rotated_refresh_token (authorization_id);
CREATE INDEX ix_rotated_refresh_token_expiry ON oauth2_rotated_refresh_token (expires_at);
