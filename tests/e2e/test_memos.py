"""The shared memo thread and TODOs end to end: signed requests and ticks in, Slack Web API
calls and rows out, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.features.memos.memos import MemoThreadProducer
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.db import Database
from storage.models import (
    ActionItem,
    Agenda,
    Delivery,
    MemoEntry,
    SlotState,
)
from storage.queries import last_next_focus
from tests.e2e.helpers import (
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_EMILY,
    MEMBER_ITO,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    action_items,
    add_picks,
    add_slot,
    assert_seeks,
    button_message,
    dump,
    entries,
    last_view,
    now,
    open_thread,
    pair_of,
    person_id,
    posts_to,
    press,
    pushed_view,
    reply,
    seed_history,
    settle,
    slash,
    slot_row,
    tanaka_thread,
    todo_values,
)

JSON = dict[str, Any]


# --- helpers of this module (the shared ones are in helpers.py) ----------------------------------


def reactions_on(stack: LocalStack, channel: str, ts: str) -> set[str]:
    return stack.standin.reactions.get((channel, ts), set())


def replies_to_response_url(stack: LocalStack) -> list[str]:
    return [str(c.args.get("text")) for c in stack.standin.calls_to("response_url")]


# --- the thread opens when the 1on1 starts -------------------------------------------------------


async def test_tick_opens_one_memo_thread_with_picks_todos_and_the_last_focus(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    tanaka, sato = await person_id(org, MEMBER_TANAKA), await person_id(org, LEADER_SALES)
    earlier = await add_slot(org, pair.id or 0, now() - timedelta(days=14), state=SlotState.held)
    async with org.runtime.db.write() as session:
        session.add(
            MemoEntry(slot_id=earlier, author_id=sato, text="数字の根拠を先に", kind="next_focus")
        )
        session.add(
            ActionItem(
                pair_id=pair.id or 0, owner_id=tanaka, created_by_id=sato, text="見積書を送る"
            )
        )
    current = await add_slot(org, pair.id or 0, now() - timedelta(minutes=2))
    await add_picks(org, pair.id or 0, current, [("career", "listen", "異動の希望")])
    future = await add_slot(org, pair.id or 0, now() + timedelta(hours=2))
    long_ago = await add_slot(org, pair.id or 0, now() - timedelta(days=2))

    report = await org.runtime.services.tick.run(now())

    assert report.enqueued == 1
    opened = org.standin.calls_to("conversations.open")
    assert len(opened) == 1
    assert set(opened[0].args["users"].split(",")) == {LEADER_SALES, MEMBER_TANAKA}
    slot = await slot_row(org, current)
    assert slot.memo_conversation is not None
    assert slot.memo_conversation.startswith("G")
    parent = posts_to(org, slot.memo_conversation)
    assert len(parent) == 1
    assert parent[0].get("thread_ts") is None
    text = dump(parent[0]["blocks"])
    for expected in ("佐藤 健一さん × 田中 翔太さん", "キャリア", "ただ聞いてほしい", "異動の希望"):
        assert expected in text
    assert "見積書を送る" in text  # the open TODO is carried
    assert "数字の根拠を先に" in text  # what they said to keep in mind
    assert slot.memo_message_id == org.standin.calls_to("chat.postMessage")[0].response["ts"]
    assert slot.memo_platform == "slack"
    for other in (future, long_ago, earlier):
        assert (await slot_row(org, other)).memo_message_id is None

    again = await org.runtime.services.tick.run(now())
    assert again.enqueued == 0
    assert len(org.standin.calls_to("chat.postMessage")) == 1


async def test_picks_made_before_the_slot_existed_show_in_its_thread(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    await add_picks(org, pair.id or 0, None, [("work", "advice", None)])
    slot_id = await add_slot(org, pair.id or 0, now() - timedelta(minutes=1))

    channel, _ = await open_thread(org, slot_id)

    assert "アドバイスがほしい" in dump(posts_to(org, channel)[0]["blocks"])
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id == slot_id


async def test_the_start_button_opens_one_thread_however_often_and_whoever_races(
    org: LocalStack,
) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    slot_id = await add_slot(org, pair.id or 0, now() - timedelta(minutes=1))
    message, dm = button_message(org, LEADER_SALES, ids.MEMO_START, str(slot_id))
    member_message, member_dm = button_message(org, MEMBER_TANAKA, ids.MEMO_START, str(slot_id))
    action = [{"action_id": ids.MEMO_START, "value": str(slot_id)}]

    await asyncio.gather(
        org.driver.block_actions(LEADER_SALES, action, message=message, channel_id=dm),
        org.driver.block_actions(LEADER_SALES, action, message=message, channel_id=dm),
        org.runtime.services.tick.run(now()),
        org.driver.block_actions(
            MEMBER_TANAKA, action, message=member_message, channel_id=member_dm
        ),
    )
    await settle()

    slot = await slot_row(org, slot_id)
    assert slot.memo_conversation is not None
    assert len(posts_to(org, slot.memo_conversation)) == 1
    async with org.runtime.db.read() as session:
        rows = (await session.exec(select(Delivery).where(Delivery.slot_id == slot_id))).all()
    assert [(d.kind, d.status) for d in rows] == [("memo_thread", "sent")]
    answers = replies_to_response_url(org)
    assert len(answers) == 3
    assert any("作りました" in a for a in answers)
    assert all("作りました" in a or "すでにあります" in a or "準備" in a for a in answers)

    # Pressed again later: still the one thread.
    await press(org, LEADER_SALES, ids.MEMO_START, str(slot_id))
    assert len(posts_to(org, slot.memo_conversation)) == 1
    assert "すでにあります" in replies_to_response_url(org)[-1]


async def test_the_leader_can_start_the_thread_before_the_slot_begins(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    slot_id = await add_slot(org, pair.id or 0, now() + timedelta(minutes=10))

    await press(org, LEADER_SALES, ids.MEMO_START, str(slot_id))

    slot = await slot_row(org, slot_id)
    assert slot.memo_conversation is not None
    assert len(posts_to(org, slot.memo_conversation)) == 1
    await org.runtime.services.tick.run(now() + timedelta(minutes=11))
    assert len(posts_to(org, slot.memo_conversation)) == 1


async def test_skipped_or_moved_slots_get_no_thread(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    skipped = await add_slot(org, pair.id or 0, now() - timedelta(minutes=5), state="skipped")
    moved = await add_slot(org, pair.id or 0, now() - timedelta(minutes=4), state="moved")

    await org.runtime.services.tick.run(now())
    await press(org, LEADER_SALES, ids.MEMO_START, str(skipped))

    assert org.standin.calls_to("conversations.open") == []
    assert (await slot_row(org, skipped)).memo_message_id is None
    assert (await slot_row(org, moved)).memo_message_id is None
    assert "中止" in replies_to_response_url(org)[-1]


async def test_a_group_dm_that_cannot_be_opened_is_retried_not_lost(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    slot_id = await add_slot(org, pair.id or 0, now() - timedelta(minutes=1))
    org.standin.fail("conversations.open", "fatal_error")  # a transient platform error

    first = await org.runtime.services.tick.run(now())
    assert first.retried == 1
    assert (await slot_row(org, slot_id)).memo_message_id is None

    later = await org.runtime.services.tick.run(now() + timedelta(minutes=5))
    assert later.sent == 1
    assert (await slot_row(org, slot_id)).memo_message_id is not None


async def test_memo_producer_seeks_through_an_index(db: Database) -> None:
    """However much history there is, the tick's memo scan touches only waiting slots."""
    await seed_history(db, 4000)
    producer = MemoThreadProducer(db)

    assert await producer.enqueue_due(now()) == 0
    await assert_seeks(
        db,
        "SELECT id FROM slot WHERE state IN ('planned', 'held') AND memo_message_id IS NULL "
        "AND starts_at > :since AND starts_at <= :now",
        "starts_at",
    )


