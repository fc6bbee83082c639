"""One form for values and types read by Spark and by Trino, so the two compare exactly.

Both clients hand back Python values (Decimal, date, datetime, list ...); :func:`plain`
turns them into JSON values, instants as UTC ISO text. :func:`trino_type` is the Trino
type an Iceberg column of a given Spark type must have: the Iceberg type mapping written
out once, so a column Trino reads as another type fails the comparison.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

SCALARS = {
    "string": "varchar", "int": "integer", "bigint": "bigint", "smallint": "smallint", "tinyint": "tinyint",
    "double": "double", "float": "real", "boolean": "boolean", "date": "date", "binary": "varbinary",
    # Iceberg `timestamptz` (Spark TIMESTAMP) is an instant; `timestamp` (TIMESTAMP_NTZ) is not.
    "timestamp": "timestamp(6) with time zone", "timestamp_ntz": "timestamp(6)",
}


def trino_type(spark_type: str) -> str:
    """The Trino type of a column Spark reports as ``spark_type`` (its simpleString)."""
    if spark_type.startswith("array<") and spark_type.endswith(">"):
        return f"array({trino_type(spark_type[len('array<'):-1])})"
    decimal = re.fullmatch(r"decimal\((\d+),(\d+)\)", spark_type)
    if decimal:
        return f"decimal({decimal.group(1)}, {decimal.group(2)})"      # as the trino client spells it
    return SCALARS[spark_type]


def plain(value):
    """``value`` as JSON: decimals as their exact text, instants in UTC, dates ISO, lists."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
