"""``shoplake sql``: run one Spark SQL query and print or save the result."""
from __future__ import annotations

import sys

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.session import get_spark


def _format_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[("NULL" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: " | ".join(v.ljust(w) for v, w in zip(values, widths))  # noqa: E731
    return "\n".join([line(columns), "-+-".join("-" * w for w in widths), *(line(r) for r in cells)])


def run_query(settings: Settings, query: str, fmt: str, out: str | None) -> None:
    from pyspark.errors import AnalysisException, ParseException

    spark = get_spark("shoplake sql", settings)
    try:
        frame = spark.sql(query)
    except (AnalysisException, ParseException) as error:
        raise ShoplakeError(str(error).strip().splitlines()[0]) from None
    if fmt == "table":
        rows = [tuple(r) for r in frame.collect()]
        text = _format_table(frame.columns, rows) + f"\n({len(rows)} rows)\n"
    elif fmt in ("csv", "json"):
        pandas = frame.toPandas()
        text = pandas.to_csv(index=False) if fmt == "csv" else pandas.to_json(orient="records", lines=True, date_format="iso")
    else:
        if not out:
            raise ShoplakeError("--format parquet needs --out PATH")
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(frame.toPandas(), preserve_index=False), out)
        print(f"wrote {out}")
        return
    if out:
        with open(out, "w") as handle:
            handle.write(text)
        print(f"wrote {out}")
    else:
        sys.stdout.write(text)