# --- replies become memos ------------------------------------------------------------------------


async def test_replies_are_stored_once_and_confirmed_with_a_reaction(org: LocalStack) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    tanaka, sato = await person_id(org, MEMBER_TANAKA), await person_id(org, LEADER_SALES)

    point = await reply(org, MEMBER_TANAKA, "提案書は来週までに", channel, parent)
    focus = await reply(org, LEADER_SALES, "次回: 価格の根拠を数字で示す", channel, parent)

    stored = await entries(org, slot_id)
    assert [(e.author_id, e.text, e.kind, e.message_id) for e in stored] == [
        (tanaka, "提案書は来週までに", "point", point),
        (sato, "価格の根拠を数字で示す", "next_focus", focus),
    ]
    assert reactions_on(org, channel, point) == {"memo"}
    assert reactions_on(org, channel, focus) == {"dart"}
    assert org.standin.calls_to("conversations.replies") == []  # never re-read
    async with org.runtime.db.read() as session:
        assert await last_next_focus(session, (await pair_of(org, MEMBER_TANAKA)).id or 0) == (
            "価格の根拠を数字で示す"
        )

    # Slack retries the event; the same message also arrives under another event id.
    event = {
        "type": "message",
        "user": MEMBER_TANAKA,
        "text": "提案書は来週までに",
        "ts": point,
        "thread_ts": parent,
        "channel": channel,
        "channel_type": "mpim",
    }
    retried = await org.driver.event(event, event_id="EvRETRY1", retry_num=1)
    again = await org.driver.event(event, event_id="EvRETRY1", retry_num=2)
    other = await org.driver.event(event, event_id="EvOTHER1")
    await settle()
    assert (retried.status, again.status, other.status) == (200, 200, 200)
    assert len(await entries(org, slot_id)) == 2


