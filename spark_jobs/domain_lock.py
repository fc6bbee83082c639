"""One writer per domain: a lock row in the Iceberg catalog's own database.

Every run that writes a domain's tables — ``shoplake run``, each Airflow Spark task,
later maintenance and erasure jobs — holds ``domain_lock(settings, domain, purpose)``
for as long as it writes. The lock is a row of ``shoplake_domain_locks`` in the same
SQLite file / PostgreSQL database the JDBC catalog uses, so every process that can
commit to the lake sees it, on any host:

| column | meaning |
|---|---|
| ``domain`` | primary key: taking the lock is one INSERT, which only one run can win |
| ``token`` | this holding's random id: release and heartbeat touch only their own row |
| ``purpose``, ``host``, ``pid``, ``since`` | who holds it, for the message a waiting run prints |
| ``heartbeat_at`` | refreshed every ``lease / 4`` by a thread of the holder |

A holder that crashed leaves its row behind. The row is stale, and taken over, when its
heartbeat is older than the lease, or at once when the holder ran on this host and its
pid is gone (a process killed with SIGKILL and re-run does not wait out the lease).
Times are UTC from the clock of the process that writes them; hosts are assumed to be
NTP-synchronised well within the lease.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from spark_jobs.config import Settings, sqlalchemy_catalog_uri
from spark_jobs.errors import ShoplakeError
from spark_jobs.processes import alive

LOCK_TABLE = "shoplake_domain_locks"
DEFAULT_LEASE = timedelta(minutes=2)
# How long a statement waits for SQLite's single write lock (held a few ms per Iceberg
# commit) before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_SECONDS = 60
POLL_SECONDS = 2.0

log = logging.getLogger(__name__)


class DomainLocked(ShoplakeError):
    """Another run holds the domain's lock (and did not release it within the wait)."""


@dataclass(frozen=True)
class Holder:
    """A row of the lock table: who holds a domain's lock, and since when."""

    domain: str
    token: str
    purpose: str
    host: str
    pid: int
    since: datetime
    heartbeat_at: datetime

    def describe(self) -> str:
        return f"{self.purpose}, host {self.host}, pid {self.pid}"

    def message(self) -> str:
        return (f"another run of {self.domain} holds the lock since {self.since:%Y-%m-%d %H:%M:%S} UTC "
                f"({self.describe()})")

    def is_stale(self, now: datetime, lease: timedelta, host: str) -> bool:
        """The holder is gone: silent for longer than the lease, or a dead process of this host."""
        if now - self.heartbeat_at > lease:
            return True
        return self.host == host and not alive(self.pid)



def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def lock_engine(settings: Settings):
    """A SQLAlchemy engine on the catalog database; SQLite writers wait for each other."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    uri = sqlalchemy_catalog_uri(settings)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS} if uri.startswith("sqlite") else {"connect_timeout": 10}
    return create_engine(uri, poolclass=NullPool, connect_args=connect_args)


def lock_table():
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

    return Table(
        LOCK_TABLE, MetaData(),
        Column("domain", String(255), primary_key=True),
        Column("token", String(64), nullable=False),
        Column("purpose", String(1000), nullable=False),
        Column("host", String(255), nullable=False),
        Column("pid", Integer, nullable=False),
        Column("since", DateTime, nullable=False),
        Column("heartbeat_at", DateTime, nullable=False),
    )


def create_lock_table(engine, table) -> None:
    """Create the lock table once; runs started together may race to create it."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    try:
        table.metadata.create_all(engine, checkfirst=True)
    except DBAPIError:
        if not inspect(engine).has_table(table.name):
            raise


