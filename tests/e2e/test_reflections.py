"""The member's reflection and the leader's insight end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Reflection, ReflectionScore, SlotState
from tests.e2e.helpers import (
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_ITO,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    add_picks,
    add_reflection,
    add_slot,
    answers,
    dump,
    now,
    open_reflection,
    pair_of,
    person_id,
    posts_to,
    reflection_buttons,
    reflection_requests,
    settle,
)
from tests.e2e.helpers import submit_reflection as submit

JSON = dict[str, Any]


async def held_slot(
    stack: LocalStack,
    member: str,
    *,
    answered: datetime | None = None,
    picks: list[tuple[str, str, str | None]] | None = None,
    state: SlotState = SlotState.held,
) -> tuple[int, list[int]]:
    """A 1on1 that happened (as "did it happen?" records it); (slot id, agenda item ids)."""
    pair = await pair_of(stack, member)
    answered_at = answered or now() - timedelta(minutes=30)
    slot_id = await add_slot(
        stack,
        pair.id or 0,
        answered_at - timedelta(hours=1),
        state=state,
        answered_at=answered_at,
    )
    items = await add_picks(stack, pair.id or 0, slot_id, picks or [])
    return slot_id, items


async def reflection_rows(stack: LocalStack) -> list[tuple[Reflection, list[ReflectionScore]]]:
    async with stack.runtime.db.read() as session:
        reflections = (await session.exec(select(Reflection).order_by(col(Reflection.id)))).all()
        found = []
        for reflection in reflections:
            scores = await session.exec(
                select(ReflectionScore)
                .where(ReflectionScore.reflection_id == reflection.id)
                .order_by(col(ReflectionScore.id))
            )
            found.append((reflection, list(scores.all())))
        return found


# --- the request ---------------------------------------------------------------------------------


async def test_a_held_1on1_gets_one_reflection_request_for_the_member(org: LocalStack) -> None:
    slot_id, _ = await held_slot(org, MEMBER_TANAKA, picks=[("career", "listen", None)])
    old, _ = await held_slot(org, MEMBER_TANAKA, answered=now() - timedelta(days=10))
    skipped, _ = await held_slot(org, MEMBER_TAKAHASHI, state=SlotState.skipped)
    pair = await pair_of(org, MEMBER_ITO)
    await add_slot(org, pair.id or 0, now() - timedelta(hours=2))  # not answered yet

    await org.runtime.services.tick.run(now())

    assert await reflection_requests(org) == [(slot_id, await person_id(org, MEMBER_TANAKA))]
    [button] = reflection_buttons(org, MEMBER_TANAKA)
    assert button["value"] == str(slot_id)
    text = dump(posts_to(org, MEMBER_TANAKA))
    assert "佐藤 健一さんとの1on1" in text
    assert "人事評価には使われません" in text
    for someone in (LEADER_SALES, MEMBER_TAKAHASHI, MEMBER_ITO, LEADER_DEV, HR):
        assert posts_to(org, someone) == []

    await org.runtime.services.tick.run(now() + timedelta(minutes=1))
    assert len(await reflection_requests(org)) == 1
    assert len(posts_to(org, MEMBER_TANAKA)) == 1
    assert old != skipped  # both stayed silent above


async def test_the_member_answers_per_topic_and_can_change_it_for_seven_days(
    org: LocalStack,
) -> None:
    slot_id, items = await held_slot(
        org, MEMBER_TANAKA, picks=[("career", "listen", None), ("work", "advice", None)]
    )
    listen, advice = items

    view = await open_reflection(org, MEMBER_TANAKA, slot_id)
    assert view["callback_id"] == ids.REFLECTION_CALLBACK
    text = dump(view)
    assert "「キャリア」で「ただ聞いてほしい」に応えてもらえましたか？" in text
    assert "「業務」で「アドバイスがほしい」" in text
    assert "1on1全体の満足度" in text
    # Per topic: was it met; overall: how satisfied (each with its own wording).
    overall = next(b for b in view["blocks"] if b.get("block_id") == ids.REFLECTION_OVERALL_BLOCK)
    assert "5 — とても満足" in dump(overall)
    assert "十分に得られた" not in dump(overall)
    assert "5 — 十分に得られた" in text
    assert "佐藤 健一さんに共有する" in text
    assert "個別に表示されることはありません" in text

    missing = await submit(org, MEMBER_TANAKA, view, answers({listen: 5, advice: None}, 4))
    assert missing["response_action"] == "errors"
    assert set(missing["errors"]) == {f"{ids.REFLECTION_ITEM_BLOCK}{advice}"}
    assert await reflection_rows(org) == []

    saved = await submit(
        org, MEMBER_TANAKA, view, answers({listen: 5, advice: 2}, 4, comment="もっと具体例を")
    )
    assert saved["response_action"] == "update"
    assert "受け付けました" in dump(saved["view"])
    [(reflection, scores)] = await reflection_rows(org)
    tanaka, sato = await person_id(org, MEMBER_TANAKA), await person_id(org, LEADER_SALES)
    assert (reflection.member_id, reflection.leader_id, reflection.overall) == (tanaka, sato, 4)
    assert (reflection.comment, reflection.share_comment) == ("もっと具体例を", False)
    assert sorted((s.expectation, s.score) for s in scores) == [("advice", 2), ("listen", 5)]
    assert posts_to(org, LEADER_SALES) == []  # not shared: the leader hears nothing

    again = await open_reflection(org, MEMBER_TANAKA, slot_id)
    prefilled = {
        b["block_id"]: b["element"].get("initial_option", {}).get("value")
        for b in again["blocks"]
        if b.get("block_id", "").startswith(("refl_item_", "refl_overall"))
    }
    assert prefilled == {
        f"{ids.REFLECTION_ITEM_BLOCK}{listen}": "5",
        f"{ids.REFLECTION_ITEM_BLOCK}{advice}": "2",
        ids.REFLECTION_OVERALL_BLOCK: "4",
    }
    assert "変更できます" in dump(again)
    await submit(org, MEMBER_TANAKA, again, answers({listen: 4, advice: 3}, 5))
    [(reflection, scores)] = await reflection_rows(org)  # still one answer per slot
    assert reflection.overall == 5
    assert sorted((s.expectation, s.score) for s in scores) == [("advice", 3), ("listen", 4)]

    async with org.runtime.db.write() as session:
        stored = await session.get(Reflection, reflection.id)
        assert stored is not None
        stored.created_at = now() - timedelta(days=8)
        session.add(stored)
    closed = await open_reflection(org, MEMBER_TANAKA, slot_id)
    assert closed.get("submit") is None
    assert "過ぎた" in dump(closed)
    late = await submit(org, MEMBER_TANAKA, again, answers({listen: 1, advice: 1}, 1))
    assert late["response_action"] == "update"
    assert "7日間" in dump(late["view"])
    [(reflection, _)] = await reflection_rows(org)
    assert reflection.overall == 5


async def test_a_shared_comment_reaches_the_leader_once_and_scores_never_do(
    org: LocalStack,
) -> None:
    slot_id, [item] = await held_slot(org, MEMBER_TANAKA, picks=[("career", "advice", None)])
    view = await open_reflection(org, MEMBER_TANAKA, slot_id)

    await submit(
        org, MEMBER_TANAKA, view, answers({item: 2}, 3, comment="もう少し聞いてほしい", share=True)
    )

    [dm] = posts_to(org, LEADER_SALES)
    text = dump(dm["blocks"])
    assert "田中 翔太さん" in text
    assert "もう少し聞いてほしい" in text
    assert "もう少し聞いてほしい" not in dm["text"]  # not in the notification preview
    for score in ("2 —", "3 —", "満足度"):
        assert score not in text

    # The same words saved again, or unshared, send nothing more.
    await submit(
        org, MEMBER_TANAKA, view, answers({item: 3}, 3, comment="もう少し聞いてほしい", share=True)
    )
    await submit(org, MEMBER_TANAKA, view, answers({item: 3}, 3, comment="取り消し"))
    await org.runtime.services.tick.run(now() + timedelta(minutes=1))
    assert len(posts_to(org, LEADER_SALES)) == 1


# --- insight -------------------------------------------------------------------------------------


async def home_of(stack: LocalStack, user: str) -> JSON:
    await stack.driver.app_home_opened(user)
    await settle()
    home: JSON = stack.standin.home_tabs[user]
    return home


def insight_part(home: JSON) -> str:
    """The insight's blocks: from its heading to the next divider."""
    blocks = home["blocks"]
    start = next(i for i, b in enumerate(blocks) if "関わり方の傾向" in dump(b))
    end = next(
        (i for i in range(start, len(blocks)) if blocks[i]["type"] == "divider"), len(blocks)
    )
    return dump(blocks[start:end])


