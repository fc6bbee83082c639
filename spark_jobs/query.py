"""``shoplake sql``: run one query through Trino or Spark and print or save the result.

``--engine trino`` (the default while the embedded Trino runs) sends the query to Trino,
whose catalog is read-only by construction (:mod:`spark_jobs.trino.config`).

``--engine spark`` runs it as Spark SQL. By default a query only reads: the statement
must pass :mod:`spark_jobs.read_only`, and on an S3 warehouse Spark signs its requests
with temporary read-only credentials (:func:`spark_jobs.services.read_only_credentials`),
so MinIO itself refuses a write even if a statement got past the check. ``--write`` runs any statement with the lake's
own keys, for maintenance, after a warning.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from decimal import Decimal

from spark_jobs import read_only
from spark_jobs.config import Settings, is_s3
from spark_jobs.errors import ShoplakeError
from spark_jobs.session import get_spark

WRITE_WARNING = ("shoplake: warning: --write runs the statement unchecked with the lake's write credentials; "
                 "it can drop tables and skip the quality gate")


def _format_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[("NULL" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths))  # noqa: E731
    return "\n".join([line(columns), "-+-".join("-" * w for w in widths), *(line(r) for r in cells)])


def _json_value(value):
    """A value as JSON keeps it exactly: dates and instants as ISO text, decimals as their
    digits (a float would round them), arrays and structs recursively."""
    if hasattr(value, "asDict"):        # a Spark struct Row (a tuple, but named)
        return _json_value(value.asDict(recursive=False))
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return value


def _json_lines(columns: list[str], rows: list[tuple]) -> str:
    """One JSON object per row (JSON Lines), the same from both engines."""
    return "".join(json.dumps(dict(zip(columns, map(_json_value, row))), ensure_ascii=False) + "\n" for row in rows)


def _read_only_session(settings: Settings):
    from spark_jobs.services import read_only_credentials

    credentials = read_only_credentials(settings) if is_s3(settings.warehouse) else None
    spark = get_spark("shoplake sql", settings, credentials)
    # Spark's own switch for `format`.`path` tables: reading local files is not a lake query.
    spark.conf.set("spark.sql.runSQLOnFiles", "false")
    return spark


def _frame(settings: Settings, query: str, write: bool):
    """The statement's result; without ``write`` only after it passed the read-only checks."""
    if write:
        print(WRITE_WARNING, file=sys.stderr)
        return get_spark("shoplake sql --write", settings).sql(query)
    return read_only.read_frame(_read_only_session(settings), query)


def choose_engine(settings: Settings, engine: str | None, write: bool) -> str:
    """``trino`` or ``spark``: the one asked for, else Trino while this clone's runs (never for --write)."""
    if engine == "trino" and write:
        raise ShoplakeError("Trino reads the lake only: --write needs --engine spark")
    if engine:
        return engine
    if write or not settings.trino_enabled:
        return "spark"
    from spark_jobs.trino.server import status

    answer = status(settings)
    # Only the Trino this clone started (its PID): another server on the port is not ours.
    return "trino" if answer.running and not answer.starting and answer.pid is not None else "spark"


def _spark_result(settings: Settings, query: str, write: bool):
    """(columns, rows, pandas frame) of a Spark SQL statement; rows and frame are functions,
    so Spark computes only the one the output format needs."""
    from pyspark.errors import AnalysisException, ParseException

    try:
        frame = _frame(settings, query, write)
    except (AnalysisException, ParseException) as error:
        raise ShoplakeError(str(error).strip().splitlines()[0]) from None
    return frame.columns, lambda: [tuple(r) for r in frame.collect()], frame.toPandas


def _trino_result(settings: Settings, query: str):
    """The same triple for a Trino query (already fetched whole by the client)."""
    import pandas as pd

    from spark_jobs.trino.client import fetch

    result = fetch(settings, query)
    return result.columns, lambda: result.rows, lambda: pd.DataFrame(result.rows, columns=result.columns)


def run_query(settings: Settings, query: str, fmt: str, out: str | None, write: bool = False,
              engine: str | None = None) -> None:
    if fmt == "parquet" and not out:
        raise ShoplakeError("--format parquet needs --out PATH")
    if choose_engine(settings, engine, write) == "trino":
        columns, table_rows, pandas_frame = _trino_result(settings, query)
    else:
        columns, table_rows, pandas_frame = _spark_result(settings, query, write)
    if fmt == "table":
        rows = table_rows()
        text = _format_table(columns, rows) + f"\n({len(rows)} rows)\n"
    elif fmt == "json":
        text = _json_lines(columns, table_rows())
    elif fmt == "csv":
        text = pandas_frame().to_csv(index=False)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(pandas_frame(), preserve_index=False), out)
        print(f"wrote {out}")
        return
    if out:
        with open(out, "w") as handle:
            handle.write(text)
        print(f"wrote {out}")
    else:
        sys.stdout.write(text)
