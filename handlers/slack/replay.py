"""Interactive requests answered once, however often the same signed request arrives.

Slack never resends a button press or a form submission, and each request it sends carries a
signature over its own timestamp and body; the same signature twice within Slack's five-minute
window is a replay (a proxy retrying, or someone resending captured bytes), and must not store
a memo or a TODO again. Events are de-duplicated by their event id elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bot.core.events import EventLedger
from handlers.slack.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER


class ReplayGuard:
    def __init__(self, signing_secret: str, ledger: EventLedger) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._ledger = ledger

    async def seen_before(self, body: bytes, headers: Mapping[str, str], now: datetime) -> bool:
        """True for a correctly signed interactive request already handled once."""
        if not body.startswith(b"payload="):
            return False  # slash commands and events have their own protection
        signature = headers.get(SIGNATURE_HEADER, "")
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        # Only a request Slack really signed is remembered: forged ones are Bolt's to refuse.
        if not self._verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return False
        team = _team_of(body)
        key = "sig:" + signature.removeprefix("v0=")[:60]
        return not await self._ledger.first_time(team, key, now=now)


def _team_of(body: bytes) -> str:
    try:
        payload = json.loads(parse_qs(body.decode("utf-8"))["payload"][0])
        team = payload.get("team") or {}
        value = team.get("id") if isinstance(team, dict) else None
    except (ValueError, KeyError, IndexError, AttributeError, UnicodeDecodeError):
        value = None
    return value if isinstance(value, str) and value else "-"
