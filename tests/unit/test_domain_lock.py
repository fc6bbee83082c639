"""spark_jobs.domain_lock: one holder per domain in the catalog's SQLite database, a clear
message for whoever finds it held, waiting, and takeover of a crashed holder's row."""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from spark_jobs.config import load_settings
from spark_jobs.domain_lock import DomainLock, DomainLocked, domain_lock, lock_engine, lock_table, utc_now


@pytest.fixture()
def settings(tmp_path):
    return load_settings({"SHOPLAKE_HOME": str(tmp_path),
                          "SHOPLAKE_CATALOG_URI": f"jdbc:sqlite:{tmp_path / 'catalog.db'}"})


def plant_holder(settings, domain: str, host: str, pid: int, heartbeat_age: timedelta) -> None:
    """A lock row as another process left it."""
    from sqlalchemy import insert

    table = lock_table()
    engine = lock_engine(settings)
    table.metadata.create_all(engine)
    since = utc_now() - heartbeat_age
    with engine.begin() as connection:
        connection.execute(insert(table).values(domain=domain, token="planted", purpose="shoplake run planted",
                                                host=host, pid=pid, since=since, heartbeat_at=since))


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_second_run_of_the_domain_fails_with_the_holder_and_since(settings):
    with domain_lock(settings, "subscriptions", "shoplake run subscriptions 2026-01-01..2026-01-01"):
        with pytest.raises(DomainLocked) as held:
            with domain_lock(settings, "subscriptions", "second"):
                pass
    message = str(held.value)
    assert message.startswith("another run of subscriptions holds the lock since ")
    assert "(shoplake run subscriptions 2026-01-01..2026-01-01, host " in message and "\n" not in message


def test_other_domains_are_not_blocked_and_a_released_lock_is_free(settings):
    with domain_lock(settings, "subscriptions", "one"):
        with domain_lock(settings, "recsys", "other domain"):
            pass
    with domain_lock(settings, "subscriptions", "after release"):
        pass


def test_a_waiting_run_gives_up_after_its_timeout(settings):
    with domain_lock(settings, "subscriptions", "holder"):
        started = time.monotonic()
        with pytest.raises(DomainLocked):
            with domain_lock(settings, "subscriptions", "waiter", wait_seconds=1.0):
                pass
        assert 1.0 <= time.monotonic() - started < 10


def test_a_waiting_run_takes_the_lock_when_the_holder_releases_it(settings):
    holder = DomainLock(settings, "subscriptions", "holder")
    holder.acquire()
    threading.Timer(1.0, holder.release).start()
    with domain_lock(settings, "subscriptions", "waiter", wait_seconds=30) as lock:
        assert DomainLock(settings, "subscriptions", "probe").holder().token == lock.token


def test_a_dead_process_of_this_host_is_taken_over_at_once(settings):
    import socket

    plant_holder(settings, "subscriptions", socket.gethostname(), dead_pid(), heartbeat_age=timedelta(0))
    started = time.monotonic()
    with domain_lock(settings, "subscriptions", "re-run after SIGKILL"):
        pass
    assert time.monotonic() - started < 5


def test_a_live_holder_on_another_host_is_respected_until_its_heartbeat_is_older_than_the_lease(settings):
    plant_holder(settings, "subscriptions", "another-host", 1, heartbeat_age=timedelta(seconds=30))
    with pytest.raises(DomainLocked, match=r"\(shoplake run planted, host another-host, pid 1\)"):
        with domain_lock(settings, "subscriptions", "respects it", lease=timedelta(minutes=2)):
            pass
    with domain_lock(settings, "subscriptions", "takes it over", lease=timedelta(seconds=10)):
        pass


def test_the_heartbeat_keeps_a_long_run_fresh(settings):
    lease = timedelta(seconds=2)
    with domain_lock(settings, "subscriptions", "long run", lease=lease):
        time.sleep(3 * lease.total_seconds())
        with pytest.raises(DomainLocked):
            with domain_lock(settings, "subscriptions", "other host's view", lease=lease):
                pass


def _race(uri: str, home: str, start, finish, results) -> None:
    settings = load_settings({"SHOPLAKE_HOME": home, "SHOPLAKE_CATALOG_URI": uri})
    start.wait()
    lock = DomainLock(settings, "subscriptions", "racer")
    results.put(lock.try_acquire() is None)
    finish.wait(60)     # alive until all have tried: a dead winner's lock is rightly taken over


def test_of_processes_racing_for_a_free_lock_exactly_one_wins(settings):
    context = multiprocessing.get_context("fork")
    start, finish, results = context.Event(), context.Event(), context.Queue()
    racers = [context.Process(target=_race, args=(settings.catalog_uri, str(settings.home), start, finish, results))
              for _ in range(4)]
    for racer in racers:
        racer.start()
    time.sleep(0.5)     # every racer forked and waiting
    start.set()
    won = [results.get(timeout=60) for _ in racers]
    finish.set()
    for racer in racers:
        racer.join(60)
    assert won.count(True) == 1
