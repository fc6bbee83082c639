"""
### maintenance_daily
Keeps every Iceberg table of the lake small and bounded, once a day at 03:00 UTC:

- **compaction** where it pays: a partition with 5 or more small data files, or delete
  files left by merge-on-read MERGEs (`rewrite_data_files`, then
  `rewrite_position_delete_files`); rows never change;
- **snapshot expiry**: snapshots older than `SHOPLAKE_SNAPSHOT_RETENTION_DAYS` (default 7)
  are expired on every branch and the files only they held deleted; time travel to any
  moment of the last 7 days keeps working;
- **orphan removal**: files no snapshot references (a killed write's), older than a day.

The task holds every domain's lock for the whole run, so it never races a domain run: it
waits up to `SHOPLAKE_LOCK_WAIT_SECONDS` (default 600) for a running one, then fails into
its retries. The task log prints, per table, snapshots, data files, delete files and size
before → after, and a total line. Same as `shoplake maintain`. Spark runs through
`spark_default`.
"""
from shoplake_airflow import maintenance_dag

dag = maintenance_dag(doc_md=__doc__)
