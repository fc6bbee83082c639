"""``shoplake status``: per domain, how far publication has come and what landed but was not published.

Reads ops.run_log through PyIceberg and lists landing with boto3 (no Spark, a second or
two). The unprocessed dates are those the next run of the domain catches up on
(:mod:`spark_jobs.landing_backlog`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from spark_jobs.config import Settings
from spark_jobs.landing_backlog import describe, publications, unprocessed_dates


@dataclass(frozen=True)
class DomainStatus:
    domain: str
    last_published: date | None        # the latest ingest date published
    published_at: datetime | None      # when that publication finished (UTC)
    published: int                     # how many ingest dates are published
    unprocessed: list[date]

    def describe(self) -> str:
        head = (f"{self.domain}: {self.published} ingest date(s) published, the last {self.last_published} "
                f"(at {self.published_at:%Y-%m-%d %H:%M} UTC)" if self.last_published
                else f"{self.domain}: nothing published yet")
        waiting = (f"unprocessed landing dates: {describe(self.unprocessed)} ({len(self.unprocessed)})"
                   if self.unprocessed else "unprocessed landing dates: none")
        return f"{head}\n  {waiting}"


def domain_status(settings: Settings, domain: str) -> DomainStatus:
    published = publications(settings, domain)
    last = max(published, default=None)
    return DomainStatus(domain, last, published.get(last) if last else None, len(published),
                        unprocessed_dates(settings, domain, published))
