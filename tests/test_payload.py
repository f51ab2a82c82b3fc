"""Ids from Slack payloads are attacker controlled: only plain, bounded numbers pass."""

from __future__ import annotations

import pytest

from handlers.slack.payload import int_id, metadata_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (42, 42),
        ("1 OR 1=1", None),
        ("²", None),  # isdigit() says yes, int() says no
        ("9" * 20, None),  # would overflow a BIGINT comparison
        ("-3", None),
        (True, None),
        (None, None),
        ("", None),
    ],
)
def test_int_id(raw: object, expected: int | None) -> None:
    assert int_id(raw) == expected


def test_metadata_id_tolerates_garbage() -> None:
    assert metadata_id({"private_metadata": '{"pair_id": 7}'}, "pair_id") == 7
    assert metadata_id({"private_metadata": "not json"}, "pair_id") is None
    assert metadata_id({"private_metadata": "[1, 2]"}, "pair_id") is None
    assert metadata_id({}, "pair_id") is None


def test_ids_out_of_the_databases_range_are_no_ids() -> None:
    from handlers.slack.payload import MAX_ID, int_id

    assert int_id(MAX_ID) == MAX_ID
    assert int_id(str(MAX_ID)) == MAX_ID
    for odd in (2**31, "2147483648", 2**63, 2**70, 0, -1, "0", "99999999999", True, 1.0):
        assert int_id(odd) is None, odd
