"""Fuzz: thousands of seeded hostile lines and every hostile file, through bronze and silver.

Nothing may crash, nothing may be lost: the records counted here in plain Python from the
landing files equal bronze's rows per source, every bronze row ends in exactly one place
(silver, an exact-duplicate count, a conflict, quarantine), and every line generated
broken is quarantined while every line generated valid is not.
"""
from __future__ import annotations

import gzip
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import functions as F

from spark_jobs import bronze
from spark_jobs.landing import MAX_RECORD_BYTES
from spark_jobs.recsys import silver as recsys_silver
from spark_jobs.subscriptions import silver as subscriptions_silver

SEED = 22
BOM = "\ufeff".encode()


# ---------------------------------------------------------------- hostile lines
def event(rng: random.Random, n: int) -> dict:
    ts = datetime(2025, 5, 1) + timedelta(seconds=rng.randrange(86400))
    return {"event_id": f"evt_{rng.randrange(n // 2 + 1)}", "user_id": f"u{rng.randrange(500):04d}",
            "event_type": rng.choice(["login", "page_view"]), "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "schema_version": rng.choice([1, 2])}


def click(rng: random.Random, n: int) -> dict:
    return {"dt": "2025-05-01", "customer_id": rng.randrange(100), "item_id": rng.randrange(50),
            "click_time": f"2025-05-01T{rng.randrange(24):02d}:00:00Z"}


def _mutations(text: str, rng: random.Random) -> dict[str, bytes]:
    """Broken spellings of one valid JSON object ``text``; none of them is a valid record."""
    body = text.encode()
    cut = rng.randrange(1, len(body) - 1)
    garbage = bytes(rng.choice([b for b in range(256) if b != 10]) for _ in range(rng.randrange(1, 40)))
    return {
        "two_objects": body + body,
        "two_objects_spaced": body + b" " + body,
        "single_quotes": text.replace('"', "'").encode(),
        "unquoted_names": text.replace('{"', "{").replace(', "', ", ").replace('":', ":").encode(),
        "trailing_garbage": body + b" x",
        "trailing_comma": body[:-1] + b",}",
        "nan": body[:-1] + b', "amount": NaN}',
        "infinity": body[:-1] + b', "amount": -Infinity}',
        "leading_zero": body[:-1] + b', "amount": 007}',
        "comment": body + b" // note",
        "block_comment": b"/* c */" + body,
        "invalid_utf8": body.replace(b'": "', b'": "\xff\xfe', 1),
        "truncated": body[:cut],
        "random_bytes": b"{" + garbage,
        "bom_inside": b"\xef\xbb\xbf" + body,
        "array_not_object": b"[" + body + b"]",
        "control_char": body.replace(b'": "', b'": "\x01', 1),
    }


def beyond_parser_limits(text: str) -> list[bytes]:
    """Valid JSON by RFC 8259 that a parser may still refuse (nesting, number length): either
    outcome is fine, a crash is not."""
    return [text[:-1].encode() + b', "deep": ' + b"[" * 3000 + b"]" * 3000 + b"}",
            text[:-1].encode() + b', "huge": 1' + b"0" * 3000 + b"}"]


def hostile_lines(rng: random.Random, n: int, make) -> list[tuple[bytes, bool | str | None]]:
    """``n`` lines of (bytes, valid?): valid records (some exact duplicates), broken ones,
    blank lines (None: not a record) and records either outcome suits ("either"). The
    first line is valid: a byte order mark there would be the file's, not a broken record's."""
    out: list[tuple[bytes, bool | str | None]] = [(json.dumps(make(rng, n)).encode(), True)]
    while len(out) < n:
        record = json.dumps(make(rng, n))
        roll = rng.random()
        if roll < 0.01:
            out.append((rng.choice(beyond_parser_limits(record)), "either"))
        elif roll < 0.45:
            out.append((record.encode(), True))
        elif roll < 0.5 and out[-1][1] is True:
            out.append((out[-1][0], True))                                # exact duplicate
        elif roll < 0.55:
            out.append((rng.choice([b"", b"  ", b"\t", b"\r", b" \r"]), None))
        elif roll < 0.58:
            out.append((record.encode() + b"\r", True))                      # CRLF ending
        else:
            out.append((rng.choice(list(_mutations(record, rng).values())), False))
    return out


# ---------------------------------------------------------------- landing
def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def land_lines(path: Path, lines: list[tuple[bytes, bool | str | None]], bom: bool = False) -> dict:
    """Write lines to ``path``; returns {(file, line number): valid?} of its records."""
    write(path, (BOM if bom else b"") + b"".join(line + b"\n" for line, _ in lines))
    return {(path.name, i): valid for i, (_, valid) in enumerate(lines, 1) if valid is not None}


def day_folder(settings, domain: str, source: str, day: date) -> Path:
    return Path(settings.landing) / domain / source / f"ingest_date={day}"


def land_subscriptions(settings, day: date, n: int) -> dict:
    """Events: the fuzz file and every hostile file case; subscriptions and spend: theirs."""
    rng = random.Random(SEED)
    events = day_folder(settings, "subscriptions", "events", day)
    expected = land_lines(events / "fuzz.ndjson", hostile_lines(rng, n, event))
    for name in ("ev[1].ndjson", "ev1.ndjson", "a{b.ndjson", "x*y.ndjson", "q?u%20e ry.ndjson"):
        expected |= land_lines(events / name, hostile_lines(rng, 30, event))
    expected |= {(f"late/{k[0]}", k[1]): v for k, v in
                 land_lines(events / "late" / "sub.ndjson", hostile_lines(rng, 30, event)).items()}
    expected |= land_lines(events / "bom.ndjson", [(json.dumps(event(rng, n)).encode(), True)], bom=True)
    packed = gzip.compress(b"".join(json.dumps(event(rng, n)).encode() + b"\n" for _ in range(200)))
    write(events / "ok.ndjson.gz", packed)
    expected |= {("ok.ndjson.gz", i): True for i in range(1, 201)}
    write(events / "cut.ndjson.gz", packed[: len(packed) // 3])
    expected[("cut.ndjson.gz", 0)] = False
    big = json.dumps({**event(rng, n), "padding": "x" * MAX_RECORD_BYTES}).encode()
    expected |= land_lines(events / "big.ndjson", [(big, False)])
    write(events / "_SUCCESS", b"")
    write(events / ".part.crc", b"garbage\n")
    subs = day_folder(settings, "subscriptions", "subscriptions", day)
    sub = {"subscription_id": "s1", "user_id": "u1", "plan_id": "p", "price": 9.99, "currency": "USD",
           "start_date": "2025-04-01", "status": "active", "created_at": "2025-04-01T00:00:00Z"}
    write(subs / "two_arrays.json", json.dumps([sub]).encode() + json.dumps([dict(sub, subscription_id="s2")]).encode())
    write(subs / "nan.json", json.dumps([sub]).replace("9.99", "NaN").encode())
    write(subs / "bom.json", BOM + json.dumps([dict(sub, subscription_id="s3"), dict(sub, subscription_id="s4")]).encode())
    write(subs / "packed.json.gz", gzip.compress(json.dumps([dict(sub, subscription_id="s5")]).encode()))
    spend = day_folder(settings, "subscriptions", "marketing_spend", day)
    write(spend / "headerless.csv", b"2025-04-30,google,10\n2025-04-30,meta,5\n")
    write(spend / "bom.csv", BOM + b"date,channel,spend\n2025-04-30,tiktok,3\n")
    write(spend / "bad_bytes.csv", b"date,channel,spend\n2025-04-30,goo\xffgle,3\n")
    return expected


def land_clicks(settings, day: date, n: int) -> dict:
    rng = random.Random(SEED + 1)
    clicks = day_folder(settings, "recsys", "clicks", day)
    expected = land_lines(clicks / "fuzz[1].ndjson", hostile_lines(rng, n, click))
    clicks.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"dt": ["2025-05-01"] * 2, "customer_id": [1, 2], "item_id": [3, 4]}), clicks / "ints.parquet")
    pq.write_table(pa.table({"dt": ["2025-05-01"], "customer_id": ["7"], "item_id": ["8"]}), clicks / "strings.parquet")
    pq.write_table(pa.table({"customer_id": [1], "item_id": [2], "click_time": pa.array([datetime(2025, 5, 1)],
                                                                                    pa.timestamp("ns"))}),
                   clicks / "nanos.parquet")
    write(clicks / "fake.parquet", b"PAR1 but not really\n")
    expected |= {("ints.parquet", 1): True, ("ints.parquet", 2): True, ("strings.parquet", 1): True,
                 ("nanos.parquet", 0): False, ("fake.parquet", 0): False}
    return expected


