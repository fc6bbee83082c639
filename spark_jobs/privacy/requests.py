"""The request register and the suppression list (``privacy.*`` Iceberg tables).

A request names one subject by ``id_kind`` (``user_id`` or ``customer_id``) and is known
everywhere else by its ``request_id`` only: the DAG's run conf, task logs and the erasure
log carry the id, the identifier stays encrypted in ``privacy.erasure_requests``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_rows import local_frame
from spark_jobs.merge import RowWrite, write_rows
from spark_jobs.privacy.keys import privacy_keys

REQUESTS, SUPPRESSED = "privacy.erasure_requests", "privacy.suppressed_subjects"
ERASURE_LOG = "privacy.erasure_log"
ID_KINDS = ("user_id", "customer_id")


@dataclass(frozen=True)
class Request:
    """An erasure request with its identifier decrypted (never print ``subject``)."""

    request_id: str
    id_kind: str
    subject: str
    subject_hash: str

    def __repr__(self) -> str:      # a request in a log or a trace shows no identifier
        return f"Request({self.request_id!r}, {self.id_kind})"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def register(spark: SparkSession, settings: Settings, request_id: str, id_kind: str, subject: str) -> Request:
    """Record a request (idempotent: the same id for the same subject is one request;
    the same id for another subject is refused)."""
    if id_kind not in ID_KINDS:
        raise ShoplakeError(f"unknown id kind {id_kind!r}; one of {', '.join(ID_KINDS)}")
    subject = subject.strip()
    if re.fullmatch(r"[+-]?\d+", subject):     # silver reads numeric ids as integers
        subject = str(int(subject))
    if not subject or not request_id.strip():
        raise ShoplakeError("an erasure request needs a request id and a non-empty identifier")
    keys = privacy_keys(settings)
    request = Request(request_id, id_kind, subject, keys.subject_hash(subject))
    known = spark.table(REQUESTS).where(F.col("request_id") == request_id).collect()
    if known:
        if (known[0].id_kind, known[0].subject_hash) != (id_kind, request.subject_hash):
            raise ShoplakeError(f"request {request_id} is already registered for another subject")
        return request
    row = [(request_id, id_kind, keys.encrypt(subject), request.subject_hash, utc_now())]
    write_rows(local_frame(spark, row, spark.table(REQUESTS).schema), RowWrite(REQUESTS, ("request_id",)))
    return request


def lookup(spark: SparkSession, settings: Settings, request_id: str) -> Request:
    """The registered request, its identifier decrypted with the lake's key."""
    rows = spark.table(REQUESTS).where(F.col("request_id") == request_id).collect()
    if not rows:
        raise ShoplakeError(f"no erasure request {request_id!r}: register it with shoplake erase")
    row = rows[0]
    return Request(request_id, row.id_kind, privacy_keys(settings).decrypt(row.subject_token), row.subject_hash)


def suppress(spark: SparkSession, request: Request) -> None:
    """Add the subject's salted hash to the suppression list (once)."""
    row = [(request.id_kind, request.subject_hash, request.request_id, utc_now())]
    write_rows(local_frame(spark, row, spark.table(SUPPRESSED).schema),
               RowWrite(SUPPRESSED, ("id_kind", "subject_hash"), compare=("id_kind",)))


def suppressed_hashes(spark: SparkSession) -> dict[str, set[str]]:
    """id_kind → salted hashes of erased subjects."""
    found: dict[str, set[str]] = {}
    for row in spark.table(SUPPRESSED).select("id_kind", "subject_hash").collect():
        found.setdefault(row.id_kind, set()).add(row.subject_hash)
    return found
