from spark_jobs.privacy.matching import bound_mentions, raw_mentions, safe_name, truncated_bounds

LONG = "customer-0000000000042"


def test_a_long_identifier_has_a_lower_and_an_upper_truncated_bound():
    assert truncated_bounds(LONG) == {"customer-0000000", "customer-0000001"}
    assert truncated_bounds("u_12") == frozenset()
    assert bound_mentions(b"customer-0000000", LONG)
    assert not bound_mentions(b"customer-000000", LONG)


def test_raw_bytes_match_whole_tokens_only():
    assert raw_mentions(b'\x18\x04u_12\x00', "u_12")
    assert not raw_mentions(b'"u_123"', "u_12")
    assert not raw_mentions(b'xu_12', "u_12")


def test_a_name_holding_the_identifier_is_redacted():
    assert safe_name("properties.u_12", "u_12") == "<identifier>"
    assert safe_name("user_id", "u_12") == "user_id"
