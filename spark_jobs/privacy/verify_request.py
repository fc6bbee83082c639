"""``privacy.verify_request <request_id>``: prove a request's erasure and record the proof.

The verifier (:mod:`spark_jobs.privacy.verify`) reads every object the catalog and the
landing zone can reach and counts occurrences of the request's identifier; the figures
go to the request's row of ``privacy.erasure_log``. Occurrences fail the task with the
objects that hold them (never the identifier).
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_rows import local_frame
from spark_jobs.merge import RowWrite, write_rows
from spark_jobs.privacy.requests import ERASURE_LOG, lookup, utc_now

SHOWN_OCCURRENCES = 10


def record(spark: SparkSession, request_id: str, objects_scanned: int, occurrences: int) -> None:
    """Set the verifier's figures on the request's erasure-log row (made if missing)."""
    schema = spark.table(ERASURE_LOG).schema
    current = spark.table(ERASURE_LOG).where(F.col("request_id") == request_id).collect()
    row = current[0].asDict() if current else {"request_id": request_id, "started_at": utc_now()}
    row |= {"objects_scanned": objects_scanned, "occurrences_found": occurrences, "verified": occurrences == 0,
            "finished_at": row.get("finished_at") or utc_now()}
    frame = local_frame(spark, [tuple(row.get(f.name) for f in schema.fields)], schema)
    write_rows(frame, RowWrite(ERASURE_LOG, ("request_id",), update_all=True))   # a map cannot be compared


def verify_request(spark: SparkSession, settings: Settings, request_id: str):
    """Verify a request, record the result, and fail when any occurrence is left."""
    from spark_jobs.privacy.verify import verify_subject

    request = lookup(spark, settings, request_id)
    found = verify_subject(settings, request.subject, id_kind=request.id_kind)
    record(spark, request_id, found.objects_scanned, found.occurrences_found)
    print(f"verify {request_id}: {found.describe()}", flush=True)
    if found.occurrences_found:
        shown = "; ".join(f"{o.kind} {o.object_uri} ({o.where})" for o in found.occurrences[:SHOWN_OCCURRENCES])
        raise ShoplakeError(f"request {request_id}: {found.occurrences_found} occurrences left: {shown}")
    return found


def run(spark: SparkSession, settings: Settings, ingest_date: date, request_id: str, *args: str) -> None:
    verify_request(spark, settings, request_id)


TAKES_ITS_OWN_LOCKS = True      # reads only; a domain run may go on meanwhile