# ---------------------------------------------------------------- plain-Python landing count
def spark_cannot_read_parquet(path: Path) -> bool:
    """The documented rule: not Parquet, or a nanosecond timestamp column (Spark 3.5 rejects it)."""
    try:
        schema = pq.read_schema(path)
    except Exception:  # noqa: BLE001 - any pyarrow failure means it is not Parquet
        return True
    return any(pa.types.is_timestamp(f.type) and f.type.unit == "ns" for f in schema)


def text_records(data: bytes, header_columns: tuple[str, ...] | None = None) -> int:
    lines = [line for line in data.removeprefix(BOM).split(b"\n") if line.strip(b" \t\r")]
    if header_columns and lines:
        cells = {c.strip(b" \t").strip(b'"').lower().decode(errors="replace") for c in lines[0].split(b",")}
        return len(lines) - (1 if set(header_columns) <= cells else 0)
    return len(lines)


def array_records(data: bytes) -> int:
    def no_constants(name):
        raise ValueError(name)
    try:
        value = json.loads(data.removeprefix(BOM).decode("utf-8"), parse_constant=no_constants)
    except ValueError:
        return 1
    return len(value) if isinstance(value, list) else 1


def file_records(path: Path, fmt: str) -> int:
    if path.suffix == ".parquet":
        return 1 if spark_cannot_read_parquet(path) else pq.read_metadata(path).num_rows
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError):
            return 1
    if fmt == "json_array":
        return array_records(data)
    return text_records(data, ("date", "channel", "spend") if fmt == "csv" else None)


