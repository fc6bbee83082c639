"""Applying iceberg_ddl twice is the same as applying it once."""
from spark_jobs.config import NAMESPACES
from spark_jobs.ddl import apply_ddl, ddl_files


def _state(spark, tables):
    return {t: (spark.table(t).schema.simpleString(),
                spark.sql(f"SELECT count(*) FROM {t}.snapshots").first()[0],
                spark.sql(f"SELECT max(timestamp) FROM {t}.metadata_log_entries").first()[0]) for t in tables}


def test_every_namespace_exists(spark):
    existing = {row[0] for row in spark.sql("SHOW NAMESPACES").collect()}
    assert set(NAMESPACES) <= existing


def test_every_ddl_file_defines_a_table(spark):
    tables = apply_ddl(spark)
    assert len(tables) == len(ddl_files())
    for table in tables:
        assert spark.catalog.tableExists(table), table


def test_second_apply_changes_no_table(spark):
    tables = apply_ddl(spark)
    before = _state(spark, tables)
    apply_ddl(spark)
    assert _state(spark, tables) == before


def test_tables_are_format_version_2_with_commit_retries(spark):
    for table in apply_ddl(spark):
        props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
        assert props.get("format-version") == "2", table
        assert int(props.get("commit.retry.num-retries", "0")) >= 4, table