async def test_messages_outside_memo_threads_are_not_stored(org: LocalStack) -> None:
    slot_id, channel, parent = await tanaka_thread(org)

    await org.driver.message(MEMBER_TANAKA, "トップレベルの雑談", channel=channel)
    other_thread = org.standin.add_message(channel, user=LEADER_SALES, text="別の話")
    await org.driver.message(
        MEMBER_TANAKA, "別スレッドの返信", channel=channel, thread_ts=other_thread
    )
    await org.driver.message(HR, "第三者の書き込み", channel=channel, thread_ts=parent)
    await org.driver.event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0OTHER",
            "text": "ほかのボット",
            "ts": org.standin.next_ts(),
            "thread_ts": parent,
            "channel": channel,
            "channel_type": "mpim",
        }
    )
    dm = org.standin.dm_channel_id(MEMBER_TANAKA)
    await org.driver.message(MEMBER_TANAKA, "ボットとのDM", channel=dm, thread_ts=parent)
    # The bot's own reply in the thread (Bolt drops events from itself).
    await org.driver.event(
        {
            "type": "message",
            "user": org.standin.bot_user_id,
            "bot_id": org.standin.bot_id,
            "text": "ボット自身",
            "ts": org.standin.next_ts(),
            "thread_ts": parent,
            "channel": channel,
            "channel_type": "mpim",
        }
    )
    await settle()

    assert await entries(org) == []
    assert org.standin.calls_to("reactions.add") == []
    # A real reply afterwards is stored: the thread still works.
    await reply(org, MEMBER_TANAKA, "これは保存", channel, parent)
    assert [e.text for e in await entries(org, slot_id)] == ["これは保存"]


