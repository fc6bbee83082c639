-- Which carousels (dt, ranking_id) an ingest date delivered, re-delivered or withdrew
-- (the slice before and after the run alike): gold rebuilds exactly these, plus the
-- carousels whose customer's history changed.
CREATE TABLE IF NOT EXISTS silver.recsys_impression_changes (
    ingest_date    DATE,
    dt             DATE,
    ranking_id     STRING
)
USING iceberg
PARTITIONED BY (ingest_date)
