"""The verifier over Iceberg tables written by Spark: data files, manifest bounds, Parquet
statistics, what expiry removes and what a tag keeps reachable."""
from __future__ import annotations

import pytest

from spark_jobs.privacy.verify import verify_subject

SUBJECT = "u_12"
TABLE = "ops.verify_scratch"


@pytest.fixture
def scratch(spark):
    """An empty scratch table, dropped with its files afterwards."""
    def create(properties: str = "") -> str:
        spark.sql(f"CREATE TABLE lake.{TABLE} (id BIGINT, user_id STRING, note STRING) USING iceberg {properties}")
        return TABLE

    yield create
    spark.sql(f"DROP TABLE IF EXISTS lake.{TABLE} PURGE")


def _insert(spark, *users: str) -> None:
    rows = ", ".join(f"({n}, '{user}', 'note {n}')" for n, user in enumerate(users))
    spark.sql(f"INSERT INTO lake.{TABLE} VALUES {rows}")


def _verify(settings, table: str, subject: str = SUBJECT):
    return verify_subject(settings, subject, tables=[table], landing_roots=[])


def _kinds(result) -> set[str]:
    return {o.kind for o in result.occurrences}


def _expire_all_but_current(spark) -> None:
    now = spark.sql("SELECT date_format(current_timestamp() + INTERVAL 1 SECOND, 'yyyy-MM-dd HH:mm:ss.SSS')").first()[0]
    spark.sql(f"CALL lake.system.expire_snapshots(table => '{TABLE}', older_than => TIMESTAMP '{now}', retain_last => 1)")


def test_a_row_is_found_in_its_data_file_and_in_manifest_bounds(spark, settings, scratch):
    table = scratch()
    _insert(spark, SUBJECT, "u_9")
    result = _verify(settings, table)
    assert _kinds(result) == {"data", "manifest"}
    places = {o.where for o in result.occurrences}
    assert "column user_id, row 0" in places
    assert any(p.endswith("data_file.lower_bounds[2]") for p in places)
    assert result.by_kind["metadata"] >= 2 and result.by_kind["manifest_list"] == 1
    assert all(SUBJECT not in o.where for o in result.occurrences)


def test_a_longer_identifier_is_not_the_subject(spark, settings, scratch):
    table = scratch()
    _insert(spark, "u_123", "u_120")
    result = _verify(settings, table)
    assert result.by_kind["data"] >= 1
    assert result.occurrences_found == 0


def test_a_long_identifier_is_found_in_its_truncated_bounds(spark, settings, scratch):
    subject = "customer-0000000000042"   # 22 characters: Iceberg keeps 16 in a bound
    table = scratch()
    _insert(spark, subject)
    manifest_places = {o.where.rsplit(".", 1)[-1] for o in _verify(settings, table, subject).occurrences
                       if o.kind == "manifest"}
    assert manifest_places == {"lower_bounds[2]", "upper_bounds[2]"}


def test_expiry_erases_a_deleted_row_unless_a_tag_keeps_its_snapshot(spark, settings, scratch):
    table = scratch("TBLPROPERTIES ('write.delete.mode'='copy-on-write')")
    _insert(spark, SUBJECT, "u_9")
    spark.sql(f"ALTER TABLE lake.{TABLE} CREATE TAG before_erasure")
    spark.sql(f"DELETE FROM lake.{TABLE} WHERE user_id = '{SUBJECT}'")
    _expire_all_but_current(spark)
    kept = _verify(settings, table)
    assert {"data", "manifest"} <= _kinds(kept)

    spark.sql(f"ALTER TABLE lake.{TABLE} DROP TAG before_erasure")
    _expire_all_but_current(spark)
    expired = _verify(settings, table)
    # The DELETE's own manifest keeps the removed file as a DELETED entry, bounds and all.
    assert _kinds(expired) == {"manifest"}
    assert expired.by_kind["missing"] >= 1          # what older metadata names, expired

    # rewrite_manifests writes live entries only, but skips a table of one manifest.
    _insert(spark, "u_7")
    spark.sql(f"CALL lake.system.rewrite_manifests('{TABLE}')")
    _expire_all_but_current(spark)
    erased = _verify(settings, table)
    assert erased.occurrences_found == 0
    assert erased.by_kind["data"] >= 1              # the rows of u_9, rewritten


def test_metrics_none_keeps_the_value_out_of_the_manifest(spark, settings, scratch):
    table = scratch("TBLPROPERTIES ('write.metadata.metrics.column.user_id'='none')")
    _insert(spark, SUBJECT)
    result = _verify(settings, table)
    assert _kinds(result) == {"data"}
    spark.sql(f"ALTER TABLE lake.{TABLE} UNSET TBLPROPERTIES ('write.metadata.metrics.column.user_id')")
    _insert(spark, SUBJECT)
    assert _kinds(_verify(settings, table)) == {"data", "manifest"}


def test_the_whole_lake_is_searched_by_default(spark, settings, scratch):
    scratch()
    _insert(spark, SUBJECT)
    result = verify_subject(settings, SUBJECT)
    tables = sum(1 for ns in spark.sql("SHOW NAMESPACES IN lake").collect()
                 for _ in spark.sql(f"SHOW TABLES IN lake.{ns[0]}").collect())
    assert result.by_kind["metadata"] >= tables
    assert any("/verify_scratch/data/" in o.object_uri for o in result.occurrences if o.kind == "data")


def test_an_unreadable_manifest_is_an_error_not_a_pass(spark, settings, scratch):
    from spark_jobs.errors import ShoplakeError
    from spark_jobs.storage import local_path

    table = scratch()
    _insert(spark, SUBJECT)
    manifest = next(o.object_uri for o in _verify(settings, table).occurrences if o.kind == "manifest")
    path = local_path(manifest.replace("file:", "file://", 1))
    original = path.read_bytes()
    path.write_bytes(b"not avro")
    try:
        with pytest.raises(ShoplakeError, match="cannot read manifest") as raised:
            _verify(settings, table)
        assert SUBJECT not in str(raised.value)
    finally:
        path.write_bytes(original)     # so the table can be dropped with its files


def test_a_numeric_identifier_is_found_only_in_its_own_column(spark, settings):
    """customer 1001 is found in customer_id (values, footer statistics, manifest bounds),
    never as item 1001 or as a bare number elsewhere (a wide decimal's statistics, which
    pyarrow cannot decode, are passed over)."""
    table = "ops.verify_numeric"
    spark.sql(f"CREATE TABLE lake.{table} (customer_id BIGINT, item_id INT, raw STRING, amount DECIMAL(38, 2)) "
              "USING iceberg")
    try:
        spark.sql(f"""INSERT INTO lake.{table} VALUES (1001, 7, '{{"customer_id": 1001}}', 1001.00),
                      (1002, 1001, '{{"customer_id": 1002, "item_id": 1001}}', 2.50)""")
        found = verify_subject(settings, "1001", tables=[table], landing_roots=[], id_kind="customer_id")
        places = {o.where for o in found.occurrences}
        assert "column customer_id, row 0" in places and "column raw, row 0" in places
        assert any(p.endswith("lower_bounds[1]") for p in places)
        assert not any("row 1" in p for p in places), places
        assert verify_subject(settings, "1001", tables=[table], landing_roots=[]).occurrences_found == 0
    finally:
        spark.sql(f"DROP TABLE IF EXISTS lake.{table} PURGE")
