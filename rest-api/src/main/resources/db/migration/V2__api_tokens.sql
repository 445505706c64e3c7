-- Tokens the admin handed out; only a SHA-256 of each is kept.
CREATE TABLE api_token (
    name        VARCHAR(128)             PRIMARY KEY,
    token_hash  VARCHAR(64)              NOT NULL UNIQUE,
    scopes      VARCHAR(512)             NOT NULL, -- comma-separated: events:write,alerts:read
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
