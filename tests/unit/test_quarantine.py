"""quarantine.records: one write for all of a stage's sources, each source's slice mirrored."""
from datetime import date

from spark_jobs.quarantine import QUARANTINE_TABLE, quarantine

DAY = date(2031, 5, 1)
DOMAIN = "probe"


def rejects(spark, *rows, day: date = DAY):
    return spark.createDataFrame([(day, *row) for row in rows],
                                 "ingest_date date, source_file string, record_number int, raw string, reason string")


def stored(spark):
    rows = spark.table(QUARANTINE_TABLE).where(f"domain = '{DOMAIN}' AND ingest_date = DATE'{DAY}'").collect()
    return sorted((r["source"], r["record_number"], r["reason"]) for r in rows)


def snapshots(spark) -> int:
    return spark.sql(f"SELECT count(*) FROM {QUARANTINE_TABLE}.snapshots").first()[0]


def test_sources_are_written_in_one_commit_and_rerun_replaces_only_their_slices(spark):
    before = snapshots(spark)
    quarantine({"a": rejects(spark, ("f", 1, "{", "invalid_json"), ("f", 2, "x", "invalid_json")),
                "b": rejects(spark, ("g", 7, "{}", "missing_id"))}, DOMAIN, [DAY])
    assert snapshots(spark) == before + 1
    assert stored(spark) == [("a", 1, "invalid_json"), ("a", 2, "invalid_json"), ("b", 7, "missing_id")]

    quarantine({"a": rejects(spark, ("f", 1, "{", "invalid_json")),
                "b": rejects(spark, ("g", 7, "{}", "missing_id"))}, DOMAIN, [DAY])
    assert stored(spark) == [("a", 1, "invalid_json"), ("b", 7, "missing_id")]   # a's fixed row is gone

    quarantine({"b": rejects(spark)}, DOMAIN, [DAY])     # another stage writing only source b
    assert stored(spark) == [("a", 1, "invalid_json")]

    count = snapshots(spark)
    quarantine({"a": rejects(spark, ("f", 1, "{", "invalid_json"))}, DOMAIN, [DAY])
    assert snapshots(spark) == count                   # unchanged: no commit


def test_a_range_of_dates_is_one_commit_and_keeps_each_row_on_its_date(spark):
    later = date(2031, 5, 2)
    before = snapshots(spark)
    quarantine({"c": rejects(spark, ("f", 1, "{", "invalid_json")).unionByName(
        rejects(spark, ("f", 1, "[", "invalid_json"), day=later))}, DOMAIN, [DAY, later])
    assert snapshots(spark) == before + 1
    rows = spark.table(QUARANTINE_TABLE).where(f"domain = '{DOMAIN}' AND source = 'c'").collect()
    assert sorted((r["ingest_date"], r["raw"]) for r in rows) == [(DAY, "{"), (later, "[")]
