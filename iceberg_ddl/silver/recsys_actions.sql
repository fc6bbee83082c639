-- Every valid customer action of the recsys domain (clicks, add-to-carts, orders), one row
-- per bronze record: duplicates are kept on purpose (repeats carry signal). Ordered for
-- history by (action_ts desc, action_type desc, item_id asc). Key: (source, ingest_date,
-- source_file, record_number); each ingest date's slice mirrors its bronze records.
CREATE TABLE IF NOT EXISTS silver.recsys_actions (
    customer_id    BIGINT,
    action_ts      TIMESTAMP COMMENT 'UTC; the source time, else the record date at 00:00',
    action_type    INT       COMMENT '1 = click, 2 = add-to-cart, 3 = order',
    item_id        INT       COMMENT 'item_id of a click, config_id of a cart or order',
    action_date    DATE      COMMENT 'UTC date of action_ts',
    source         STRING    COMMENT 'clicks, add_to_carts or previous_orders',
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT
)
USING iceberg
PARTITIONED BY (action_date)
