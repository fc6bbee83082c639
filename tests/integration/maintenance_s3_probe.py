"""Maintenance of one table on a MinIO lake, run as a subprocess by test_maintenance_s3.py.

Writes a small history (six appends to one partition, a merge-on-read delete), plants a
file no snapshot references, runs ``maintain_table`` with no retention, then removes
orphans with a bound in the future; prints what it saw as one JSON line.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from spark_jobs.config import load_settings
from spark_jobs.maintenance import maintain_table, remove_orphan_files
from spark_jobs.session import get_spark
from spark_jobs.storage import s3_client, write_bytes
from spark_jobs.table_figures import load_table

TABLE = "silver.maintenance_probe"


def exists(settings, uri: str) -> bool:
    bucket, _, key = uri.split("://", 1)[1].partition("/")
    found = s3_client(settings).list_objects_v2(Bucket=bucket, Prefix=key)
    return found.get("KeyCount", 0) > 0


def main() -> None:
    settings = load_settings()
    spark = get_spark("maintenance s3 probe", settings)
    spark.sql("CREATE NAMESPACE IF NOT EXISTS silver")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INT, part INT) USING iceberg PARTITIONED BY (part) "
              "TBLPROPERTIES ('format-version' = '2', 'write.delete.mode' = 'merge-on-read')")
    for n in range(6):
        spark.sql(f"INSERT INTO {TABLE} VALUES ({2 * n}, 1), ({2 * n + 1}, 1)")
    spark.sql(f"DELETE FROM {TABLE} WHERE id % 3 = 0")
    rows = sorted(tuple(r) for r in spark.table(TABLE).collect())
    orphan = load_table(spark, TABLE).location().rstrip("/") + "/data/left-by-a-killed-write.parquet"
    write_bytes(settings, orphan, b"not referenced")

    report = maintain_table(spark, TABLE, timedelta(0))
    young_orphan_kept = exists(settings, orphan)
    removed = remove_orphan_files(spark, TABLE, datetime.now(timezone.utc) + timedelta(minutes=1))
    print(json.dumps({
        "rows_same": sorted(tuple(r) for r in spark.table(TABLE).collect()) == rows,
        "before": report.before.__dict__, "after": report.after.__dict__,
        "expired": report.snapshots_expired, "orphans_in_maintenance": report.orphans_removed,
        "young_orphan_kept": young_orphan_kept, "removed_later": removed, "orphan_gone": not exists(settings, orphan),
    }))


if __name__ == "__main__":
    main()