def landed(folder: Path, fmt: str) -> int:
    """Records of a landing folder, from the files alone (markers: any part starting _ or .)."""
    files = [p for p in folder.rglob("*") if p.is_file()
             and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)]
    return sum(file_records(p, fmt) for p in files)


# ---------------------------------------------------------------- the lake afterwards
def slice_count(spark, table: str, day: date, where: str = "true") -> int:
    return spark.table(table).where(F.col("ingest_date") == F.lit(day)).where(where).count()


def quarantined(spark, domain: str, source: str, day: date) -> dict[tuple[str, int], str]:
    rows = spark.table("quarantine.records").where(
        (F.col("domain") == domain) & (F.col("source") == source) & (F.col("ingest_date") == F.lit(day))).collect()
    return {(r.source_file, r.record_number): r.reason for r in rows}


def dq_figure(spark, day: date, metric: str, source: str) -> int:
    row = spark.table("ops.dq_metrics").where(
        (F.col("domain") == "subscriptions") & (F.col("ingest_date") == F.lit(day))
        & (F.col("metric") == metric) & (F.col("dimension") == source)).first()
    return int(row.value) if row else 0


def assert_every_broken_line_quarantined(expected: dict, held: dict) -> None:
    broken = {key for key, valid in expected.items() if valid is False}
    valid = {key for key, ok in expected.items() if ok is True}
    assert broken - set(held) == set(), "broken records not quarantined"
    assert valid & set(held) == set(), "valid records quarantined"


def run_fuzz(spark, settings, day: date, n: int) -> None:
    events = land_subscriptions(settings, day, n)
    clicks = land_clicks(settings, day, n // 5)
    bronze.run(spark, settings, day, "subscriptions")
    subscriptions_silver.run(spark, settings, day)
    bronze.run(spark, settings, day, "recsys")
    recsys_silver.run(spark, settings, day)

    for source, fmt in (("events", "ndjson"), ("subscriptions", "json_array"), ("marketing_spend", "csv")):
        in_bronze = slice_count(spark, f"bronze.subscriptions_{source}", day)
        assert landed(day_folder(settings, "subscriptions", source, day), fmt) == in_bronze, source
        ended = sum(dq_figure(spark, day, m, source) for m in ("silver_rows", "duplicates", "conflicts"))
        assert in_bronze == ended + len(quarantined(spark, "subscriptions", source, day)), source
    assert_every_broken_line_quarantined(events, quarantined(spark, "subscriptions", "events", day))

    in_bronze = slice_count(spark, "bronze.recsys_clicks", day)
    assert landed(day_folder(settings, "recsys", "clicks", day), "ndjson_or_parquet") == in_bronze
    actions = slice_count(spark, "silver.recsys_actions", day, "source = 'clicks'")
    assert in_bronze == actions + len(quarantined(spark, "recsys", "clicks", day))
    assert_every_broken_line_quarantined(clicks, quarantined(spark, "recsys", "clicks", day))

    log = spark.table("ops.run_log").where(F.col("ingest_date") == F.lit(day)).collect()
    assert [(r.stage, r.source) for r in log if not r.reconciled] == []


def test_ten_thousand_hostile_lines_and_every_hostile_file_lose_nothing(spark, settings):
    run_fuzz(spark, settings, date(2025, 5, 2), 10_000)


@pytest.mark.slow
def test_a_hundred_thousand_hostile_lines_lose_nothing(spark, settings):
    run_fuzz(spark, settings, date(2025, 5, 3), 100_000)
