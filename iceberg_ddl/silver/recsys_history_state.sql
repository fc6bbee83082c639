-- Incremental action history (docs/recsys.md, "Incremental history"): for a customer and
-- a day D on which they acted, the first 1000 of all their actions dated <= D in history
-- order (action_ts desc, type desc, item asc). The history of an impression on dt is the
-- latest row with as_of_date < dt, keeping actions inside the lookback. A day's row is
-- the previous row plus that day's actions, capped; late actions rewrite the rows from
-- their date on, for their customer only.
CREATE TABLE IF NOT EXISTS silver.recsys_history_state (
    customer_id    BIGINT,
    as_of_date     DATE      COMMENT 'last action date included; valid for impressions on as_of_date + 1 onwards',
    actions        ARRAY<STRUCT<ts: TIMESTAMP, type: INT, item: INT>> COMMENT 'at most 1000, history order'
)
USING iceberg
PARTITIONED BY (months(as_of_date))
TBLPROPERTIES (
    'format-version' = '2',
    'write.merge.mode' = 'merge-on-read',
    'write.update.mode' = 'merge-on-read',
    'write.delete.mode' = 'merge-on-read',
    'write.parquet.compression-codec' = 'zstd',
    'commit.retry.num-retries' = '10',
    'commit.retry.min-wait-ms' = '200'
)