async def test_edits_and_deletes_are_mirrored(org: LocalStack) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    ts = await reply(org, MEMBER_TANAKA, "最初の文", channel, parent)

    changed = await org.driver.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel,
            "channel_type": "mpim",
            "ts": org.standin.next_ts(),
            "message": {
                "type": "message",
                "user": MEMBER_TANAKA,
                "text": "次回: 直した文",
                "ts": ts,
                "thread_ts": parent,
                "edited": {"user": MEMBER_TANAKA, "ts": org.standin.next_ts()},
            },
            "previous_message": {"type": "message", "user": MEMBER_TANAKA, "text": "最初の文"},
        }
    )
    assert changed.status == 200
    await settle()
    [entry] = await entries(org, slot_id)
    assert (entry.text, entry.kind) == ("直した文", "next_focus")
    assert entry.edited_at is not None

    deleted = await org.driver.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel,
            "channel_type": "mpim",
            "ts": org.standin.next_ts(),
            "deleted_ts": ts,
            "previous_message": {"type": "message", "user": MEMBER_TANAKA, "text": "直した文"},
        }
    )
    assert deleted.status == 200
    await settle()
    [entry] = await entries(org, slot_id)
    assert entry.deleted_at is not None
    assert entry.text == ""  # the deleted words are not kept
    async with org.runtime.db.read() as session:
        assert await last_next_focus(session, (await pair_of(org, MEMBER_TANAKA)).id or 0) is None


# --- /1on1 memo ----------------------------------------------------------------------------------


async def _seed_history(stack: LocalStack, weeks: int) -> list[int]:
    pair = await pair_of(stack, MEMBER_TANAKA)
    sato = await person_id(stack, LEADER_SALES)
    slots = []
    for week in range(weeks):
        slot_id = await add_slot(
            stack, pair.id or 0, now() - timedelta(weeks=week, hours=1), state=SlotState.held
        )
        async with stack.runtime.db.write() as session:
            session.add(MemoEntry(slot_id=slot_id, author_id=sato, text=f"記録{week}番"))
        slots.append(slot_id)
    return slots


async def test_memo_command_shows_history_newest_first_in_pages(org: LocalStack) -> None:
    await _seed_history(org, 7)

    await slash(org, LEADER_SALES, "memo")
    chooser = last_view(org)
    assert chooser["callback_id"] == ids.MEMO_CHOOSER_CALLBACK
    text = dump(chooser)
    assert "田中 翔太" in text
    assert "高橋 愛" in text
    assert "記録" not in text  # the chooser shows people, not memos
    tanaka_pair = (await pair_of(org, MEMBER_TANAKA)).id

    await press(org, LEADER_SALES, ids.MEMO_PAIR, str(tanaka_pair), view=chooser)
    history = last_view(org)
    shown = dump(history)
    assert [f"記録{n}番" in shown for n in range(7)] == [True] * 5 + [False] * 2
    assert shown.index("記録0番") < shown.index("記録1番") < shown.index("記録4番")
    assert ids.MEMO_PAGE in shown

    await press(org, LEADER_SALES, ids.MEMO_PAGE, "1", view=history)
    older = org.standin.calls_to("views.update")[-1]
    assert older.ok, older.response
    older_text = dump(older.args["view"])
    assert "記録5番" in older_text
    assert "記録6番" in older_text
    assert "記録4番" not in older_text

    # A member with one pair goes straight to its history.
    await slash(org, MEMBER_TANAKA, "memo")
    own = last_view(org)
    assert own["callback_id"] == ids.MEMO_HISTORY_CALLBACK
    assert "記録0番" in dump(own)


