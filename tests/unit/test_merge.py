"""Key literals and slice predicates of spark_jobs.merge read back as the values they spell."""
from datetime import date

from spark_jobs.merge import sql_literal, values_in


def test_key_literals_read_back_as_the_values(spark):
    values = ["it's", "back\\slash", "plain", date(2026, 1, 2), 7]
    row = spark.sql("SELECT " + ", ".join(sql_literal(v) for v in values)).first()
    assert list(row) == values


def test_values_in_matches_text_with_a_quote(spark):
    frame = spark.sql("SELECT * FROM VALUES ('it''s'), ('it\\'s'), ('its') AS t(s)")
    assert [r["s"] for r in frame.where(values_in("s", ["it's"])).collect()] == ["it's"]
