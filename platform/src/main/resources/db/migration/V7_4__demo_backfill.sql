-- The demo's past: the simulated fleet is run over the days before the first start, once. This row
-- says how far that run got, so that a restart carries on from there (or, once finished, never
-- runs it again), whatever became of the simulator's own state file.
CREATE TABLE demo_backfill (
    id           SMALLINT PRIMARY KEY,
    window_from  TIMESTAMP WITH TIME ZONE NOT NULL,
    reached      TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    messages     BIGINT NOT NULL
);
