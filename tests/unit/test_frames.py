"""spark_jobs.frames.union_all: every row of every frame, columns matched by name."""
import pytest

from spark_jobs.frames import union_all


def test_rows_of_every_frame_are_kept_with_columns_matched_by_name(spark):
    a = spark.createDataFrame([(1, "x")], "n int, s string")
    b = spark.createDataFrame([("y", 2), ("y", 2)], "s string, n int")
    c = spark.createDataFrame([(3, "z")], "n int, s string")
    rows = sorted(tuple(r) for r in union_all([a, b, c]).collect())
    assert rows == [(1, "x"), (2, "y"), (2, "y"), (3, "z")]


def test_no_frames_is_an_error():
    with pytest.raises(ValueError, match="at least one frame"):
        union_all([])