class DomainLock:
    """Acquire, heartbeat and release one domain's lock row (use :func:`domain_lock`)."""

    def __init__(self, settings: Settings, domain: str, purpose: str, lease: timedelta = DEFAULT_LEASE):
        self.engine = lock_engine(settings)
        self.table = lock_table()
        self.domain = domain
        self.purpose = purpose
        self.lease = lease
        self.host = socket.gethostname()
        self.token = uuid.uuid4().hex
        self.lost = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        create_lock_table(self.engine, self.table)

    def holder(self) -> Holder | None:
        from sqlalchemy import select

        with self.engine.connect() as connection:
            row = connection.execute(select(self.table).where(self.table.c.domain == self.domain)).first()
        return Holder(**row._mapping) if row else None

    def try_acquire(self) -> Holder | None:
        """Take the lock if it is free or stale; else return who holds it."""
        from sqlalchemy import delete, insert
        from sqlalchemy.exc import IntegrityError

        now = utc_now()
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(self.table).values(
                    domain=self.domain, token=self.token, purpose=self.purpose, host=self.host,
                    pid=os.getpid(), since=now, heartbeat_at=now))
            return None
        except IntegrityError:
            pass
        current = self.holder()
        if current is None:                 # released between our INSERT and SELECT
            return self.try_acquire()
        if not current.is_stale(utc_now(), self.lease, self.host):
            return current
        log.warning("taking over the stale lock of %s (%s)", self.domain, current.describe())
        with self.engine.begin() as connection:
            # Delete only the row we judged stale: a run that took it over meanwhile keeps it.
            connection.execute(delete(self.table).where(
                (self.table.c.domain == self.domain) & (self.table.c.token == current.token)))
        return self.try_acquire()

    def acquire(self, wait_seconds: float = 0) -> None:
        """Take the lock, waiting up to ``wait_seconds`` for the holder to finish."""
        deadline = time.monotonic() + wait_seconds
        while (current := self.try_acquire()) is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DomainLocked(current.message())
            time.sleep(min(POLL_SECONDS, remaining))
        self._heartbeat = threading.Thread(target=self._beat, name=f"lock-{self.domain}", daemon=True)
        self._heartbeat.start()

    def _beat(self) -> None:
        from sqlalchemy import update

        while not self._stop.wait(self.lease.total_seconds() / 4):
            try:
                with self.engine.begin() as connection:
                    updated = connection.execute(update(self.table).where(
                        (self.table.c.domain == self.domain) & (self.table.c.token == self.token)
                    ).values(heartbeat_at=utc_now())).rowcount
            except Exception as error:  # noqa: BLE001 - a missed beat is retried; the lease allows 3
                log.warning("lock heartbeat of %s failed: %s", self.domain, error)
                continue
            if not updated:
                self.lost = True
                log.error("the lock of %s was taken over while this run held it", self.domain)
                return

    def release(self) -> None:
        from sqlalchemy import delete

        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(
                (self.table.c.domain == self.domain) & (self.table.c.token == self.token)))
        self.engine.dispose()


@contextmanager
def domain_lock(settings: Settings, domain: str, purpose: str, wait_seconds: float = 0,
                lease: timedelta = DEFAULT_LEASE) -> Iterator[DomainLock]:
    """Hold ``domain``'s lock for the block: the only run writing the domain's tables.

    ``purpose`` says what the run does (``shoplake run subscriptions 2026-01-01..2026-01-03``),
    for whoever waits. Without ``wait_seconds`` a held lock fails at once with
    :class:`DomainLocked`: "another run of <domain> holds the lock since <time> (<holder>)".
    """
    lock = DomainLock(settings, domain, purpose, lease)
    lock.acquire(wait_seconds)
    try:
        yield lock
    finally:
        lock.release()
    if lock.lost:
        raise ShoplakeError(f"the lock of {domain} was taken over while this run held it "
                            f"(its heartbeat stopped for over {lease}): check the domain's tables with a re-run")


@contextmanager
def domains_lock(settings: Settings, domains: Iterable[str], purpose: str, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the locks of several domains for the block (maintenance of tables every domain
    writes, an erasure across domains). Taken in name order, so two such runs cannot each
    hold a lock the other waits for; ``wait_seconds`` applies to each lock."""
    with ExitStack() as held:
        for name in sorted(set(domains)):
            held.enter_context(domain_lock(settings, name, purpose, wait_seconds))
        yield