async def test_long_entries_are_stored_whole_and_shown_cut(org: LocalStack) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    long_text = "長" * 5000
    await reply(org, MEMBER_TANAKA, long_text, channel, parent)
    await reply(org, LEADER_SALES, "<!channel> の書き方", channel, parent)
    async with org.runtime.db.write() as session:
        sato = await person_id(org, LEADER_SALES)
        # Far more than one modal can hold (each entry shows up to 700 characters).
        for n in range(450):
            session.add(
                MemoEntry(slot_id=slot_id, author_id=sato, text=f"メモ{n} " * 150, created_at=now())
            )

    [stored, *_] = await entries(org, slot_id)
    assert stored.text == long_text  # stored whole

    await slash(org, MEMBER_TANAKA, "memo")
    call = org.standin.calls_to("views.open")[-1]
    assert call.ok, call.response  # within every Block Kit limit the stand-in checks
    view = call.args["view"]
    assert len(view["blocks"]) <= 100
    sections = [b["text"]["text"] for b in view["blocks"] if b.get("type") == "section"]
    assert all(len(s) <= 3000 for s in sections)
    shown = dump(view)
    assert "長" * 600 in shown
    assert "長" * 1000 not in shown
    assert "…" in shown
    assert "&lt;!channel&gt; の書き方" in shown  # people's text never becomes a mention
    assert "<!channel>" not in shown
    assert "この画面に収まらないメモがあります" in shown
    assert "スレッドで読めます" in shown  # where the rest is, not a button that will not show it


async def test_an_entry_added_in_the_modal_is_stored_and_shown(org: LocalStack) -> None:
    slot_id, _, _ = await tanaka_thread(org)

    await slash(org, MEMBER_TANAKA, "memo")
    history = last_view(org)
    pair_id = (await pair_of(org, MEMBER_TANAKA)).id
    await press(org, MEMBER_TANAKA, ids.MEMO_ADD, str(pair_id), view=history)
    pushed = org.standin.calls_to("views.push")[-1]
    assert pushed.ok, pushed.response
    form = pushed_view(pushed.response["view"], below=history)
    select_block = next(b for b in form["blocks"] if b.get("block_id") == ids.MEMO_ADD_SLOT_BLOCK)
    assert select_block["element"]["initial_option"]["value"] == str(slot_id)

    def values(text: str, slot: str, focus: bool = False) -> JSON:
        kind = [{"value": "next_focus"}] if focus else []
        return {
            ids.MEMO_ADD_SLOT_BLOCK: {
                ids.MEMO_ADD_SLOT: {"type": "static_select", "selected_option": {"value": slot}}
            },
            ids.MEMO_ADD_TEXT_BLOCK: {
                ids.MEMO_ADD_TEXT: {"type": "plain_text_input", "value": text}
            },
            ids.MEMO_ADD_KIND_BLOCK: {
                ids.MEMO_ADD_KIND: {"type": "checkboxes", "selected_options": kind}
            },
        }

    empty = await org.driver.view_submission(MEMBER_TANAKA, form, values("  ", str(slot_id)))
    assert empty.json()["response_action"] == "errors"
    assert ids.MEMO_ADD_TEXT_BLOCK in empty.json()["errors"]
    too_long = await org.driver.view_submission(
        MEMBER_TANAKA, form, values("あ" * 3001, str(slot_id))
    )
    assert "3000文字以内" in too_long.json()["errors"][ids.MEMO_ADD_TEXT_BLOCK]
    assert await entries(org) == []

    saved = await org.driver.view_submission(
        MEMBER_TANAKA, form, values("週次で進捗を共有する", str(slot_id), focus=True)
    )
    assert saved.status == 200
    assert saved.text.strip() == ""  # closes the add modal, back to the history
    await settle()
    [entry] = await entries(org, slot_id)
    assert (entry.text, entry.kind, entry.conversation) == (
        "週次で進捗を共有する",
        "next_focus",
        None,
    )
    redrawn = org.standin.calls_to("views.update")[-1]
    assert redrawn.args["view_id"] == history["id"]
    assert "週次で進捗を共有する" in dump(redrawn.args["view"])


# --- TODOs ---------------------------------------------------------------------------------------


