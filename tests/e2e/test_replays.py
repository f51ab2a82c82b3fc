"""The same signed interactive request, sent again within Slack's window, is answered once."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from bot.standin.driver import FORM
from bot.standin.stack import LocalStack
from handlers.slack import ids
from tests.e2e.helpers import (
    MEMBER_TANAKA,
    entries,
    last_view,
    pair_of,
    press,
    pushed_view,
    slash,
    tanaka_thread,
)

JSON = dict[str, object]


async def test_a_replayed_memo_submission_stores_the_entry_once(org: LocalStack) -> None:
    slot_id, _, _ = await tanaka_thread(org)
    await slash(org, MEMBER_TANAKA, "memo")
    history = last_view(org)
    pair_id = (await pair_of(org, MEMBER_TANAKA)).id
    await press(org, MEMBER_TANAKA, ids.MEMO_ADD, str(pair_id), view=history)
    form = pushed_view(org.standin.calls_to("views.push")[-1].response["view"], below=history)
    values = {
        ids.MEMO_ADD_SLOT_BLOCK: {
            ids.MEMO_ADD_SLOT: {"type": "static_select", "selected_option": {"value": str(slot_id)}}
        },
        ids.MEMO_ADD_TEXT_BLOCK: {
            ids.MEMO_ADD_TEXT: {"type": "plain_text_input", "value": "一度だけ保存される"}
        },
        ids.MEMO_ADD_KIND_BLOCK: {
            ids.MEMO_ADD_KIND: {"type": "checkboxes", "selected_options": []}
        },
    }
    driver = org.driver
    payload = driver._interactive(
        "view_submission",
        MEMBER_TANAKA,
        trigger_id="13345224609.738474920.8088930838d88f008e0",
        view={**form, "state": {"values": values}},
        response_urls=[],
    )
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
    timestamp = int(time.time())

    # The same bytes with the same signature, three times (as a replaying proxy would).
    answers = [await driver.post(body, FORM, timestamp=timestamp) for _ in range(3)]

    assert [a.status for a in answers] == [200, 200, 200]
    assert [e.text for e in await entries(org, slot_id)] == ["一度だけ保存される"]
    # A new submission (a new request, signed anew) is handled as usual.
    again = await driver.post(body, FORM, timestamp=timestamp + 1)
    assert again.status == 200
    assert len(await entries(org, slot_id)) == 2
