-- Training input of the carousel transformer (docs/recsys.md): one row per item shown,
-- with the customer's 1000 most recent actions before dt 00:00 UTC inside the lookback
-- (action_ts desc, type desc, item asc), zero-padded. Grain and key: sql/gold/recsys/training_input.yml.
-- Rows are written sorted by (customer_id, ranking_id, position) so the ~10 rows of a
-- carousel, which share one history, sit together and compress to little more than one.
CREATE TABLE IF NOT EXISTS gold.training_input (
    dt              DATE,
    ranking_id      STRING,
    customer_id     BIGINT,
    position        INT        COMMENT '0-based position in the carousel',
    item_id         INT,
    is_order        BOOLEAN,
    history_length  INT        COMMENT 'real actions in the arrays (0..1000); the rest is padding',
    actions         ARRAY<INT> COMMENT 'exactly 1000 item ids, 0 = padding',
    action_types    ARRAY<INT> COMMENT 'exactly 1000 types: 3 order, 2 cart, 1 click, 0 padding'
)
USING iceberg
PARTITIONED BY (dt)
TBLPROPERTIES (
    'write.merge.mode' = 'merge-on-read',
    'write.update.mode' = 'merge-on-read',
    'write.delete.mode' = 'merge-on-read',
    'write.distribution-mode' = 'hash',
    'write.parquet.compression-codec' = 'zstd',
    'write.parquet.compression-level' = '3'
)
