"""Publication moves main to exactly the snapshot a passing scan tagged: a state written to
audit after the scan stays unpublished, and main that moved elsewhere meanwhile (another
run's publication) or a missing scan fails with one line instead of a Java trace."""
from __future__ import annotations

import pytest

from spark_jobs.quality.wap import (AUDIT, PublishRefused, audit_snapshot_id, fast_forward, forget_scan,
                                    mark_scanned, reset_audit, writing_to_audit)

TABLE = "ops.test_publish_scanned"


@pytest.fixture()
def wap_table(spark):
    spark.sql(f"CREATE TABLE {TABLE} (k INT) USING iceberg "
              "TBLPROPERTIES ('format-version' = '2', 'write.wap.enabled' = 'true')")
    yield TABLE
    spark.sql(f"DROP TABLE {TABLE}")


def write_audit(spark, *keys: int) -> int:
    with writing_to_audit(spark):
        spark.createDataFrame([(k,) for k in keys], "k INT").writeTo(TABLE).append()
    return audit_snapshot_id(spark, TABLE)


def main_keys(spark) -> list[int]:
    return sorted(r.k for r in spark.table(TABLE).collect())


def test_a_state_written_after_the_scan_is_not_published(spark, wap_table):
    reset_audit(spark, [TABLE])
    scanned = write_audit(spark, 1)
    mark_scanned(spark, TABLE, scanned)
    write_audit(spark, 2)                      # another writer, after the scan
    previous, current = fast_forward(spark, TABLE)
    assert (previous, current) == (None, scanned)
    assert main_keys(spark) == [1]


def test_main_moved_past_the_scanned_state_fails_with_one_line(spark, wap_table):
    reset_audit(spark, [TABLE])
    mark_scanned(spark, TABLE, write_audit(spark, 1))
    fast_forward(spark, TABLE)
    stale = write_audit(spark, 2)              # this run's audit state, scanned...
    mark_scanned(spark, TABLE, stale)
    spark.sql(f"ALTER TABLE {TABLE} CREATE OR REPLACE BRANCH other")
    spark.createDataFrame([(3,)], "k INT").writeTo(f"{TABLE}.branch_other").append()
    spark.sql(f"CALL lake.system.fast_forward('{TABLE}', 'main', 'other')")   # ...another run published first
    with pytest.raises(PublishRefused) as refused:
        fast_forward(spark, TABLE)
    assert str(refused.value).startswith(f"cannot publish {TABLE}: main moved past the scanned snapshot")
    assert "\n" not in str(refused.value) and main_keys(spark) == [1, 3]


def test_without_a_passing_scan_nothing_is_published(spark, wap_table):
    reset_audit(spark, [TABLE])
    write_audit(spark, 1)
    forget_scan(spark, TABLE)
    with pytest.raises(PublishRefused, match="has no state passed by quality.scan"):
        fast_forward(spark, TABLE)
    assert spark.sql(f"SELECT count(*) FROM {TABLE}.refs WHERE name = 'main'").first()[0] == 0
    assert AUDIT in {r.name for r in spark.sql(f"SELECT name FROM {TABLE}.refs").collect()}
