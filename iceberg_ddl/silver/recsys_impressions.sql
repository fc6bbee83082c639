-- Every valid impression delivery (one per bronze record), winners and the earlier
-- deliveries they replace alike. The winner of a (dt, ranking_id) is the greatest
-- (ingest_date, source_file, record_number); gold reads winners only. A null or empty
-- impressions array is a valid delivery that removes the ranking's rows.
CREATE TABLE IF NOT EXISTS silver.recsys_impressions (
    dt             DATE      COMMENT 'day the carousel was shown',
    ranking_id     STRING,
    customer_id    BIGINT,
    impressions    ARRAY<STRUCT<item_id: INT, is_order: BOOLEAN>> COMMENT 'in carousel order; may be null or empty',
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT
)
USING iceberg
PARTITIONED BY (dt)
