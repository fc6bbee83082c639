"""Small driver-side rows (run-log entries, DQ figures, reference rates) as a DataFrame.

``SparkSession.createDataFrame`` ships Python rows through a Python worker process, and
starting that worker costs more than everything else these few rows take; building the
rows from ``F.lit`` columns costs a Py4J round trip per value (a second for 60 DQ rows).
Here the rows become one ``VALUES`` relation of typed SQL literals, sent in one call. A
column whose values are all present stays non-nullable, as the target tables expect.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timezone
from decimal import Decimal

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.types import (ArrayType, BooleanType, DataType, DateType, DecimalType, DoubleType, FloatType,
                               IntegralType, MapType, StringType, StructType, TimestampType)

from spark_jobs.sql_literals import sql_literal


def typed_literal(value, data_type: DataType) -> str:
    """``value`` as a Spark SQL literal of ``data_type`` (timestamps are naive UTC)."""
    if value is None:
        return "NULL"
    if isinstance(data_type, StringType):
        return sql_literal(str(value))
    if isinstance(data_type, BooleanType):
        return "true" if value else "false"
    if isinstance(data_type, IntegralType):
        return str(int(value))
    if isinstance(data_type, DecimalType):
        return f"{Decimal(value):f}BD"
    if isinstance(data_type, (DoubleType, FloatType)):
        return f"{float(value)!r}D" if math.isfinite(value) else f"CAST({sql_literal(str(float(value)))} AS DOUBLE)"
    if isinstance(data_type, TimestampType) and isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return f"TIMESTAMP{sql_literal(value.isoformat(sep=' '))}"
    if isinstance(data_type, DateType) and isinstance(value, date):
        return sql_literal(value)
    if isinstance(data_type, ArrayType):
        items = ", ".join(typed_literal(v, data_type.elementType) for v in value)
        return f"CAST(array({items}) AS {data_type.simpleString()})"
    if isinstance(data_type, MapType):
        pairs = ", ".join(f"{typed_literal(k, data_type.keyType)}, {typed_literal(v, data_type.valueType)}"
                          for k, v in value.items())
        return f"CAST(map({pairs}) AS {data_type.simpleString()})"
    raise TypeError(f"no SQL literal for {value!r} as {data_type.simpleString()}")


def local_frame(spark: SparkSession, rows: Sequence[Sequence], schema: StructType) -> DataFrame:
    """``rows`` (tuples in ``schema``'s field order) as a DataFrame of ``schema``'s types."""
    fields = schema.fields
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    columns = ", ".join(f"CAST(c{i} AS {f.dataType.simpleString()}) AS `{f.name}`" for i, f in enumerate(fields))
    if not rows:
        nulls = ", ".join("NULL" for _ in fields)
        return spark.sql(f"SELECT {columns} FROM VALUES ({nulls}) AS t({names}) WHERE false")
    values = ", ".join("(" + ", ".join(typed_literal(v, f.dataType) for v, f in zip(row, fields, strict=True)) + ")"
                       for row in rows)
    return spark.sql(f"SELECT {columns} FROM VALUES {values} AS t({names})")
