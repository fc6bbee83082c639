"""Driver-side rows become a DataFrame of the given schema without a Python worker."""
from datetime import date, datetime
from decimal import Decimal

from pyspark.sql.types import (DateType, DecimalType, LongType, StringType, StructField, StructType,
                               TimestampType)

from spark_jobs.local_rows import local_frame

SCHEMA = StructType([
    StructField("name", StringType(), nullable=False),
    StructField("day", DateType()),
    StructField("at", TimestampType()),
    StructField("amount", DecimalType(18, 2)),
    StructField("count", LongType()),
])


def test_rows_keep_their_values_types_and_order(spark):
    rows = [("a", date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5, 6), Decimal("1.25"), 7),
            ("b", None, None, None, None)]
    frame = local_frame(spark, rows, SCHEMA)
    assert [f.dataType for f in frame.schema.fields] == [f.dataType for f in SCHEMA.fields]
    assert frame.columns == SCHEMA.names
    assert [tuple(r) for r in frame.collect()] == rows


def test_a_column_without_nulls_stays_non_nullable(spark):
    frame = local_frame(spark, [("a", None, None, None, None)], SCHEMA)
    assert frame.schema["name"].nullable is False
    assert frame.schema["day"].nullable is True


def test_no_rows_is_an_empty_frame_of_the_schema(spark):
    frame = local_frame(spark, [], SCHEMA)
    assert frame.columns == SCHEMA.names and frame.count() == 0
    assert frame.schema["amount"].dataType == DecimalType(18, 2)


def test_text_with_quotes_and_backslashes_round_trips(spark):
    schema = StructType([StructField("text", StringType())])
    texts = ["it's", "back\\slash", "new\nline", "ünï 'q' \\'"]
    assert [r["text"] for r in local_frame(spark, [(t,) for t in texts], schema).collect()] == texts
