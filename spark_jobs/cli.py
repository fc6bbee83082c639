"""``shoplake``: set up, run and query the lakehouse from a shell.

    shoplake init                                   create namespaces and tables
    shoplake services up|down|status                local MinIO, Trino and Kafka
    shoplake run <domain> --date D [--to D2] [--wait S] [--only]
                                                    daily run(s), one Spark application,
                                                    holding the domain's lock; also every
                                                    earlier landing date never published
    shoplake status [<domain>]                      last published date, unprocessed
                                                    landing dates
    shoplake sql "<query>" [--engine trino|spark] [--format F] [--out P]
                                                    query the lake (read-only; --write for
                                                    maintenance, through Spark)
    shoplake maintain [--retention-days N] [--table T ...] [--wait S]
                                                    compact, expire snapshots, remove orphan
                                                    files, holding every domain's lock
    shoplake generate <domain> --days N --seed S --out URI
    shoplake erase --request-id R --user-id X | --customer-id X
                                                    erase a person everywhere, with proof
                                                    (X = - reads the identifier from stdin)
    shoplake privacy request --request-id R --user-id X | --customer-id X
                                                    register a request for the privacy_erasure DAG
    shoplake privacy verify --request-id R          search every reachable object for it

Errors the user can fix print one line and exit 2. Everything the CLI and the processes
it starts write locally is owner-only (umask 077).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from spark_jobs.config import load_settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import private_dir, restrict_umask


def _dates(start: date, end: date | None) -> list[date]:
    from spark_jobs.ingest_dates import dates_between

    end = end or start
    if end < start:
        raise ShoplakeError(f"--to {end} is before --date {start}")
    return dates_between(start, end)


def cmd_init(args, settings) -> None:
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.preflight import check_landing
    from spark_jobs.session import get_spark

    private_dir(settings.home)
    if settings.uses_s3:
        check_landing(settings)
    tables = apply_ddl(get_spark("shoplake init", settings))
    print(f"catalog ready: {len(tables)} tables ({settings.catalog_uri})")


def cmd_services(args, settings) -> None:
    from spark_jobs import services
    from spark_jobs.kafka import services as kafka_services
    from spark_jobs.trino import services as trino_services

    if args.action == "up":
        settings = services.up(settings)
        print(services.status(settings).describe(settings))
        print(trino_services.up(settings))
        print(kafka_services.up(settings))
    elif args.action == "down":
        print(kafka_services.down(settings))
        print(trino_services.down(settings))
        print("minio: stopped" if services.down(settings) else "minio: was not running")
    else:
        print(services.status(settings).describe(settings))
        print(trino_services.describe(settings))
        print(kafka_services.describe(settings))


def cmd_run(args, settings) -> None:
    from spark_jobs.domain_lock import domain_lock
    from spark_jobs.jobs import run_domain_range
    from spark_jobs.landing_backlog import with_backlog
    from spark_jobs.preflight import check_run
    from spark_jobs.registry import domain
    from spark_jobs.session import get_spark

    domain(args.domain)     # an unknown name fails here, naming the known ones
    days = _dates(args.date, args.to)
    check_run(settings)
    purpose = f"shoplake run {args.domain} {days[0]}..{days[-1]}"
    # Taken before Spark starts: a run that may not write does not start a JVM.
    with domain_lock(settings, args.domain, purpose, wait_seconds=args.wait):
        if not args.only:   # under the lock: what a run that held it published is not taken again
            days = with_backlog(settings, args.domain, days)
        spark = get_spark(purpose, settings)
        run_domain_range(spark, settings, args.domain, days)


def cmd_status(args, settings) -> None:
    from spark_jobs.lake_status import domain_status
    from spark_jobs.preflight import check_run
    from spark_jobs.registry import domain, domains

    check_run(settings)     # the catalog and landing, reachable
    names = [domain(args.domain).name] if args.domain else sorted(domains())
    for name in names:
        print(domain_status(settings, name).describe())


def cmd_maintain(args, settings) -> None:
    import time

    from spark_jobs.jobs import java_errors_as_one_line
    from spark_jobs.maintenance import maintain_tables, maintenance_lock, print_report, total_line
    from spark_jobs.preflight import check_catalog
    from spark_jobs.session import get_spark

    days = settings.snapshot_retention_days if args.retention_days is None else args.retention_days
    if days < 0:
        raise ShoplakeError(f"--retention-days must not be negative (got {days})")
    check_catalog(settings)
    purpose = f"shoplake maintain, retention {days} days"
    # Taken before Spark starts: maintenance that may not run does not start a JVM.
    with maintenance_lock(settings, purpose, wait_seconds=args.wait):
        spark = get_spark(purpose, settings)
        started = time.monotonic()
        with java_errors_as_one_line("maintain"):
            reports = maintain_tables(spark, timedelta(days=days), args.table or None, report=print_report)
    print(total_line(reports, time.monotonic() - started))


def cmd_sql(args, settings) -> None:
    from spark_jobs.preflight import check_catalog
    from spark_jobs.query import run_query

    check_catalog(settings)
    run_query(settings, args.query, args.format, args.out, write=args.write, engine=args.engine)


def cmd_generate(args, settings) -> None:
    import importlib
    import json

    try:
        generator = importlib.import_module(f"spark_jobs.datagen.{args.domain}")
    except ModuleNotFoundError:
        raise ShoplakeError(f"no generator for domain {args.domain!r}") from None
    counts = generator.generate(settings, args.out, days=args.days, seed=args.seed, start=args.start)
    print(json.dumps({"domain": args.domain, "days": args.days, "seed": args.seed, "out": args.out, "traps": counts}))


def _subject(args) -> tuple[str, str]:
    """(id kind, identifier) of --user-id / --customer-id; ``-`` reads it from stdin, so it
    stays out of shell history and the process list."""
    kind = "user_id" if args.user_id is not None else "customer_id"
    value = args.user_id if args.user_id is not None else args.customer_id
    return kind, (sys.stdin.readline().strip() if value == "-" else value)


def cmd_erase(args, settings) -> None:
    from spark_jobs.preflight import check_run
    from spark_jobs.privacy.erase import erase_request
    from spark_jobs.privacy.requests import register
    from spark_jobs.session import get_spark

    check_run(settings)
    kind, subject = _subject(args)
    spark = get_spark(f"shoplake erase {args.request_id}", settings)
    report = erase_request(spark, settings, args.request_id, wait_seconds=args.wait,
                           before=lambda: register(spark, settings, args.request_id, kind, subject))
    if report.occurrences_found:
        raise ShoplakeError(f"request {args.request_id}: the verifier still finds {report.occurrences_found} "
                            f"occurrences: run shoplake privacy verify --request-id {args.request_id} for where")


def cmd_privacy(args, settings) -> None:
    from spark_jobs.preflight import check_run
    from spark_jobs.session import get_spark

    check_run(settings)
    spark = get_spark(f"shoplake privacy {args.action} {args.request_id}", settings)
    if args.action == "request":
        from spark_jobs.domain_lock import domains_lock
        from spark_jobs.privacy.requests import register
        from spark_jobs.registry import domains

        kind, subject = _subject(args)
        with domains_lock(settings, domains(), f"register erasure {args.request_id}", wait_seconds=args.wait):
            register(spark, settings, args.request_id, kind, subject)
        print(f"request {args.request_id} registered ({kind}); trigger privacy_erasure with "
              f'{{"request_id": "{args.request_id}"}}')
        return
    from spark_jobs.privacy.verify_request import verify_request

    verify_request(spark, settings, args.request_id)


def _identifier_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--request-id", required=True)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--user-id", help="the person's user_id (subscriptions, clickstream); - = read from stdin")
    who.add_argument("--customer-id", help="the person's customer_id (recsys); - = read from stdin")
    parser.add_argument("--wait", type=float, default=600, metavar="SECONDS",
                        help="how long to wait for running domain runs to finish (default 600)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shoplake", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create namespaces and tables (idempotent)").set_defaults(func=cmd_init)
    services = sub.add_parser("services", help="local MinIO, Trino and Kafka")
    services.add_argument("action", choices=("up", "down", "status"))
    services.set_defaults(func=cmd_services)
    run = sub.add_parser("run", help="run a domain's daily pipeline for a date or a range")
    run.add_argument("domain")
    run.add_argument("--date", required=True, type=date.fromisoformat)
    run.add_argument("--to", type=date.fromisoformat)
    run.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                     help="when another run holds the domain's lock, wait up to this long (default: fail at once)")
    run.add_argument("--only", action="store_true",
                     help="exactly these dates (default: also every earlier landing date never published)")
    run.set_defaults(func=cmd_run)
    status = sub.add_parser("status", help="per domain: the last published date and unprocessed landing dates")
    status.add_argument("domain", nargs="?", help="one domain (default: every domain)")
    status.set_defaults(func=cmd_status)
    maintain = sub.add_parser("maintain", help="compact tables, expire old snapshots, remove orphan files")
    maintain.add_argument("--retention-days", type=int, metavar="N",
                          help="expire snapshots older than N days (default: SHOPLAKE_SNAPSHOT_RETENTION_DAYS, 7)")
    maintain.add_argument("--table", action="append", metavar="T",
                          help="only this table (namespace.table); repeat for several (default: every table)")
    maintain.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                          help="when a domain run holds its lock, wait up to this long (default: fail at once)")
    maintain.set_defaults(func=cmd_maintain)
    sql = sub.add_parser("sql", help="run a read-only query against the lake (Trino or Spark SQL)")
    sql.add_argument("query")
    sql.add_argument("--engine", choices=("trino", "spark"),
                     help="where the query runs (default: trino while `services up` runs it, else spark)")
    sql.add_argument("--write", action="store_true",
                     help="run any statement (DROP, CALL, ALTER ...) with the lake's write credentials")
    sql.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
    sql.add_argument("--out", help="write the result to this file (required for parquet)")
    sql.set_defaults(func=cmd_sql)
    gen = sub.add_parser("generate", help="write seeded synthetic landing data")
    gen.add_argument("domain")
    gen.add_argument("--days", type=int, required=True)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    gen.add_argument("--out", help="landing URI (default: SHOPLAKE_LANDING)")
    gen.set_defaults(func=cmd_generate)
    erase = sub.add_parser("erase", help="erase one person from every domain, landing and history (GDPR Art. 17)")
    _identifier_options(erase)
    erase.set_defaults(func=cmd_erase)
    privacy = sub.add_parser("privacy", help="register an erasure request, or verify one")
    actions = privacy.add_subparsers(dest="action", required=True)
    _identifier_options(actions.add_parser("request", help="register a request for the privacy_erasure DAG"))
    verify = actions.add_parser("verify", help="search every reachable object for the request's identifier")
    verify.add_argument("--request-id", required=True)
    privacy.set_defaults(func=cmd_privacy)
    return parser


def save_frames(settings, error: BaseException) -> Path | None:
    """Where an unexpected error was raised, for whoever fixes it: the code locations of
    its traceback (file, line, function; no values, no messages, which may hold data) in
    ``<SHOPLAKE_HOME>/last-error.txt``, owner-only. None if it cannot be written."""
    import traceback

    from spark_jobs.local_state import private_dir, write_private

    frames = traceback.extract_tb(error.__traceback__)
    text = "".join(f"{f.filename}:{f.lineno} in {f.name}\n" for f in frames) + f"{type(error).__name__}\n"
    try:
        path = private_dir(settings.home) / "last-error.txt"
        write_private(path, text)
    except OSError:
        return None
    return path


def main(argv: list[str] | None = None) -> int:
    restrict_umask()
    args = build_parser().parse_args(argv)
    settings = load_settings()
    if getattr(args, "out", None) is None and args.command == "generate":
        args.out = settings.landing
    try:
        args.func(args, settings)
    except ShoplakeError as error:
        print(f"shoplake: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the CLI promises one line, not a trace
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        where = save_frames(settings, error)
        print(f"shoplake: {type(error).__name__}: {first}{f' (where: {where})' if where else ''}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
