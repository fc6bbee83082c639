"""Landing → bronze: every record lands as raw text, and re-running a day changes nothing."""
from datetime import date
from pathlib import Path


from spark_jobs import bronze
from spark_jobs.bronze import load_bronze
from spark_jobs.domain import Source
from spark_jobs.subscriptions import DOMAIN

EVENTS, SUBSCRIPTIONS, SPEND = (DOMAIN.source(name) for name in ("events", "subscriptions", "marketing_spend"))


def land(settings, source: Source, day: date, name: str, text: str) -> Path:
    path = Path(settings.landing) / source.domain / source.name / f"ingest_date={day}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def bronze_rows(spark, source: Source, day: date):
    return sorted(tuple(r) for r in spark.table(source.bronze_table).where(f"ingest_date = DATE'{day}'")
                  .select("source_file", "record_number", "raw", "content_hash").collect())


def test_corrupted_and_valid_lines_all_land_with_their_line_numbers(spark, settings):
    day = date(2025, 3, 1)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "e1"}\n\n{broken\n{"event_id": "e2"}\n')
    record = load_bronze(spark, settings, EVENTS, day)
    assert [(f, n, raw) for f, n, raw, _ in bronze_rows(spark, EVENTS, day)] == [
        ("a.ndjson", 1, '{"event_id": "e1"}'), ("a.ndjson", 3, "{broken"), ("a.ndjson", 4, '{"event_id": "e2"}')]
    assert (record.records_read, record.rows_in_table, record.reconciled) == (3, 3, True)


def test_marker_and_hidden_files_are_not_records(spark, settings):
    day = date(2025, 3, 2)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "e1"}\n')
    land(settings, EVENTS, day, "_SUCCESS", "")
    land(settings, EVENTS, day, ".a.ndjson.crc", "garbage\n")
    record = load_bronze(spark, settings, EVENTS, day)
    assert record.files == 1
    assert [r[0] for r in bronze_rows(spark, EVENTS, day)] == ["a.ndjson"]


def test_rerun_leaves_the_same_rows_and_hashes_and_commits_nothing(spark, settings):
    day = date(2025, 3, 3)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "e1"}\n{"event_id": "e2"}\n')
    load_bronze(spark, settings, EVENTS, day)
    before = bronze_rows(spark, EVENTS, day)
    snapshots = spark.sql(f"SELECT count(*) FROM {EVENTS.bronze_table}.snapshots").first()[0]
    load_bronze(spark, settings, EVENTS, day)
    assert bronze_rows(spark, EVENTS, day) == before
    assert spark.sql(f"SELECT count(*) FROM {EVENTS.bronze_table}.snapshots").first()[0] == snapshots


def test_redelivered_file_replaces_its_records_and_removed_file_disappears(spark, settings):
    day = date(2025, 3, 4)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "old"}\n')
    gone = land(settings, EVENTS, day, "b.ndjson", '{"event_id": "b"}\n')
    load_bronze(spark, settings, EVENTS, day)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "new"}\n')
    gone.unlink()
    load_bronze(spark, settings, EVENTS, day)
    assert [(f, raw) for f, _, raw, _ in bronze_rows(spark, EVENTS, day)] == [("a.ndjson", '{"event_id": "new"}')]


def test_json_array_lands_one_row_per_element_and_a_broken_file_as_one_row(spark, settings):
    day = date(2025, 3, 5)
    land(settings, SUBSCRIPTIONS, day, "a.json", '[{"subscription_id": "s1"}, {"subscription_id": "s2"}, 7]')
    land(settings, SUBSCRIPTIONS, day, "b.json", '{"subscription_id": "not in an array"}')
    load_bronze(spark, settings, SUBSCRIPTIONS, day)
    rows = [(f, n, raw) for f, n, raw, _ in bronze_rows(spark, SUBSCRIPTIONS, day)]
    assert rows == [("a.json", 1, '{"subscription_id":"s1"}'), ("a.json", 2, '{"subscription_id":"s2"}'),
                    ("a.json", 3, "7"), ("b.json", 0, '{"subscription_id": "not in an array"}')]


def test_csv_rows_keep_their_file_header(spark, settings):
    day = date(2025, 3, 6)
    land(settings, SPEND, day, "spend.csv", "date,channel,spend\n2025-03-05,Google,10.5\n\n2025-03-05,,x\n")
    load_bronze(spark, settings, SPEND, day)
    rows = spark.table(SPEND.bronze_table).where(f"ingest_date = DATE'{day}'").orderBy("record_number").collect()
    assert [(r.record_number, r.raw, r.header) for r in rows] == [
        (2, "2025-03-05,Google,10.5", "date,channel,spend"), (4, "2025-03-05,,x", "date,channel,spend")]


def test_missing_folder_is_an_empty_reconciled_day(spark, settings):
    record = load_bronze(spark, settings, EVENTS, date(2025, 3, 7))
    assert (record.files, record.records_read, record.rows_in_table, record.reconciled) == (0, 0, 0, True)


def test_domain_run_writes_one_run_log_row_per_source(spark, settings):
    day = date(2025, 3, 8)
    land(settings, EVENTS, day, "a.ndjson", '{"event_id": "e1"}\n{"event_id": "e2"}\n')
    bronze.run(spark, settings, day, "subscriptions")
    bronze.run(spark, settings, day, "subscriptions")
    log = spark.table("ops.run_log").where(f"ingest_date = DATE'{day}' AND stage = 'bronze'").collect()
    assert sorted((r.source, r.files, r.records_read, r.rows_in_table, r.reconciled) for r in log) == [
        ("events", 1, 2, 2, True), ("marketing_spend", 0, 0, 0, True), ("subscriptions", 0, 0, 0, True)]
