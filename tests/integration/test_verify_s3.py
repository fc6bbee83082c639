"""The verifier on MinIO: landing objects and a table's files read over S3."""
from __future__ import annotations

import gzip
import json

import pyarrow as pa
import pytest

from spark_jobs.config import load_settings
from spark_jobs.privacy.verify import verify_subject
from spark_jobs.storage import write_bytes

pytestmark = pytest.mark.integration
SUBJECT = "u_12"


def test_objects_on_s3_are_listed_read_and_searched(minio_env, tmp_path):
    from spark_jobs.catalog import load_catalog

    # A catalog of its own: the table is written by PyIceberg, not by the session's Spark.
    settings = load_settings(minio_env).with_overrides(catalog_uri=f"jdbc:sqlite:{tmp_path / 'verify.db'}")
    day = "s3://landing/verify/events/ingest_date=2026-01-01"
    write_bytes(settings, f"{day}/a.ndjson", (json.dumps({"user_id": SUBJECT}) + "\n").encode())
    write_bytes(settings, f"{day}/b.ndjson.gz", gzip.compress(json.dumps({"user_id": "u_123"}).encode()))
    catalog = load_catalog(settings)
    catalog.create_namespace("ops")
    rows = pa.table({"user_id": [SUBJECT, "u_9"]})
    catalog.create_table("ops.verify_s3", schema=rows.schema).append(rows)

    result = verify_subject(settings, SUBJECT, landing_roots=["s3://landing/verify"])

    assert {(o.kind, o.object_uri.rsplit("/", 1)[-1]) for o in result.occurrences if o.kind == "landing"} == {
        ("landing", "a.ndjson")}
    assert {"data", "manifest"} <= {o.kind for o in result.occurrences}
    assert all(o.object_uri.startswith("s3://") for o in result.occurrences)
    assert result.by_kind["landing"] == 2 and result.by_kind["metadata"] == 2   # created, then appended
