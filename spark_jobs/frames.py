"""DataFrame helpers shared by every domain."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import reduce

from pyspark.sql import DataFrame, SparkSession

JOB_DESCRIPTION = "spark.job.description"


def union_all(frames: Iterable[DataFrame]) -> DataFrame:
    """The rows of every frame (duplicates kept), columns matched by name."""
    frames = list(frames)
    if not frames:
        raise ValueError("union_all needs at least one frame")
    return reduce(DataFrame.unionByName, frames)


@contextmanager
def described(spark: SparkSession, text: str) -> Iterator[None]:
    """The Spark jobs this thread starts inside carry ``text`` as their description (Spark
    UI, status store, ``bench/``): which step of a stage read what. The previous
    description comes back afterwards."""
    context = spark.sparkContext
    previous = context.getLocalProperty(JOB_DESCRIPTION)
    context.setLocalProperty(JOB_DESCRIPTION, text)
    try:
        yield
    finally:
        context.setLocalProperty(JOB_DESCRIPTION, previous)    # None removes it
