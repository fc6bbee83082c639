"""Erasure against a from-scratch run: every table of both domains, after erasing a user
and a customer, equals a run over the landing without their records (docs/privacy.md).

One seeded world per domain is run day by day; the subjects are the user and the
customer with the most kinds of rows (purchases, refunds, conflicts, quarantined lines,
subscriptions; clicks, carts, orders, impressions). Then, on the same lake: an unknown
subject changes nothing; both erasures leave 0 occurrences in every reachable object;
a second erasure changes nothing; the landing equals the test's own copy without the
subjects, and every table equals a fresh lake run over that copy. Last, a re-delivered
file brings nothing back and its drop is counted.
"""
from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from erasure_support import differences, lake_contents, landing_without
from lake_support import reset_lake
from worlds import recsys as recsys_world
from worlds import subscriptions as subscriptions_world

from spark_jobs.jobs import run_domain_day, run_domain_range
from spark_jobs.privacy.erase import erase_request
from spark_jobs.privacy.requests import register
from spark_jobs.privacy.verify import verify_subject

pytestmark = pytest.mark.integration
START = date(2026, 3, 2)
DAYS = 2


def run_all_days(spark, lake) -> None:
    """Every day of both domains as one range each (equal to day-by-day runs: test_range_runs)."""
    days = [START + timedelta(days=index) for index in range(DAYS)]
    for domain in ("subscriptions", "recsys"):
        run_domain_range(spark, lake, domain, days)


def pick_user(spark) -> str:
    """The user found in the most subscriptions tables (a purchase, a refund, a conflict,
    a quarantined line and a subscription at best)."""
    rows = spark.sql("""
        WITH kinds AS (
            SELECT user_id, 'purchase' AS kind FROM silver.events WHERE event_type = 'purchase'
            UNION SELECT user_id, 'refund' FROM silver.events WHERE event_type = 'refund'
            UNION SELECT user_id, 'conflict' FROM silver.event_conflicts
            UNION SELECT user_id, 'subscription' FROM silver.subscriptions
            UNION SELECT get_json_object(raw, '$.user_id'), 'quarantined' FROM quarantine.records
                  WHERE domain = 'subscriptions')
        SELECT user_id, count(*) AS n, collect_set(kind) AS kinds FROM kinds WHERE user_id IS NOT NULL
        GROUP BY user_id ORDER BY n DESC, user_id LIMIT 1""").first()
    assert rows.n == 5, f"no user has every kind of row: best {sorted(rows.kinds)}"
    return rows.user_id


def pick_customer(spark) -> str:
    row = spark.sql("""
        WITH kinds AS (
            SELECT customer_id, source AS kind FROM silver.recsys_actions
            UNION SELECT customer_id, 'impression' FROM silver.recsys_impressions
            UNION SELECT customer_id, 'training' FROM gold.training_input
            UNION SELECT CAST(get_json_object(raw, '$.customer_id') AS BIGINT), 'quarantined'
                  FROM quarantine.records WHERE domain = 'recsys')
        SELECT customer_id, count(*) AS n, collect_set(kind) AS kinds FROM kinds WHERE customer_id IS NOT NULL
        GROUP BY customer_id ORDER BY n DESC, customer_id LIMIT 1""").first()
    assert row.n >= 5, f"no customer has clicks, carts, orders, impressions and training rows: {sorted(row.kinds)}"
    return str(row.customer_id)


def snapshot_ids(spark) -> dict[str, int | None]:
    from spark_jobs.maintenance import all_tables
    from spark_jobs.table_figures import load_table

    ids = {}
    for table in all_tables(spark):
        if not table.startswith("privacy."):
            current = load_table(spark, table).currentSnapshot()
            ids[table] = current.snapshotId() if current is not None else None
    return ids


def erase(spark, lake, request_id: str, kind: str, subject: str):
    return erase_request(spark, lake, request_id, before=lambda: register(spark, lake, request_id, kind, subject))


def test_erasure_equals_a_run_without_the_subjects(spark, settings, tmp_path, capsys):
    landing = tmp_path / "landing"
    subscriptions_world.write_world(landing, START, DAYS, 16)
    recsys_world.write_world(landing, START, DAYS, 16, lookback_days=365)
    original = tmp_path / "original"
    shutil.copytree(landing, original)
    lake = settings.with_overrides(landing=str(landing))
    reset_lake(spark)
    run_all_days(spark, lake)
    user, customer = pick_user(spark), pick_customer(spark)

    before, snapshots = lake_contents(spark), snapshot_ids(spark)
    unknown = erase(spark, lake, "req-unknown", "user_id", "u-nobody")
    assert unknown.rows_removed == {} and unknown.occurrences_found == 0
    assert lake_contents(spark) == before and snapshot_ids(spark) == snapshots, "an unknown subject changed the lake"

    for request_id, kind, subject in (("req-user", "user_id", user), ("req-customer", "customer_id", customer)):
        report = erase(spark, lake, request_id, kind, subject)
        assert report.occurrences_found == 0 and report.objects_scanned > 100, report.describe()
        assert report.landing_records_removed > 0 and report.days_recomputed > 0, report.describe()
    erased = lake_contents(spark)
    for subject, kind in ((user, "user_id"), (customer, "customer_id")):
        found = verify_subject(lake, subject, id_kind=kind)
        assert found.occurrences_found == 0, found.describe()
    assert user not in capsys.readouterr().out

    again = erase(spark, lake, "req-user", "user_id", user)
    assert again.occurrences_found == 0 and lake_contents(spark) == erased, "a second erasure changed the lake"

    scratch = tmp_path / "scratch"
    landing_without(original, tmp_path / "without-user", user, "user_id")
    landing_without(tmp_path / "without-user", scratch, customer, "customer_id")
    assert _files(landing) == _files(scratch), "landing differs from the test's copy without the subjects"

    redelivered = _a_file_naming(original, user)
    shutil.copyfile(original / redelivered, landing / redelivered)
    day = date.fromisoformat(redelivered.split("ingest_date=")[1][:10])
    run_domain_day(spark, lake, "subscriptions", day)
    assert verify_subject(lake, user, landing_roots=[], id_kind="user_id").occurrences_found == 0, "a re-delivered file brought the user back"
    log = spark.sql(f"SELECT sum(records_suppressed) AS n, bool_and(reconciled) AS ok FROM ops.run_log "
                    f"WHERE domain = 'subscriptions' AND stage = 'bronze' AND ingest_date = DATE'{day}'").first()
    assert log.n > 0 and log.ok, log

    reset_lake(spark)
    run_all_days(spark, settings.with_overrides(landing=str(scratch)))
    differing = differences(erased, lake_contents(spark))
    assert not differing, "\n".join(f"{table}: {what}" for table, what in differing.items())


def _files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _a_file_naming(root, subject: str) -> str:
    for path in sorted(root.rglob("*.ndjson")):
        if f'"{subject}"' in path.read_text(errors="replace"):
            return path.relative_to(root).as_posix()
    raise AssertionError("no events file names the subject")
