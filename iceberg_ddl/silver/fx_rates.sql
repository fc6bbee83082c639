-- Reference exchange rates to USD, loaded from reference/fx_rates.csv in the project (static,
-- versioned). Silver converts money with the rows of the newest version.
CREATE TABLE IF NOT EXISTS silver.fx_rates (
    currency     STRING NOT NULL,
    rate_to_usd  DECIMAL(18,6) NOT NULL  COMMENT 'USD per one unit of currency',
    version      STRING NOT NULL         COMMENT 'version of the reference file rows, e.g. 2026-01'
)
USING iceberg
