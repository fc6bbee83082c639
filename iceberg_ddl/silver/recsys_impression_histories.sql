-- The history each shown customer had on an impression day (docs/recsys.md): written by
-- the recsys.history job for every carousel gold (re)builds, read by gold to fill
-- training_input. Arrays in history order, not padded, at most 1000.
CREATE TABLE IF NOT EXISTS silver.recsys_impression_histories (
    customer_id    BIGINT,
    dt             DATE             COMMENT 'impression day; the history holds actions before dt 00:00 UTC',
    action_ts      ARRAY<TIMESTAMP>,
    action_types   ARRAY<INT>,
    item_ids       ARRAY<INT>
)
USING iceberg
PARTITIONED BY (dt)
