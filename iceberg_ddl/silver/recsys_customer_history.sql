-- Incremental action history (docs/recsys.md, "Incremental history"): one row per
-- customer, the first 1000 of their actions dated <= as_of_date in history order
-- (action_ts desc, type desc, item asc) inside the lookback of the day after, as three
-- parallel arrays. Table property shoplake.folded-through = the day through which every
-- action is folded in. A day's actions are put in front of the row and cut; late or
-- re-delivered actions rebuild their customer's row from silver.recsys_actions.
CREATE TABLE IF NOT EXISTS silver.recsys_customer_history (
    customer_id    BIGINT,
    as_of_date     DATE             COMMENT 'date of the newest action folded into the row',
    action_ts      ARRAY<TIMESTAMP> COMMENT 'at most 1000, newest first',
    action_types   ARRAY<INT>       COMMENT 'same order: 3 order, 2 cart, 1 click',
    item_ids       ARRAY<INT>       COMMENT 'same order'
)
USING iceberg
TBLPROPERTIES (
    'write.parquet.compression-level' = '1'
)