async def test_insight_appears_only_with_three_reflections_from_two_members(
    org: LocalStack,
) -> None:
    for days in (16, 23, 30):
        await add_reflection(
            org, MEMBER_TANAKA, [("listen", 5), ("advice", 2), ("feedback", 4)], 4, days_ago=days
        )

    waiting = insight_part(await home_of(org, LEADER_SALES))
    assert "2人以上のメンバーから3件以上" in waiting
    assert "/5" not in waiting  # three answers from one member show nothing at all

    await add_reflection(org, MEMBER_TAKAHASHI, [("listen", 4), ("advice", 2)], 3, days_ago=15)
    shown = insight_part(await home_of(org, LEADER_SALES))
    assert "*ただ聞いてほしい* 4.8/5" in shown
    assert "強み" in shown
    assert "*アドバイスがほしい* 2.0/5" in shown
    assert "伸びしろ" in shown
    assert "「アドバイスがほしい」のヒント" in shown
    assert "1on1全体の満足度 3.8/5" in shown
    # Only one member asked for feedback: no figure that would be theirs alone, and it is
    # named among all the expectations without a figure (never only the answered ones).
    without = "一緒に考えてほしい、会社・部署の考えを知りたい、フィードバックがほしい"
    assert f"まだ傾向が出ていない関わり方: {without}" in shown
    assert "フィードバックがほしい* " not in shown
    for name in ("田中", "高橋", "Tanaka", "Takahashi"):
        assert name not in shown

    # This week's answer does not move it: comparing Home before and after one member's 1on1
    # must not reveal how that member answered.
    await add_reflection(org, MEMBER_TAKAHASHI, [("listen", 1), ("advice", 1)], 1, days_ago=1)
    assert insight_part(await home_of(org, LEADER_SALES)) == shown

    # Each leader sees only their own; the members never see it.
    assert "/5" not in insight_part(await home_of(org, LEADER_DEV))
    member_home = await home_of(org, MEMBER_TANAKA)
    # Only the blocks: the view's envelope carries random hashes that may contain any digits.
    member_blocks = dump(member_home["blocks"])
    assert "関わり方の傾向" not in member_blocks
    assert "4.8/5" not in member_blocks


