"""Small driver-side rows (run-log entries, DQ figures, reference rates) as a DataFrame.

``SparkSession.createDataFrame`` ships Python rows through a Python worker process, and
starting that worker costs more than everything else these few rows take. Here the rows
become literals of one local relation, built in the JVM.
"""
from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType


def local_frame(spark: SparkSession, rows: Sequence[Sequence], schema: StructType) -> DataFrame:
    """``rows`` (tuples in ``schema``'s field order) as a DataFrame of ``schema``'s types."""
    if not rows:
        return spark.range(0).select(*[F.lit(None).cast(f.dataType).alias(f.name) for f in schema.fields])
    structs = [F.struct(*[F.lit(value).cast(field.dataType).alias(field.name)
                          for value, field in zip(row, schema.fields, strict=True)]) for row in rows]
    return spark.range(1).select(F.inline(F.array(*structs)))
