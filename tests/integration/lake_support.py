"""Helpers for integration tests that rebuild the session's lake from nothing."""
from __future__ import annotations

from spark_jobs.config import NAMESPACES
from spark_jobs.ddl import apply_ddl


def reset_lake(spark) -> None:
    """Drop every table (data, snapshots, branches and properties) and recreate them empty."""
    for namespace in NAMESPACES:
        for row in spark.sql(f"SHOW TABLES IN {namespace}").collect():
            if not row["isTemporary"]:
                spark.sql(f"DROP TABLE {namespace}.{row['tableName']} PURGE")
    apply_ddl(spark)


def table_rows(frame) -> list[tuple]:
    """A frame's rows as plain tuples in a stable order."""
    return sorted((tuple(r) for r in frame.collect()), key=repr)


def executor_logs(cluster, app_name_prefix: str) -> list[str]:
    """The stderr of every executor the cluster's worker ran for the latest application
    whose name starts with ``app_name_prefix`` (``<work dir>/<app id>/<executor id>/stderr``)."""
    apps = [app for app in cluster.applications() if app["name"].startswith(app_name_prefix)]
    assert apps, f"the master knows no application {app_name_prefix!r}"
    return [path.read_text() for path in (cluster.work_dir / apps[-1]["id"]).glob("*/stderr")]
