"""Tips end to end: signed requests in, Slack Web API calls and DB rows out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.features.picks.service import PickInput
from bot.features.tips.service import TipDraft
from bot.features.tips.starter import ensure_starter_tips
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Pair, Slot, Tip, TipHelpful
from tests.e2e.helpers import (
    CHANNEL,
    CLOCK,
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_EMILY,
    MEMBER_TANAKA,
    add_channel,
    channel_posts,
    configure,
    dump,
    make_admin,
    open_modal,
    person_id,
    tip_values,
    tips_by,
    wait_channel_posts,
    write_tip,
)
from tests.e2e.helpers import now as e2e_now

JSON = dict[str, Any]


async def ephemeral_reply(stack: LocalStack, count: int = 1) -> str:
    replies = await stack.standin.wait_for("response_url", count=count)
    return str(replies[-1].args.get("text"))


async def dm_to(stack: LocalStack, user: str, count: int = 1) -> list[JSON]:
    for _ in range(200):
        found = [
            c.args for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == user
        ]
        if len(found) >= count:
            return found
        seen = len(stack.standin.calls_to("chat.postMessage"))
        await stack.standin.wait_for("chat.postMessage", count=seen + 1)
    raise AssertionError(f"no DM to {user}")


def message_of(stack: LocalStack, tip: Tip) -> JSON:
    assert tip.conversation
    assert tip.message_id
    message = stack.standin.messages[(tip.conversation, tip.message_id)]
    return {**message, "ts": tip.message_id}


def action_in(blocks: list[JSON], action_id: str) -> JSON:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"{action_id} not in blocks")


async def shared_tip(stack: LocalStack, **values: Any) -> Tip:
    """The sales leader shares a tip in the configured channel."""
    before = len(channel_posts(stack))
    dms = len(
        [c for c in stack.standin.calls_to("chat.postMessage") if c.args["channel"] == LEADER_SALES]
    )
    await write_tip(stack, LEADER_SALES, **values)
    await wait_channel_posts(stack, before + 1)
    await dm_to(stack, LEADER_SALES, dms + 1)  # sent after the message's ts is stored
    tip = (await tips_by(stack, LEADER_SALES))[-1]
    assert tip.message_id is not None
    return tip


# --- writing and sharing -------------------------------------------------------------------------


async def test_leader_shares_a_tip_and_it_is_posted_with_tags(org: LocalStack) -> None:
    add_channel(org)
    answer = await configure(org)
    assert answer == {"response_action": "clear"}
    welcome = await wait_channel_posts(org, 1)
    assert "うまくいった工夫" in dump(welcome[0]["blocks"])
    assert "毎週金曜 17:00" in dump(welcome[0]["blocks"])

    answer = await write_tip(
        org,
        LEADER_SALES,
        title="商談の前に5分だけ作戦会議",
        body="同行前に5分だけ、メンバーに次の一手を話してもらいました。自分から提案が出るようになりました。",
    )
    assert answer == {"response_action": "clear"}

    posts = await wait_channel_posts(org, 2)
    author_dm = await dm_to(org, LEADER_SALES)
    shown = dump(posts[-1]["blocks"])
    assert "商談の前に5分だけ作戦会議" in shown
    assert "テーマ: 商談の進め方" in shown
    assert "関わり方: アドバイスがほしい" in shown
    assert "佐藤 健一さん" in shown
    assert "参考になった 0" in shown
    [tip] = await tips_by(org, LEADER_SALES)
    assert (tip.conversation, tip.topic_key, tip.expectation) == (
        CHANNEL,
        "deal_strategy",
        "advice",
    )
    assert tip.platform == "slack"
    assert tip.post_error is None
    assert "共有しました" in dump(author_dm[-1]["blocks"])


async def test_errors_are_shown_on_the_field_and_nothing_is_saved(org: LocalStack) -> None:
    add_channel(org)
    await configure(org)
    missing = await write_tip(org, LEADER_SALES, title="", body="本文", expectation=None)
    assert missing["response_action"] == "errors"
    assert set(missing["errors"]) == {ids.TIP_TITLE, ids.TIP_EXPECTATION}
    assert "関わり方" in missing["errors"][ids.TIP_EXPECTATION]

    too_long = await write_tip(org, LEADER_SALES, title="長い", body="あ" * 1501)
    assert too_long["response_action"] == "errors"
    assert "1500文字以内" in too_long["errors"][ids.TIP_BODY]

    forged_topic = await write_tip(org, LEADER_SALES, title="t", body="b", topic="no_such_topic")
    assert forged_topic["response_action"] == "errors"
    assert set(forged_topic["errors"]) == {ids.TIP_TOPIC}

    assert await tips_by(org, LEADER_SALES) == []
    assert len(channel_posts(org)) == 1  # only the welcome


async def test_only_leaders_write_and_only_leaders_and_admins_browse(org: LocalStack) -> None:
    await org.driver.slash_command(MEMBER_TANAKA, "tip")
    assert "リーダー" in await ephemeral_reply(org, 1)
    await org.driver.slash_command(HR, "tip")
    assert "リーダー" in await ephemeral_reply(org, 2)
    await org.driver.slash_command(HR, "tips")
    assert "管理者" in await ephemeral_reply(org, 3)
    await org.driver.slash_command(MEMBER_EMILY, "tips")  # English speaker
    assert "leaders who run 1on1s" in await ephemeral_reply(org, 4)
    await org.driver.slash_command(LEADER_SALES, "config")
    assert "管理者だけ" in await ephemeral_reply(org, 5)
    assert org.standin.calls_to("views.open") == []

    # An admin who leads no one may browse, but not write.
    await make_admin(org, HR)
    view = await open_modal(org, HR, "tips")
    assert view["callback_id"] == ids.TIPS_BROWSE_CALLBACK


async def test_member_cannot_submit_a_forged_tip_form(org: LocalStack) -> None:
    view = await open_modal(org, LEADER_SALES, "tip")
    response = await org.driver.view_submission(
        MEMBER_TANAKA, view, tip_values(title="なりすまし", body="本文")
    )
    answer = response.json()
    assert answer["response_action"] == "update"
    assert "リーダー" in dump(answer["view"])
    async with org.runtime.db.read() as session:
        assert (await session.exec(select(Tip).where(Tip.title == "なりすまし"))).all() == []


# --- the bot is not in the channel --------------------------------------------------------------


async def test_not_in_channel_keeps_the_tip_tells_the_author_and_posts_later(
    org: LocalStack,
) -> None:
    add_channel(org, bot_inside=False)
    await configure(org)
    admin_dm = await dm_to(org, HR)
    assert "/invite @1on1" in dump(admin_dm[-1]["blocks"])

    await write_tip(
        org, LEADER_SALES, title="沈黙を10秒待つ", body="質問のあと、沈黙を10秒待ちました。"
    )
    notice = (await dm_to(org, LEADER_SALES))[-1]  # sent once the outcome is stored
    [tip] = await tips_by(org, LEADER_SALES)
    assert tip.post_error == "not_in_channel"
    assert tip.conversation is None
    text = dump(notice["blocks"])
    assert "保存しました" in text
    assert "/invite @1on1" in text
    button = action_in(notice["blocks"], ids.TIP_POST_AGAIN)

    # Still findable while it waits.
    view = await open_modal(org, LEADER_DEV, "tips 沈黙")
    assert "沈黙を10秒待つ" in dump(view)

    # Someone invites the bot; the author presses the button in the DM.
    conversation = org.standin.conversations[CHANNEL]
    assert conversation.members is not None
    conversation.members.add(org.standin.bot_user_id)
    dm = org.standin.dm_channel_id(LEADER_SALES)
    ts = org.standin.add_message(dm, user=org.standin.bot_user_id, blocks=notice["blocks"])
    message = {"type": "message", "ts": ts, "text": notice["text"], "blocks": notice["blocks"]}
    await org.driver.block_actions(LEADER_SALES, [button], message=message, channel_id=dm)

    posts = await wait_channel_posts(org, 1)
    assert "沈黙を10秒待つ" in dump(posts[-1]["blocks"])
    updates = await org.standin.wait_for("chat.update")
    assert updates[-1].args["ts"] == ts
    assert "共有しました" in dump(updates[-1].args["blocks"])
    [tip] = await tips_by(org, LEADER_SALES)
    assert (tip.conversation, tip.post_error) == (CHANNEL, None)


async def test_unknown_channel_keeps_the_tip_and_a_new_channel_posts_it(org: LocalStack) -> None:
    await configure(org, channel="C0GONE999")  # deleted, or private without the bot
    await write_tip(org, LEADER_SALES, title="一行目に結論", body="結論を先に書いてもらいました。")
    text = dump((await dm_to(org, LEADER_SALES))[-1]["blocks"])
    [tip] = await tips_by(org, LEADER_SALES)
    assert tip.post_error == "channel_not_found"
    assert "/invite @1on1" in text
    assert "/1on1 config" in text

    add_channel(org)
    await configure(org)  # the admin fixes the channel: the waiting tip goes out
    posts = await wait_channel_posts(org, 2)  # welcome, then the tip
    assert "一行目に結論" in dump(posts[-1]["blocks"])
    await dm_to(org, LEADER_SALES, 2)  # the author hears it went out after all
    [tip] = await tips_by(org, LEADER_SALES)
    assert tip.conversation == CHANNEL


async def test_environment_variable_sets_the_channel(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONEONONE_TIPS_CHANNEL", CHANNEL)
    from bot.demo import sample_org_csv

    async with LocalStack(database_url, clock=CLOCK) as stack:
        await stack.import_org(sample_org_csv())
        add_channel(stack)
        await write_tip(stack, LEADER_DEV, title="雑談から入る", body="最初の3分は雑談にしました。")
        posts = await wait_channel_posts(stack, 1)
        assert "雑談から入る" in dump(posts[0]["blocks"])


# --- helpful --------------------------------------------------------------------------------------


async def test_helpful_toggles_and_updates_the_count(org: LocalStack) -> None:
    add_channel(org)
    await configure(org)
    tip = await shared_tip(org, title="ホワイトボードで整理", body="選択肢を書き出しました。")
    message = message_of(org, tip)
    button = action_in(message["blocks"], ids.TIP_HELPFUL)
    updates = len(org.standin.calls_to("chat.update"))

    await org.driver.block_actions(LEADER_DEV, [button], message=message, channel_id=CHANNEL)
    calls = await org.standin.wait_for("chat.update", count=updates + 1)
    assert calls[-1].args["ts"] == tip.message_id
    assert "参考になった 1" in dump(calls[-1].args["blocks"])

    await org.driver.block_actions(LEADER_DEV, [button], message=message, channel_id=CHANNEL)
    calls = await org.standin.wait_for("chat.update", count=updates + 2)
    assert "参考になった 0" in dump(calls[-1].args["blocks"])
    async with org.runtime.db.read() as session:
        assert (await session.get(Tip, tip.id)) is not None
        assert (await session.exec(select(TipHelpful))).all() == []

    await org.driver.block_actions(LEADER_SALES, [button], message=message, channel_id=CHANNEL)
    assert "ご自身のヒント" in await ephemeral_reply(org, 1)
    await org.driver.block_actions(MEMBER_TANAKA, [button], message=message, channel_id=CHANNEL)
    assert "リーダー" in await ephemeral_reply(org, 2)
    forged = {**button, "value": "999999"}
    await org.driver.block_actions(LEADER_DEV, [forged], message=message, channel_id=CHANNEL)
    assert "見つかりません" in await ephemeral_reply(org, 3)
    assert len(org.standin.calls_to("chat.update")) == updates + 2


# --- browsing ------------------------------------------------------------------------------------


async def add_tips(stack: LocalStack, drafts: list[tuple[TipDraft, int]]) -> None:
    """Tips by the development leader, each with its helpful count set as if n had marked it."""
    tips = stack.runtime.services.tips
    author = await person_id(stack, LEADER_DEV)
    now = e2e_now()
    for draft, helpful in drafts:
        tip_id = await tips.create(author, draft, now=now)
        async with stack.runtime.db.write() as session:
            tip = await session.get(Tip, tip_id)
            assert tip is not None
            tip.helpful_count = helpful
            session.add(tip)


async def test_browse_ranks_by_match_and_helpfulness_and_pages(org: LocalStack) -> None:
    drafts = [
        (TipDraft("work", None, "listen", f"振り返りメモ{n}", "ホワイトボードを使いました。"), n)
        for n in range(12)
    ]
    drafts.append(
        (TipDraft("career", None, "feedback", "ホワイトボードで未来を描く", "図にしました。"), 0)
    )
    drafts.append((TipDraft("work", None, "advice", "関係のない話", "何も使いません。"), 50))
    await add_tips(org, drafts)

    view = await open_modal(org, LEADER_SALES, "tips ホワイトボード")
    text = dump(view)
    assert "13件のヒント" in text
    titles = [b["text"]["text"].split("\n")[0] for b in view["blocks"] if b["type"] == "section"]
    # The title match ranks first despite no helpful marks; then by helpfulness.
    assert titles[0] == "*ホワイトボードで未来を描く*"
    assert titles[1:4] == ["*振り返りメモ11*", "*振り返りメモ10*", "*振り返りメモ9*"]
    assert "関係のない話" not in text
    assert "参考になった 11" in text
    assert "関わり方: ただ聞いてほしい" in text

    next_button = action_in(view["blocks"], ids.TIPS_PAGE_NEXT)
    await org.driver.block_actions(LEADER_SALES, [next_button], view=view)
    page2 = (await org.standin.wait_for("views.update"))[-1].response["view"]
    titles2 = [b["text"]["text"].split("\n")[0] for b in page2["blocks"] if b["type"] == "section"]
    assert titles2 == ["*振り返りメモ2*", "*振り返りメモ1*", "*振り返りメモ0*"]
    assert "11〜13件目" in dump(page2)
    action_in(page2["blocks"], ids.TIPS_PAGE_PREV)

    # Narrowing by the expectation (a select that redraws the modal).
    values = {
        ids.TIPS_WORDS: {ids.TIPS_WORDS: {"type": "plain_text_input", "value": "ホワイトボード"}},
        ids.TIPS_FILTER_EXPECTATION: {
            ids.TIPS_FILTER_EXPECTATION: {
                "type": "static_select",
                "selected_option": {"value": "feedback"},
            }
        },
    }
    await org.driver.block_actions(
        LEADER_SALES,
        [{"action_id": ids.TIPS_FILTER_EXPECTATION, "block_id": ids.TIPS_FILTER_EXPECTATION}],
        view=page2,
        values=values,
    )
    narrowed = (await org.standin.wait_for("views.update", count=2))[-1].response["view"]
    assert "1件のヒント" in dump(narrowed)
    assert "ホワイトボードで未来を描く" in dump(narrowed)

    # Japanese has no spaces: a word inside a sentence is found, and words combine (AND).
    answer = await org.driver.view_submission(
        LEADER_SALES,
        narrowed,
        {ids.TIPS_WORDS: {ids.TIPS_WORDS: {"type": "plain_text_input", "value": "未来 図"}}},
    )
    shown = answer.json()["view"]
    assert "1件のヒント" in dump(shown)
    assert "ホワイトボードで未来を描く" in dump(shown)


async def test_helpful_from_the_browse_modal_redraws_it(org: LocalStack) -> None:
    await add_tips(org, [(TipDraft("work", None, "listen", "朝会のあとに5分", "本文"), 0)])
    view = await open_modal(org, LEADER_SALES, "tips 朝会")
    button = action_in(view["blocks"], ids.TIP_HELPFUL)
    assert button["text"]["text"] == "参考になった 0"

    await org.driver.block_actions(LEADER_SALES, [button], view=view)
    redrawn = (await org.standin.wait_for("views.update"))[-1].response["view"]
    pressed = action_in(redrawn["blocks"], ids.TIP_HELPFUL)
    assert pressed["text"]["text"] == "参考になった 1 ✓"
    assert "朝会" in dump(redrawn)  # the same search, redrawn


async def test_starter_tips_are_there_in_the_readers_language(org: LocalStack) -> None:
    ja_view = await open_modal(org, LEADER_SALES, "tips 要約")
    assert "返事の前に、聞いた内容を要約して返す" in dump(ja_view)
    assert "はじめてのヒント" in dump(ja_view)
    # Emily reads English; make her a leader for this.
    async with org.runtime.db.write() as session:
        session.add(
            Pair(
                leader_id=await person_id(org, MEMBER_EMILY),
                member_id=await person_id(org, MEMBER_TANAKA),
            )
        )
    en_view = await open_modal(org, MEMBER_EMILY, "tips HEARD")
    assert "Sum up what you heard before you reply" in dump(en_view)
    assert "要約" not in dump(en_view)


# --- ownership ---------------------------------------------------------------------------------


async def test_only_the_author_or_an_admin_edits_or_deletes(org: LocalStack) -> None:
    add_channel(org)
    await configure(org)
    tip = await shared_tip(org, title="元のタイトル", body="元の本文")
    message = message_of(org, tip)
    menu = action_in(message["blocks"], ids.TIP_MENU)
    edit = {**menu, "selected_option": {"value": f"edit:{tip.id}"}}
    delete = {**menu, "selected_option": {"value": f"delete:{tip.id}"}}

    # Another leader: refused, politely, with nothing opened.
    await org.driver.block_actions(LEADER_DEV, [edit], message=message, channel_id=CHANNEL)
    assert "書いた本人と管理者" in await ephemeral_reply(org, 1)
    await org.driver.block_actions(LEADER_DEV, [delete], message=message, channel_id=CHANNEL)
    assert "書いた本人と管理者" in await ephemeral_reply(org, 2)

    # Forged forms (the tip id in private_metadata is attacker controlled) store nothing.
    form = await open_modal(org, LEADER_DEV, "tip")
    forged = {**form, "private_metadata": json.dumps({"tip_id": tip.id})}
    answer = await org.driver.view_submission(
        LEADER_DEV, forged, tip_values(title="乗っ取り", body="x")
    )
    assert answer.json()["response_action"] == "update"
    assert "書いた本人と管理者" in dump(answer.json()["view"])
    confirm = {
        "id": "V0FORGED1",
        "type": "modal",
        "callback_id": ids.TIP_DELETE_CALLBACK,
        "private_metadata": json.dumps({"tip_id": tip.id}),
        "blocks": [],
    }
    answer = await org.driver.view_submission(MEMBER_TANAKA, confirm, {})
    assert "書いた本人と管理者" in dump(answer.json()["view"])
    [kept] = await tips_by(org, LEADER_SALES)
    assert (kept.title, kept.deleted_at) == ("元のタイトル", None)
    assert org.standin.calls_to("chat.delete") == []

    # The author edits: the channel message follows.
    opened = len(org.standin.calls_to("views.open"))
    await org.driver.block_actions(LEADER_SALES, [edit], message=message, channel_id=CHANNEL)
    edit_form = (await org.standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    assert "元の本文" in dump(edit_form)
    updates = len(org.standin.calls_to("chat.update"))
    answer = await org.driver.view_submission(
        LEADER_SALES, edit_form, tip_values(title="新しいタイトル", body="新しい本文")
    )
    assert answer.json() == {"response_action": "clear"}
    calls = await org.standin.wait_for("chat.update", count=updates + 1)
    assert "新しいタイトル" in dump(calls[-1].args["blocks"])

    # An admin deletes it: it leaves the channel and the search.
    opened = len(org.standin.calls_to("views.open"))
    await org.driver.block_actions(HR, [delete], message=message, channel_id=CHANNEL)
    confirm_view = (await org.standin.wait_for("views.open", count=opened + 1))[-1].response["view"]
    answer = await org.driver.view_submission(HR, confirm_view, {})
    assert "削除しました" in dump(answer.json()["view"])
    deleted = await org.standin.wait_for("chat.delete")
    assert (deleted[-1].args["channel"], deleted[-1].args["ts"]) == (CHANNEL, tip.message_id)
    assert (CHANNEL, tip.message_id) not in org.standin.messages
    view = await open_modal(org, LEADER_DEV, "tips 新しい")
    assert "新しいタイトル" not in dump(view)


async def test_admin_removes_a_starter_tip_and_it_stays_removed(org: LocalStack) -> None:
    await make_admin(org, HR)
    view = await open_modal(org, HR, "tips 要約")
    menu = action_in(view["blocks"], ids.TIP_MENU)
    tip_id = int(menu["options"][1]["value"].split(":")[1])
    chosen = {**menu, "selected_option": menu["options"][1]}
    await org.driver.block_actions(HR, [chosen], view=view)
    confirm = (await org.standin.wait_for("views.push"))[-1].response["view"]
    assert "日本語版と英語版の両方" in dump(confirm)
    await org.driver.view_submission(HR, confirm, {})

    async with org.runtime.db.read() as session:
        tip = await session.get(Tip, tip_id)
        assert tip is not None
        assert tip.starter_key is not None
        base = tip.starter_key.split(":")[0]
        twins = (
            await session.exec(select(Tip).where(col(Tip.starter_key).startswith(f"{base}:")))
        ).all()
    assert len(twins) == 2
    assert all(t.deleted_at is not None for t in twins)

    assert await ensure_starter_tips(org.runtime.db) == 0  # a restart seeds nothing back
    view = await open_modal(org, LEADER_SALES, "tips 要約して返す")
    assert "返事の前に、聞いた内容を要約して返す" not in dump(view)


# --- weekly -----------------------------------------------------------------------------------


async def test_weekly_digest_and_thanks_go_out_once(org: LocalStack) -> None:
    add_channel(org)
    await configure(org, weekday="0", at="09:00")  # Mondays 09:00 Tokyo
    services = org.runtime.services
    sales, dev = await person_id(org, LEADER_SALES), await person_id(org, LEADER_DEV)
    # Monday 2031-03-03 09:00 Tokyo; the week covered is 02-24 09:00 to 03-03 09:00.
    moment = datetime(2031, 3, 3, 0, 0, tzinfo=UTC)
    inside = moment - timedelta(days=2)
    popular = await services.tips.create(
        sales, TipDraft("work", None, "listen", "週の人気ヒント", "本文"), now=inside
    )
    await services.tips.create(
        sales, TipDraft("work", None, "advice", "静かなヒント", "本文"), now=inside
    )
    await services.tips.create(
        dev,
        TipDraft("work", None, "advice", "先々週のヒント", "本文"),
        now=moment - timedelta(days=16),
    )
    await services.tips.toggle_helpful(dev, popular, now=inside)

    before = len(channel_posts(org))
    report = await services.tick.run(moment - timedelta(minutes=1))
    assert report.enqueued == 0  # not yet Monday 09:00, and the week before had no new tips

    report = await services.tick.run(moment + timedelta(minutes=1))
    assert report.sent == 2  # the channel digest and one author's thanks
    posts = channel_posts(org)
    assert len(posts) == before + 1
    weekly = dump(posts[-1]["blocks"])
    assert "今週のヒント(2月24日〜3月2日)" in weekly
    assert weekly.index("週の人気ヒント") < weekly.index("静かなヒント")
    assert "先々週のヒント" not in weekly
    thanks = (await dm_to(org, LEADER_SALES))[-1]
    assert "「参考になった」が1件" in dump(thanks["blocks"])
    assert "週の人気ヒント" in dump(thanks["blocks"])

    # Another pass (or another replica) sends nothing again.
    again = await services.tick.run(moment + timedelta(minutes=2))
    assert (again.enqueued, again.sent) == (0, 0)
    assert len(channel_posts(org)) == before + 1

    # A week without new tips: nothing at all.
    quiet_week = await services.tick.run(moment + timedelta(days=7, minutes=1))
    assert (quiet_week.enqueued, quiet_week.sent) == (0, 0)
    assert len(channel_posts(org)) == before + 1


# --- the leader's digest ---------------------------------------------------------------------


async def test_the_leaders_digest_offers_matching_tips(org: LocalStack) -> None:
    services = org.runtime.services
    sales, dev = await person_id(org, LEADER_SALES), await person_id(org, LEADER_DEV)
    tanaka = await person_id(org, MEMBER_TANAKA)
    async with org.runtime.db.read() as session:
        pair = (await session.exec(select(Pair).where(Pair.member_id == tanaka))).one()
    assert pair.id is not None
    now = e2e_now()
    async with org.runtime.db.write() as session:
        slot = Slot(pair_id=pair.id, starts_at=now + timedelta(days=2))
        session.add(slot)
        await session.flush()
        slot_id = slot.id
    assert slot_id is not None
    picked = await services.picks.for_member(tanaka, pair.id, now=now)
    topic = next(t for t in picked.topics if t.key == "deal_strategy")
    await services.picks.save(tanaka, pair.id, [PickInput(topic.id, "advice")], now=now)
    await services.tips.create(
        dev, TipDraft("deal_strategy", None, "advice", "同行前の5分作戦会議", "本文"), now=now
    )
    await services.tips.create(
        sales, TipDraft("deal_strategy", None, "advice", "自分のヒント", "本文"), now=now
    )

    found = await services.digest.for_slot(slot_id)
    assert found is not None
    leader, digest = found
    assert leader.id == sales
    titles = [tip.title for tip in digest.tips]
    assert titles[0] == "同行前の5分作戦会議"
    assert "自分のヒント" not in titles
    assert len(titles) == 2  # then a starter tip for the same expectation
