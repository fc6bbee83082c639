"""`shoplake sql` without --write: statements that write, configure, read files or call
Java are refused before Spark runs them; read queries of the lake's tables pass."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spark_jobs import read_only
from spark_jobs.errors import ShoplakeError
from spark_jobs.query import WRITE_WARNING, run_query

TABLE = "gold.daily_active_users"

WRITES = {
    f"DROP TABLE {TABLE} PURGE": "DropTable",
    f"INSERT INTO {TABLE} SELECT * FROM {TABLE}": "InsertIntoStatement",
    f"WITH s AS (SELECT * FROM {TABLE}) INSERT INTO {TABLE} SELECT * FROM s": "InsertIntoStatement",
    f"MERGE INTO {TABLE} t USING {TABLE} s ON t.event_date = s.event_date WHEN MATCHED THEN DELETE": "MergeIntoTable",
    f"DELETE FROM {TABLE} WHERE true": "DeleteFromTable",
    f"ALTER TABLE {TABLE} ADD COLUMN intruder INT": "AddColumns",
    f"CALL lake.system.fast_forward('{TABLE}', 'main', 'audit')": "CallStatement",
    "CREATE TABLE gold.intruder (a INT)": "CreateTable",
    "SET spark.sql.catalog.lake.uri=jdbc:sqlite:/tmp/other.db": "SetCommand",
}


@pytest.mark.parametrize("statement", WRITES)
def test_a_statement_that_writes_is_refused_and_changes_nothing(spark, statement):
    columns = spark.table(TABLE).columns
    with pytest.raises(ShoplakeError, match=f"refused: {WRITES[statement]} is not a read query"):
        read_only.read_frame(spark, statement)
    assert spark.table(TABLE).columns == columns
    assert not spark.catalog.tableExists("gold.intruder")


def test_files_and_java_are_out_of_reach(spark, tmp_path):
    pq.write_table(pa.table({"secret": ["s3cr3t"]}), tmp_path / "local.parquet")
    with pytest.raises(ShoplakeError, match="reads LogicalRelation, not a lake table"):
        read_only.read_frame(spark, f"SELECT * FROM parquet.`{tmp_path / 'local.parquet'}`")
    with pytest.raises(ShoplakeError, match="reflect"):
        read_only.read_frame(spark, f"SELECT * FROM {TABLE} WHERE event_date IN "
                                    "(SELECT java_method('java.lang.System', 'getenv', 'HOME'))")


@pytest.mark.parametrize("statement", [
    f"SELECT count(*) FROM {TABLE}",
    f"WITH d AS (SELECT * FROM {TABLE}) SELECT a.* FROM d a JOIN d b USING (event_date) WHERE a.event_date IN "
    f"(SELECT max(event_date) FROM {TABLE})",
    f"SELECT snapshot_id FROM {TABLE}.snapshots",
    "SELECT id FROM range(3)",
    "SHOW TABLES IN gold",
    f"DESCRIBE {TABLE}",
])
def test_read_queries_pass(spark, statement):
    assert read_only.read_frame(spark, statement).collect() is not None


def test_write_runs_a_maintenance_statement_after_a_warning(spark, settings, capsys):
    shuffle = spark.conf.get("spark.sql.shuffle.partitions")
    run_query(settings, f"SET spark.sql.shuffle.partitions={shuffle}", "table", None, write=True)
    assert capsys.readouterr().err.strip() == WRITE_WARNING
