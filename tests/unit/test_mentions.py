from spark_jobs.privacy.mentions import mentions, names_subject, value_mentions

SUBJECT = "u_12"


def test_a_json_string_value_names_the_subject():
    assert mentions('{"user_id": "u_12", "amount": 3}', SUBJECT)


def test_a_longer_identifier_does_not():
    assert not mentions('{"user_id": "u_123"}', SUBJECT)
    assert not mentions('{"note": "u_12 said"}', SUBJECT)


def test_escaped_json_still_names_the_subject():
    assert mentions('{"user_id": "\\u0075_12"}', SUBJECT)


def test_broken_json_with_the_identifier_as_a_string_names_it():
    assert mentions('{"user_id": "u_12", "ts": }', SUBJECT)
    assert mentions('{"user_id": "u_12"}{"user_id": "u_9"}', SUBJECT)


def test_a_csv_field_names_the_subject_and_a_number_does_not():
    assert mentions('2026-01-01,u_12,9.99', SUBJECT)
    assert mentions('2026-01-01,"u_12",9.99', SUBJECT)
    assert not mentions('2026-01-01,u_120,9.99', SUBJECT)


def test_nested_values():
    assert value_mentions({"a": [1, "u_12"]}, SUBJECT)
    assert value_mentions(b"u_12", SUBJECT)
    assert not value_mentions(["u_1", 12], SUBJECT)
    assert not mentions(None, SUBJECT)


def test_a_numeric_customer_id_is_named_by_its_field_only():
    assert names_subject('{"customer_id": 1001, "item_id": 7}', "1001", "customer_id")
    assert names_subject('{"customer_id":"1001","ts": }', "1001", "customer_id")
    assert not names_subject('{"customer_id": 10012, "item_id": 1001}', "1001", "customer_id")
    assert not names_subject('{"customer_id": 1001.5}', "1001", "customer_id")


def test_values_are_trimmed_as_silver_trims_them():
    assert mentions('{"user_id": "  u_12 "}', SUBJECT)
    assert names_subject('{"user_id": " u_12", "ts": }', SUBJECT, "user_id")
    assert value_mentions(" u_12\t", SUBJECT)


def test_a_numeric_identifier_in_any_integer_spelling():
    assert names_subject('{"customer_id": "+001001"}', "1001", "customer_id")
    assert names_subject('{"customer_id": " 1001 ", "x": ', "1001", "customer_id")
    assert not names_subject('{"customer_id": 1001e3}', "1001", "customer_id")
