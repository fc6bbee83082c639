"""Applying iceberg_ddl twice is the same as applying it once."""
from spark_jobs.config import NAMESPACES
from spark_jobs.ddl import apply_ddl, ddl_files, declared_properties, table_definitions, table_properties
from spark_jobs.registry import domains


def _state(spark, tables):
    return {t: (spark.table(t).schema.simpleString(),
                spark.sql(f"SELECT count(*) FROM {t}.snapshots").first()[0],
                spark.sql(f"SELECT max(timestamp) FROM {t}.metadata_log_entries").first()[0]) for t in tables}


def test_every_namespace_exists(spark):
    existing = {row[0] for row in spark.sql("SHOW NAMESPACES").collect()}
    assert set(NAMESPACES) <= existing


def test_every_ddl_file_and_every_declared_source_defines_a_table(spark):
    tables = apply_ddl(spark)
    sources = [s.bronze_table for d in domains().values() for s in d.sources]
    assert sorted(tables) == sorted(table_definitions()) and len(tables) == len(ddl_files()) + len(sources)
    for table in tables:
        assert spark.catalog.tableExists(table), table
    assert set(sources) <= set(tables)


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


def test_declared_properties_are_read_from_the_ddl_text():
    sql = "CREATE TABLE t (a INT) USING iceberg TBLPROPERTIES ('format-version' = '2', 'x' = 'y')"
    assert declared_properties(sql) == {"format-version": "2", "x": "y"}
    assert declared_properties("CREATE TABLE t (a INT) USING iceberg") == {}


def test_shared_properties_are_stated_once_and_a_file_adds_or_overrides():
    bare = "CREATE TABLE t (a INT) USING iceberg"
    assert table_properties("gold", bare)["write.wap.enabled"] == "true"
    assert table_properties("silver", bare)["write.merge.mode"] == "merge-on-read"
    own = table_properties("silver", bare + " TBLPROPERTIES ('write.merge.mode' = 'copy-on-write')")
    assert own["write.merge.mode"] == "copy-on-write" and own["format-version"] == "2"
    for path in ddl_files():
        assert "'format-version'" not in path.read_text(), path     # stated once, in table_properties.yml


def test_a_property_changed_in_the_ddl_reaches_an_existing_table(spark):
    """A lake created before a DDL change (here: the old hash distribution of silver.events)
    gets the file's value on the next apply, and its data is left alone."""
    apply_ddl(spark)
    spark.sql("ALTER TABLE silver.events SET TBLPROPERTIES ('write.merge.distribution-mode' = 'hash')")
    snapshots = spark.sql("SELECT count(*) FROM silver.events.snapshots").first()[0]
    apply_ddl(spark)
    props = {r.key: r.value for r in spark.sql("SHOW TBLPROPERTIES silver.events").collect()}
    assert props["write.merge.distribution-mode"] == "none"
    assert spark.sql("SELECT count(*) FROM silver.events.snapshots").first()[0] == snapshots