async def make_todo_shortcut(stack: LocalStack, user: str, channel: str, message: JSON) -> JSON:
    response = await stack.driver.message_action(user, ids.MAKE_TODO, message, channel)
    assert response.status == 200
    await settle()
    return last_view(stack)


async def test_a_memo_message_becomes_one_todo_that_carries_until_done(org: LocalStack) -> None:
    slot_id, channel, parent = await tanaka_thread(org)
    ts = await reply(org, LEADER_SALES, "見積もりを金曜までに送る", channel, parent)
    message = org.standin.messages[(channel, ts)]
    tanaka = await person_id(org, MEMBER_TANAKA)

    modal = await make_todo_shortcut(org, LEADER_SALES, channel, message)
    assert modal["callback_id"] == ids.TODO_CALLBACK
    text_block = next(b for b in modal["blocks"] if b.get("block_id") == ids.TODO_TEXT_BLOCK)
    assert text_block["element"]["initial_value"] == "見積もりを金曜までに送る"

    answer = await org.driver.view_submission(
        LEADER_SALES, modal, todo_values("見積もりを金曜までに送る", tanaka)
    )
    assert answer.status == 200
    await settle()
    [item] = await action_items(org)
    assert (item.owner_id, item.text, item.due_at, item.slot_id) == (
        tanaka,
        "見積もりを金曜までに送る",
        None,  # by the next 1on1
        slot_id,
    )
    assert (item.source_platform, item.source_conversation, item.source_message_id) == (
        "slack",
        channel,
        ts,
    )
    assert "pushpin" in reactions_on(org, channel, ts)

    again = await make_todo_shortcut(org, MEMBER_TANAKA, channel, message)
    assert "すでにTODO" in dump(again)
    # Submitting the first modal a second time makes no second TODO either.
    await org.driver.view_submission(LEADER_SALES, modal, todo_values("別の文", tanaka))
    await settle()
    assert len(await action_items(org)) == 1

    # The thread's first message and other messages cannot become TODOs.
    parent_message = org.standin.messages[(channel, parent)]
    assert "返信だけ" in dump(await make_todo_shortcut(org, LEADER_SALES, channel, parent_message))
    dm = org.standin.dm_channel_id(LEADER_SALES)
    stray_ts = org.standin.add_message(dm, user=LEADER_SALES, text="DMのメモ")
    stray = org.standin.messages[(dm, stray_ts)]
    assert "返信だけ" in dump(await make_todo_shortcut(org, LEADER_SALES, dm, stray))

    # It waits in both Home tabs and in the next memo thread until done.
    await org.driver.app_home_opened(MEMBER_TANAKA)
    await settle()
    home = org.standin.home_tabs[MEMBER_TANAKA]
    assert "見積もりを金曜までに送る" in dump(home)
    await org.driver.app_home_opened(LEADER_SALES)
    await settle()
    assert "見積もりを金曜までに送る" in dump(org.standin.home_tabs[LEADER_SALES])

    pair_id = (await pair_of(org, MEMBER_TANAKA)).id or 0
    next_slot = await add_slot(org, pair_id, now() + timedelta(days=14))
    next_channel, _ = await open_thread(org, next_slot)
    assert "見積もりを金曜までに送る" in dump(posts_to(org, next_channel)[-1]["blocks"])

    checkbox = next(
        b for b in home["blocks"] if b.get("block_id", "").startswith(ids.TODO_DONE_BLOCK)
    )
    option = checkbox["accessory"]["options"][0]
    done = await org.driver.block_actions(
        MEMBER_TANAKA,
        [
            {
                "action_id": ids.TODO_DONE,
                "block_id": checkbox["block_id"],
                "type": "checkboxes",
                "selected_options": [option],
            }
        ],
        view=home,
    )
    assert done.status == 200
    await settle()
    [item] = await action_items(org)
    assert item.done_at is not None
    assert "見積もりを金曜までに送る" not in dump(org.standin.home_tabs[MEMBER_TANAKA])