async def test_insight_shows_a_trend_when_both_periods_are_large_enough(org: LocalStack) -> None:
    for member, days in [
        (MEMBER_TANAKA, 110),
        (MEMBER_TAKAHASHI, 115),
        (MEMBER_TANAKA, 120),
        (MEMBER_TANAKA, 20),
        (MEMBER_TAKAHASHI, 25),
        (MEMBER_TANAKA, 30),
    ]:
        score = 2 if days > 90 else 5
        await add_reflection(org, member, [("think_together", score)], score, days_ago=days)

    shown = insight_part(await home_of(org, LEADER_SALES))
    assert "*一緒に考えてほしい* 3.5/5" in shown
    assert ":arrow_upper_right: 上向き" in shown


async def test_the_member_home_shows_their_own_history(org: LocalStack) -> None:
    first, [career1, work] = await held_slot(
        org, MEMBER_TANAKA, picks=[("career", "listen", None), ("work", "advice", None)]
    )
    second, [career2] = await held_slot(
        org,
        MEMBER_TANAKA,
        answered=now() - timedelta(hours=5),
        picks=[("career", "listen", None)],
    )
    view = await open_reflection(org, MEMBER_TANAKA, first)
    await submit(org, MEMBER_TANAKA, view, answers({career1: 5, work: 2}, 4))
    view = await open_reflection(org, MEMBER_TANAKA, second)
    await submit(org, MEMBER_TANAKA, view, answers({career2: 4}, 4))

    home = dump(await home_of(org, MEMBER_TANAKA))
    assert "よく選ぶ話題: キャリア(2回)、業務(1回)" in home
    assert "ただ聞いてほしい: 2回中2回が期待どおり" in home
    assert "アドバイスがほしい: 1回中0回が期待どおり" in home

    # The leader's Home carries none of it.
    leader_home = dump(await home_of(org, LEADER_SALES))
    assert "2回中2回" not in leader_home
    assert "よく選ぶ話題" not in leader_home


# --- who may reflect -----------------------------------------------------------------------------


async def test_only_the_member_opens_or_answers_their_reflection(org: LocalStack) -> None:
    slot_id, [item] = await held_slot(org, MEMBER_TANAKA, picks=[("career", "listen", "転職")])
    form = await open_reflection(org, MEMBER_TANAKA, slot_id)

    for intruder in (LEADER_SALES, MEMBER_TAKAHASHI, HR, LEADER_DEV):
        shown = await open_reflection(org, intruder, slot_id)
        assert "表示できません" in dump(shown)
        assert "キャリア" not in dump(shown)
        answer = await submit(org, intruder, form, answers({item: 1}, 1, comment="偽"))
        assert answer["response_action"] == "update"
        assert "表示できません" in dump(answer["view"])
    assert await reflection_rows(org) == []

    # A slot that did not happen cannot be reflected on, even by its member.
    pair = await pair_of(org, MEMBER_TANAKA)
    planned = await add_slot(org, pair.id or 0, now() + timedelta(days=1))
    assert "表示できません" in dump(await open_reflection(org, MEMBER_TANAKA, planned))
