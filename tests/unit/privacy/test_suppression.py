"""Bronze's gate: a record naming a suppressed subject is recognised by salted hash alone."""
from __future__ import annotations

from pyspark.sql import functions as F

from spark_jobs.privacy.keys import salted_sha256
from spark_jobs.privacy.suppression import names_suppressed

SALT = "test-salt"


def test_records_naming_a_suppressed_subject_are_flagged_by_hash(spark):
    records = spark.createDataFrame([(raw,) for raw in (
        '{"user_id": "u_12", "event_type": "login"}',       # the identifier field
        '{"user_id": "  u_12 ", "x": }',                      # padded, in a broken line
        '2026-01-01,u_12,3.5',                                # a CSV field
        '{"customer_id": "+001001"}',                         # a numeric id in another spelling
        '{"user_id": "u_123"}',                               # a longer id
        '{"note": "u_12 said"}',                              # a substring
        'not json at all',
    )], "raw string")
    hashes = {salted_sha256(SALT, "u_12"), salted_sha256(SALT, "1001")}
    flagged = records.select(names_suppressed(F.col("raw"), frozenset({"user_id", "customer_id"}), SALT, hashes)
                             .alias("dropped")).collect()
    assert [r.dropped for r in flagged] == [True, True, True, True, False, False, False]