async def test_todo_from_the_memo_modal_with_owner_and_due_date(org: LocalStack) -> None:
    await tanaka_thread(org)
    pair_id = (await pair_of(org, MEMBER_TANAKA)).id
    sato, tanaka = await person_id(org, LEADER_SALES), await person_id(org, MEMBER_TANAKA)
    hr = await person_id(org, HR)

    await slash(org, MEMBER_TANAKA, "memo")
    history = last_view(org)
    await press(org, MEMBER_TANAKA, ids.TODO_ADD, str(pair_id), view=history)
    modal = pushed_view(org.standin.calls_to("views.push")[-1].response["view"], below=history)
    owner = next(b for b in modal["blocks"] if b.get("block_id") == ids.TODO_OWNER_BLOCK)
    assert owner["element"]["initial_option"]["value"] == str(tanaka)  # the actor by default

    yesterday = (now() - timedelta(days=2)).date().isoformat()
    past = await org.driver.view_submission(
        MEMBER_TANAKA, modal, todo_values("資料を読む", sato, yesterday)
    )
    assert ids.TODO_DUE_BLOCK in past.json()["errors"]
    stranger = await org.driver.view_submission(MEMBER_TANAKA, modal, todo_values("x", hr))
    assert ids.TODO_OWNER_BLOCK in stranger.json()["errors"]
    empty = await org.driver.view_submission(MEMBER_TANAKA, modal, todo_values(" ", sato))
    assert ids.TODO_TEXT_BLOCK in empty.json()["errors"]
    assert await action_items(org) == []

    due = (now() + timedelta(days=7)).date()
    ok = await org.driver.view_submission(
        MEMBER_TANAKA, modal, todo_values("資料を読む", sato, due.isoformat())
    )
    assert ok.status == 200
    await settle()
    [item] = await action_items(org)
    assert (item.owner_id, item.created_by_id, item.source_message_id) == (sato, tanaka, None)
    assert item.due_at is not None
    assert item.due_at.astimezone(ZoneInfo("Asia/Tokyo")).date() == due
    assert "資料を読む" in dump(org.standin.calls_to("views.update")[-1].args["view"])


async def test_strangers_get_nothing_from_memo_actions(org: LocalStack) -> None:
    _, channel, parent = await tanaka_thread(org)
    await reply(org, MEMBER_TANAKA, "秘密の相談ごと", channel, parent)
    pair_id = (await pair_of(org, MEMBER_TANAKA)).id
    home = {"id": "VHOME", "type": "home", "blocks": []}

    for intruder in (LEADER_DEV, MEMBER_TAKAHASHI, HR, MEMBER_ITO):
        before = len(org.standin.view_history)
        await press(org, intruder, ids.MEMO_PAIR, str(pair_id), view=home)
        await press(org, intruder, ids.MEMO_ADD, str(pair_id), view=home)
        await press(org, intruder, ids.TODO_ADD, str(pair_id), view=home)
        shown = org.standin.view_history[before:]
        assert len(shown) == 3
        for view in shown:
            assert "秘密の相談ごと" not in dump(view)
            assert "表示できません" in dump(view)


async def test_the_thread_speaks_the_members_language(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_EMILY)
    slot_id = await add_slot(org, pair.id or 0, now() - timedelta(minutes=1))
    await add_picks(org, pair.id or 0, slot_id, [("career", "feedback", None)])

    channel, parent = await open_thread(org, slot_id)
    text = dump(posts_to(org, channel)[0]["blocks"])
    assert "1on1 memo" in text
    assert "Feedback" in text
    assert "Career" in text
    assert "never used for performance evaluation" in text

    ts = await reply(org, MEMBER_EMILY, "Next: share the design doc first", channel, parent)
    assert reactions_on(org, channel, ts) == {"dart"}
    [entry] = await entries(org, slot_id)
    assert (entry.kind, entry.text) == ("next_focus", "share the design doc first")
