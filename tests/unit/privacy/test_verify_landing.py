"""The verifier over a landing zone: every format the sources deliver, and near misses."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spark_jobs.privacy.verify import verify_subject

SUBJECT = "u_12"
NEAR_MISS = "u_123"


def _event(user: str, n: int) -> str:
    return json.dumps({"event_id": f"e{n}", "user_id": user, "event_type": "app_open"})


@pytest.fixture
def landing(tmp_path) -> Path:
    """A landing root: one file per format naming the subject, and files that only hold
    a longer identifier."""
    day = "ingest_date=2026-01-01"
    files = {
        f"subscriptions/events/{day}/a.ndjson": "\n".join([_event(NEAR_MISS, 1), _event(SUBJECT, 2)]) + "\n",
        f"subscriptions/subscriptions/{day}/s.json": json.dumps([{"user_id": NEAR_MISS}, {"user_id": SUBJECT}]),
        f"subscriptions/marketing_spend/{day}/spend.csv": f"date,channel,spend\n2026-01-01,{SUBJECT},3.5\n",
        f"subscriptions/events/{day}/near.ndjson": _event(NEAR_MISS, 3) + "\n",
        f"subscriptions/marketing_spend/{day}/near.csv": f"date,channel,spend\n2026-01-01,{NEAR_MISS},1\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    events = tmp_path / "subscriptions/events" / day
    lines = "".join(_event(f"w_{n}" if n != 7 else SUBJECT, n) + "\n" for n in range(5000)).encode()
    (events / "b.ndjson.gz").write_bytes(gzip.compress(lines))
    whole = gzip.compress(lines, mtime=0)
    (events / "truncated.ndjson.gz").write_bytes(whole[: len(whole) // 2])
    (events / "escaped.ndjson").write_text('{"user_id": "\\u0075_12"}\n')
    pq.write_table(pa.table({"user_id": [NEAR_MISS, SUBJECT], "n": [1, 2]}), events / "p.parquet")
    pq.write_table(pa.table({"user_id": [NEAR_MISS], "tags": [[NEAR_MISS]]}), events / "near.parquet")
    pq.write_table(pa.table({"tags": [["x"], ["y", SUBJECT]]}), events / "nested.parquet")
    return tmp_path


def test_each_landing_format_that_names_the_subject_is_found(settings, landing):
    result = verify_subject(settings, SUBJECT, tables=[], landing_roots=[str(landing)])
    found = {Path(o.object_uri).name for o in result.occurrences}
    assert found == {"a.ndjson", "s.json", "spend.csv", "b.ndjson.gz", "truncated.ndjson.gz", "escaped.ndjson",
                     "p.parquet", "nested.parquet"}
    assert result.objects_scanned == sum(1 for p in landing.rglob("*") if p.is_file())
    assert result.by_kind == {"landing": result.objects_scanned}


def test_occurrences_say_where_without_the_identifier(settings, landing):
    result = verify_subject(settings, SUBJECT, tables=[], landing_roots=[str(landing)])
    where = {Path(o.object_uri).name: o.where for o in result.occurrences}
    assert where["a.ndjson"] == "line 2"
    assert where["b.ndjson.gz"] == "line 8"
    assert where["p.parquet"] in {"column user_id, row 1", "row group 0, max of user_id"}
    assert all(SUBJECT not in o.where for o in result.occurrences)
    assert SUBJECT not in result.describe()


def test_a_longer_identifier_is_not_the_subject(settings, landing):
    for name in ("a.ndjson", "s.json", "spend.csv", "b.ndjson.gz", "truncated.ndjson.gz", "escaped.ndjson",
                 "p.parquet", "nested.parquet"):
        next(landing.rglob(name)).unlink()
    result = verify_subject(settings, SUBJECT, tables=[], landing_roots=[str(landing)])
    assert result.objects_scanned == 3
    assert result.occurrences_found == 0
