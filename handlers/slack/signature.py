"""What must hold before Bolt checks a request's signature."""

from __future__ import annotations

from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"


def has_plain_timestamp(headers: Mapping[str, str]) -> bool:
    """Slack's timestamp is a plain number of seconds. Bolt's verifier turns anything else
    into an exception (a 500) instead of a refusal, so such requests are refused before it."""
    value = headers.get(TIMESTAMP_HEADER, "")
    return value.isascii() and value.isdigit() and len(value) <= 12
