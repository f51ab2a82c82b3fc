"""Privacy end to end: memo text, picks, reflections and insights reach the two people of the
pair (the insight: only the leader) and nobody else, through any surface or forged id; and a
full cycle logs none of it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.demo import forms as picker
from bot.demo import sample_org_csv
from bot.logs import QUIET_LOGGERS, configure_logging
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import ActionItem, MemoEntry, Reflection, SlotState
from tests.e2e.helpers import (
    CLOCK,
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    action_items,
    add_reflection,
    add_slot,
    answers,
    dump,
    entries,
    last_view,
    now,
    open_reflection,
    open_thread,
    pair_of,
    person_id,
    press,
    pushed_view,
    reply,
    settle,
    slash,
    slot_row,
    todo_values,
)
from tests.e2e.helpers import submit_reflection as submit

JSON = dict[str, Any]
ADMIN = "U01ADM0001"

MEMO = "秘密メモ:転職を考えている"
EDITED = "秘密メモ改:転職の話は保留"
TODO = "秘密TODO:面談の日程を押さえる"
MODAL_MEMO = "秘密モーダル:体調のこと"
PICK_NOTE = "秘密ピック:家族の事情"
COMMENT = "秘密コメント:もっと聞いてほしい"
SECRETS = (MEMO, EDITED, TODO, MODAL_MEMO, PICK_NOTE, COMMENT)


async def add_admin(stack: LocalStack) -> None:
    await stack.import_org(
        "email,name,department,manager_email,slack_id,teams_id,role,locale,timezone\n"
        f"admin@example.co.jp,管理 太郎,人事部,,{ADMIN},,admin,ja,Asia/Tokyo\n"
    )


async def pick_with_a_secret_note(stack: LocalStack) -> None:
    """The member picks a topic through the real picker, with a private note."""
    await stack.driver.slash_command(MEMBER_TANAKA, "")
    await settle()
    view = last_view(stack)
    await stack.driver.block_actions(
        MEMBER_TANAKA,
        [{"action_id": ids.PICKER_TOPICS, "block_id": f"{ids.PICKER_TOPICS_BLOCK}0"}],
        view=view,
        values=picker.values(view, {"キャリア": (None, None)}),
    )
    await settle()
    view = last_view(stack)
    answer = await stack.driver.view_submission(
        MEMBER_TANAKA, view, picker.values(view, {"キャリア": ("listen", PICK_NOTE)})
    )
    assert answer.status == 200
    await settle()


async def full_cycle(stack: LocalStack) -> dict[str, Any]:
    """Picks, the memo thread, an edit, a TODO, a modal memo, a reflection, insight, Home."""
    await pick_with_a_secret_note(stack)
    pair = await pair_of(stack, MEMBER_TANAKA)
    slot_id = await add_slot(stack, pair.id or 0, now() + timedelta(minutes=1))
    channel, parent = await open_thread(stack, slot_id)
    assert PICK_NOTE in dump(stack.standin.messages[(channel, parent)]["blocks"])

    ts = await reply(stack, MEMBER_TANAKA, MEMO, channel, parent)
    await stack.driver.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "channel_type": "mpim",
            "ts": stack.standin.next_ts(),
            "message": {"type": "message", "user": MEMBER_TANAKA, "text": EDITED, "ts": ts},
        }
    )
    todo_ts = await reply(stack, LEADER_SALES, TODO, channel, parent)
    await stack.driver.message_action(
        LEADER_SALES, ids.MAKE_TODO, stack.standin.messages[(channel, todo_ts)], channel
    )
    await settle()
    await stack.driver.view_submission(
        LEADER_SALES, last_view(stack), todo_values(TODO, await person_id(stack, MEMBER_TANAKA))
    )
    await settle()

    await slash(stack, LEADER_SALES, "memo")
    await press(stack, LEADER_SALES, ids.MEMO_PAIR, str(pair.id), view=last_view(stack))
    history = last_view(stack)
    await press(stack, LEADER_SALES, ids.MEMO_ADD, str(pair.id), view=history)
    form = pushed_view(stack.standin.calls_to("views.push")[-1].response["view"], below=history)
    await stack.driver.view_submission(
        LEADER_SALES,
        form,
        {
            ids.MEMO_ADD_SLOT_BLOCK: {
                ids.MEMO_ADD_SLOT: {"selected_option": {"value": str(slot_id)}}
            },
            ids.MEMO_ADD_TEXT_BLOCK: {ids.MEMO_ADD_TEXT: {"value": MODAL_MEMO}},
        },
    )
    await settle()

    async with stack.runtime.db.write() as session:
        slot = await slot_row(stack, slot_id)
        slot.state, slot.answered_at = SlotState.held, now()
        session.add(slot)
    await stack.runtime.services.tick.run(now())
    form = await open_reflection(stack, MEMBER_TANAKA, slot_id)
    item_ids = [
        int(b["block_id"].removeprefix(ids.REFLECTION_ITEM_BLOCK))
        for b in form["blocks"]
        if b.get("block_id", "").startswith(ids.REFLECTION_ITEM_BLOCK)
    ]
    await submit(
        stack,
        MEMBER_TANAKA,
        form,
        answers(dict.fromkeys(item_ids, 2), 2, comment=COMMENT, share=True),
    )
    # Enough earlier, settled answers for the leader's insight to show.
    await add_reflection(stack, MEMBER_TAKAHASHI, [("listen", 5)], 5, days_ago=16)
    await add_reflection(stack, MEMBER_TAKAHASHI, [("listen", 4)], 4, days_ago=23)
    await add_reflection(stack, MEMBER_TANAKA, [("company_view", 3)], 3, days_ago=30)
    for user in (MEMBER_TANAKA, LEADER_SALES):
        await stack.driver.app_home_opened(user)
        await settle()
    return {"slot_id": slot_id, "channel": channel, "parent": parent, "memo_ts": ts}


def everything_sent(stack: LocalStack, since: int = 0) -> str:
    """Every Web API call (and response-URL post) the bot made, arguments and answers."""
    return "\n".join(
        json.dumps([c.method, c.args, c.response], ensure_ascii=False)
        for c in stack.standin.calls[since:]
    )


# --- logs ----------------------------------------------------------------------------------------


# Every logger runs at DEBUG, as if everything were verbose; then the product's own logging
# setup for `oneonone serve -v` runs, and it alone must keep the third-party wire traces
# (slack_sdk's request and response bodies, Bolt's ack bodies, every SQL statement with its
# parameters) out of the log.


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    configure_logging(verbose=True)
    for name in QUIET_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() > logging.DEBUG, name
    yield caplog
    for logger, level in saved.items():
        logger.setLevel(level)


async def test_a_full_cycle_logs_no_memo_text(
    org: LocalStack, debug_logs: pytest.LogCaptureFixture
) -> None:
    caplog = debug_logs
    cycle = await full_cycle(org)

    # The cycle really happened (so the logs had the chance to leak it)...
    assert [e.text for e in await entries(org, cycle["slot_id"])] == [EDITED, TODO, MODAL_MEMO]
    assert [i.text for i in await action_items(org)] == [TODO]
    sato_home = dump(org.standin.home_tabs[LEADER_SALES])
    assert "/5" in sato_home  # the insight is showing
    assert COMMENT in everything_sent(org)
    # ...and was logged at DEBUG all along (a line for each request at least)...
    traced = [
        r for r in caplog.records if r.levelno == logging.DEBUG and r.name == "oneonone.slack"
    ]
    assert len(traced) >= 10
    # ...but no log line carries any of it.
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    for secret in SECRETS:
        assert secret not in logged, secret
        assert secret.split(":")[1] not in logged, secret


async def test_verbose_logging_set_up_before_the_app_keeps_content_out_of_the_log(
    database_url: str,
) -> None:
    # As `oneonone serve -v` does it: logging first, then the app (Bolt then gives its own
    # loggers the root's DEBUG level), and what the log handler writes is what counts.
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = {logger: logger.level for logger in loggers}
    root_level = logging.root.level
    written = io.StringIO()
    handler = configure_logging(verbose=True, stream=written)
    try:
        async with LocalStack(database_url, clock=CLOCK) as stack:
            await stack.import_org(sample_org_csv())
            for name in list(logging.root.manager.loggerDict):
                if name.startswith("slack_bolt."):
                    logging.getLogger(name).setLevel(logging.DEBUG)  # as a new Bolt app does
            cycle = await full_cycle(stack)
            assert [e.text for e in await entries(stack, cycle["slot_id"])] == [
                EDITED,
                TODO,
                MODAL_MEMO,
            ]
    finally:
        logging.root.removeHandler(handler)
        logging.root.setLevel(root_level)
        for logger, level in saved.items():
            logger.setLevel(level)
    log = written.getvalue()
    assert log.count(" DEBUG oneonone.slack: ") >= 10  # traced all along
    assert "Responding with status" not in log
    for secret in SECRETS:
        assert secret not in log, secret
        assert secret.split(":")[1] not in log, secret


# --- third parties -------------------------------------------------------------------------------


async def test_no_one_else_gets_memo_text_picks_reflections_or_insight(org: LocalStack) -> None:
    await add_admin(org)
    cycle = await full_cycle(org)
    pair = await pair_of(org, MEMBER_TANAKA)
    slot_id, channel, parent = cycle["slot_id"], cycle["channel"], cycle["parent"]
    [todo] = await action_items(org)
    # What the pair themselves see (so that its absence below means something).
    assert "1回中0回" in dump(org.standin.home_tabs[MEMBER_TANAKA])
    assert "/5" in dump(org.standin.home_tabs[LEADER_SALES])
    assert TODO in dump(org.standin.home_tabs[MEMBER_TANAKA])
    memo_message = org.standin.messages[(channel, cycle["memo_ts"])]
    before_entries = len(await entries(org))
    home = {"id": "VHOME", "type": "home", "blocks": []}

    for intruder in (LEADER_DEV, HR, ADMIN, MEMBER_TAKAHASHI):
        since = len(org.standin.calls)
        await slash(org, intruder, "memo")
        await slash(org, intruder, "")
        await org.driver.app_home_opened(intruder)
        await settle()
        for action_id, value in [
            (ids.MEMO_PAIR, str(pair.id)),
            (ids.MEMO_ADD, str(pair.id)),
            (ids.TODO_ADD, str(pair.id)),
            (ids.REFLECTION_OPEN, str(slot_id)),
            (ids.VIEW_PICKS, str(pair.id)),
            (ids.MEMO_OPEN, "home"),
        ]:
            await press(org, intruder, action_id, value, view=home)
        await press(org, intruder, ids.MEMO_START, str(slot_id))
        # Paging inside a modal of their own whose metadata names Tanaka's pair.
        forged_history = {
            **last_view(org),
            "callback_id": ids.MEMO_HISTORY_CALLBACK,
            "private_metadata": json.dumps({"pair_id": pair.id, "page": 0}),
        }
        await press(org, intruder, ids.MEMO_PAGE, "0", view=forged_history)
        await org.driver.block_actions(
            intruder,
            [
                {
                    "action_id": ids.TODO_DONE,
                    "block_id": f"{ids.TODO_DONE_BLOCK}{todo.id}",
                    "type": "checkboxes",
                    "selected_options": [{"value": str(todo.id)}],
                }
            ],
            view=home,
        )
        await org.driver.message_action(intruder, ids.MAKE_TODO, memo_message, channel)
        await org.driver.message(intruder, "なりすまし", channel=channel, thread_ts=parent)
        await settle()
        forged_add = {
            "id": "VADD",
            "type": "modal",
            "callback_id": ids.MEMO_ADD_CALLBACK,
            "private_metadata": json.dumps({"pair_id": pair.id}),
        }
        await org.driver.view_submission(
            intruder,
            forged_add,
            {
                ids.MEMO_ADD_SLOT_BLOCK: {
                    ids.MEMO_ADD_SLOT: {"selected_option": {"value": str(slot_id)}}
                },
                ids.MEMO_ADD_TEXT_BLOCK: {ids.MEMO_ADD_TEXT: {"value": "なりすましのメモ"}},
            },
        )
        forged_todo = {
            "id": "VTODO",
            "type": "modal",
            "callback_id": ids.TODO_CALLBACK,
            "private_metadata": json.dumps(
                {"pair_id": pair.id, "slot_id": slot_id, "channel": channel, "ts": parent}
            ),
        }
        await org.driver.view_submission(
            intruder, forged_todo, todo_values("なりすましTODO", todo.owner_id)
        )
        forged_reflection = {
            "id": "VREFL",
            "type": "modal",
            "callback_id": ids.REFLECTION_CALLBACK,
            "private_metadata": json.dumps({"slot_id": slot_id}),
        }
        await submit(org, intruder, forged_reflection, answers({}, 1, comment="なりすまし"))
        await settle()

        shown = everything_sent(org, since)
        for secret in (EDITED, TODO, MODAL_MEMO, PICK_NOTE, COMMENT):
            assert secret not in shown, (intruder, secret)
        assert "/5" not in shown, intruder  # no insight figure
        assert "1回中0回" not in shown, intruder  # Tanaka's own history (Takahashi sees hers)
        assert "表示できません" in shown, intruder  # told politely, in Japanese

    # Nothing was stored, changed or opened on their behalf.
    assert len(await entries(org)) == before_entries
    assert [(i.text, i.done_at) for i in await action_items(org)] == [(TODO, None)]
    async with org.runtime.db.read() as session:
        reflections = (await session.exec(select(Reflection))).all()
        intruder_entries = (
            await session.exec(select(MemoEntry).where(col(MemoEntry.text).like("%なりすまし%")))
        ).all()
        todos = (await session.exec(select(ActionItem))).all()
    assert [(r.comment, r.overall) for r in reflections if r.slot_id == slot_id] == [(COMMENT, 2)]
    assert intruder_entries == []
    assert len(todos) == 1
    assert len(org.standin.calls_to("conversations.open")) == 1
