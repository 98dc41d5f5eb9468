-- Rate limits of the B2C API, shared by every node. Nodes lease blocks of calls from these
-- counters in short transactions serialized per app (row lock on rate_limit_state), and count
-- the calls of a lease locally.

-- One row per app (by client id): the running total of the day window and the current second's
-- burst count.
CREATE TABLE rate_limit_state (
    client_id        VARCHAR(100) PRIMARY KEY,
    day_used         BIGINT NOT NULL,  -- calls (and leased, not yet given back calls) in rate_limit_slot
    expired_through  BIGINT NOT NULL,  -- slots up to this epoch second have left the window and are deleted
    burst_second     BIGINT NOT NULL,  -- the epoch second burst_used counts
    burst_used       BIGINT NOT NULL
);

-- The day window: calls per app and epoch second. A slot leaves the window 86 400 seconds later.
CREATE TABLE rate_limit_slot (
    client_id  VARCHAR(100) NOT NULL,
    slot       BIGINT       NOT NULL,
    calls      BIGINT       NOT NULL,
    PRIMARY KEY (client_id, slot)
);

-- The nodes that served an app recently, to share what is left between them.
CREATE TABLE rate_limit_node (
    client_id    VARCHAR(100) NOT NULL,
    node_id      VARCHAR(40)  NOT NULL,
    last_second  BIGINT       NOT NULL,
    PRIMARY KEY (client_id, node_id)
);
