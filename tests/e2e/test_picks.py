"""The member's picks end to end: signed requests in, Slack Web API calls and DB rows out."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from bot.demo import forms as picker
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import (
    Agenda,
    AgendaItem,
    Pair,
    PairKind,
    Person,
    Topic,
    TopicSet,
)
from tests.e2e.helpers import (
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_EMILY,
    MEMBER_ITO,
    MEMBER_TAKAHASHI,
    MEMBER_TANAKA,
    add_slot,
    choose,
    dump,
    open_picker,
    pair_of,
    posts_to,
    submit,
)

JSON = dict[str, Any]


async def agenda_items(stack: LocalStack, pair_id: int) -> list[AgendaItem]:
    async with stack.runtime.db.read() as session:
        rows = await session.exec(
            select(AgendaItem)
            .join(Agenda, sa.literal_column("agenda.id") == AgendaItem.agenda_id)
            .where(Agenda.pair_id == pair_id)
        )
        return list(rows.all())


# --- the member's picker ---------------------------------------------------------------------


async def test_member_picks_topics_and_expectations_and_both_sides_hear_of_it(
    org: LocalStack,
) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    text = dump(view)
    assert "佐藤 健一さんとの次回の1on1" in text
    assert "商談の進め方" in text  # the sales catalog, from the member's department
    assert "人事評価には使われません" in text  # said plainly in the modal
    assert not any(b.startswith(ids.PICKER_EXPECTATION_BLOCK) for b in picker.block_ids(view))

    view = await choose(org, MEMBER_TANAKA, view, ["商談の進め方", "キャリア"])
    options = picker.topic_options(view)
    shown = {b for b in picker.block_ids(view) if b.startswith(ids.PICKER_EXPECTATION_BLOCK)}
    assert shown == {
        f"{ids.PICKER_EXPECTATION_BLOCK}{options['商談の進め方']}",
        f"{ids.PICKER_EXPECTATION_BLOCK}{options['キャリア']}",
    }

    answer = await submit(
        org,
        MEMBER_TANAKA,
        view,
        picker.values(
            view,
            {"商談の進め方": ("advice", "A社への提案の詰め方"), "キャリア": ("listen", None)},
        ),
    )
    assert answer == {"response_action": "clear"}

    pair = await pair_of(org, MEMBER_TANAKA)
    items = await agenda_items(org, pair.id or 0)
    assert sorted((i.expectation, i.note) for i in items) == [
        ("advice", "A社への提案の詰め方"),
        ("listen", None),
    ]

    member_dm = await _wait_posts(org, MEMBER_TANAKA, 1)
    assert "保存しました" in dump(member_dm[0]["blocks"])
    assert "A社への提案の詰め方" in dump(member_dm[0]["blocks"])
    leader_dm = await _wait_posts(org, LEADER_SALES, 1)
    assert "田中 翔太さん" in dump(leader_dm[0]["blocks"])
    assert "2件" in dump(leader_dm[0]["blocks"])


async def _wait_posts(stack: LocalStack, channel: str, count: int) -> list[JSON]:
    for _ in range(100):
        found = posts_to(stack, channel)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} posts to {channel}, saw {posts_to(stack, channel)}")


async def test_errors_are_shown_on_the_field_and_nothing_is_stored(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務", "キャリア"])
    options = picker.topic_options(view)

    nothing = await submit(org, MEMBER_TANAKA, view, picker.values(view, {}))
    assert nothing["response_action"] == "errors"
    assert "1つ以上" in nothing["errors"][f"{ids.PICKER_TOPICS_BLOCK}0"]

    missing = await submit(
        org,
        MEMBER_TANAKA,
        view,
        picker.values(view, {"業務": ("advice", None), "キャリア": (None, None)}),
    )
    assert missing["response_action"] == "errors"
    assert set(missing["errors"]) == {f"{ids.PICKER_EXPECTATION_BLOCK}{options['キャリア']}"}

    too_long = await submit(
        org,
        MEMBER_TANAKA,
        view,
        picker.values(view, {"業務": ("advice", "あ" * 301), "キャリア": ("listen", None)}),
    )
    assert too_long["response_action"] == "errors"
    assert "300文字以内" in too_long["errors"][f"{ids.PICKER_NOTE_BLOCK}{options['業務']}"]

    pair = await pair_of(org, MEMBER_TANAKA)
    assert await agenda_items(org, pair.id or 0) == []
    assert posts_to(org, LEADER_SALES) == []


async def test_reopening_shows_saved_picks_and_edits_update_one_leader_notice(
    org: LocalStack,
) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務"])
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"業務": ("feedback", "資料")}))
    await _wait_posts(org, LEADER_SALES, 1)

    again = await open_picker(org, MEMBER_TANAKA)
    text = dump(again)
    assert '"initial_options"' in text
    assert "資料" in text  # the saved note is pre-filled
    assert '"value": "feedback"' in dump(
        [b for b in again["blocks"] if b.get("block_id", "").startswith("picks_exp_")]
    )

    again = await choose(org, MEMBER_TANAKA, again, ["業務", "次の一手"])
    await submit(
        org,
        MEMBER_TANAKA,
        again,
        picker.values(again, {"業務": ("feedback", "資料"), "次の一手": ("think_together", None)}),
    )
    updates = await org.standin.wait_for("chat.update")
    assert "更新しました" in dump(updates[-1].args["blocks"])
    assert "2件" in dump(updates[-1].args["blocks"])
    assert len(posts_to(org, LEADER_SALES)) == 1  # one notice, kept current


async def test_double_submit_stores_once_and_notifies_once(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務", "キャリア"])
    values = picker.values(view, {"業務": ("advice", None), "キャリア": ("listen", None)})

    await asyncio.gather(
        org.driver.view_submission(MEMBER_TANAKA, view, values),
        org.driver.view_submission(MEMBER_TANAKA, view, values),
    )
    await _wait_posts(org, LEADER_SALES, 1)
    await org.standin.wait_for("chat.postMessage", count=3)  # 2 confirmations + 1 notice

    pair = await pair_of(org, MEMBER_TANAKA)
    assert len(await agenda_items(org, pair.id or 0)) == 2
    async with org.runtime.db.read() as session:
        agendas = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).all()
    assert len(agendas) == 1
    assert len(posts_to(org, LEADER_SALES)) == 1


async def test_free_topic_with_its_own_expectation(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    typed = await org.driver.block_actions(
        MEMBER_TANAKA,
        [{"action_id": ids.PICKER_FREE, "block_id": ids.PICKER_FREE_BLOCK}],
        view=view,
        values=picker.values(view, {}, free="引っ越しの予定"),
    )
    assert typed.status == 200
    redrawn = (await org.standin.wait_for("views.update"))[-1].response["view"]
    assert f"{ids.PICKER_EXPECTATION_BLOCK}free" in picker.block_ids(redrawn)

    await submit(
        org,
        MEMBER_TANAKA,
        redrawn,
        picker.values(redrawn, {}, free="引っ越しの予定", free_pick=("company_view", None)),
    )
    pair = await pair_of(org, MEMBER_TANAKA)
    items = await agenda_items(org, pair.id or 0)
    assert [(i.free_topic, i.topic_id, i.expectation) for i in items] == [
        ("引っ越しの予定", None, "company_view")
    ]


async def test_picks_made_before_a_slot_exists_move_to_it(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務"])
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"業務": ("advice", None)}))
    pair = await pair_of(org, MEMBER_TANAKA)
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id is None

    starts = datetime(2031, 4, 8, 1, 0, tzinfo=UTC)  # Tue 10:00 in Tokyo
    slot_id = await add_slot(org, pair.id or 0, starts)

    view = await open_picker(org, MEMBER_TANAKA)
    assert "4月8日(火) 10:00" in dump(view)
    assert "initial_options" in dump(view)  # the earlier picks are there
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"業務": ("listen", None)}))
    async with org.runtime.db.read() as session:
        agenda = (await session.exec(select(Agenda).where(Agenda.pair_id == pair.id))).one()
    assert agenda.slot_id == slot_id


async def test_large_catalogs_are_split_into_groups_of_ten(org: LocalStack) -> None:
    pair = await pair_of(org, MEMBER_TANAKA)
    async with org.runtime.db.write() as session:
        custom = TopicSet(key="custom:big", kind="custom", name_ja="大", name_en="Big")
        session.add(custom)
        await session.flush()
        for n in range(14):
            session.add(
                Topic(
                    topic_set_id=custom.id or 0,
                    key=f"t{n}",
                    label_ja=f"話題{n}",
                    label_en=f"Topic {n}",
                    position=n,
                )
            )
        db_pair = await session.get(Pair, pair.id)
        assert db_pair is not None
        db_pair.topic_set_id = custom.id
        session.add(db_pair)

    view = await open_picker(org, MEMBER_TANAKA)
    groups = [b for b in view["blocks"] if b.get("block_id", "").startswith("picks_topics_")]
    assert [len(g["element"]["options"]) for g in groups] == [10, 4]
    view = await choose(org, MEMBER_TANAKA, view, ["話題1", "話題12"])
    answer = await submit(
        org,
        MEMBER_TANAKA,
        view,
        picker.values(view, {"話題1": ("advice", None), "話題12": ("feedback", None)}),
    )
    assert answer == {"response_action": "clear"}
    assert len(await agenda_items(org, pair.id or 0)) == 2


# --- who sees what ---------------------------------------------------------------------------


async def test_member_with_several_leaders_chooses_which_1on1(org: LocalStack) -> None:
    async with org.runtime.db.write() as session:
        tanaka = (await session.exec(select(Person).where(Person.slack_id == MEMBER_TANAKA))).one()
        mentor = (await session.exec(select(Person).where(Person.slack_id == LEADER_DEV))).one()
        session.add(Pair(leader_id=mentor.id or 0, member_id=tanaka.id or 0, kind=PairKind.mentor))

    chooser = await open_picker(org, MEMBER_TANAKA)
    assert chooser["callback_id"] == ids.CHOOSER_CALLBACK
    buttons = [b["accessory"] for b in chooser["blocks"] if b.get("accessory", {}).get("action_id")]
    assert len(buttons) == 2
    mentor_button = next(b for b, blk in _with_blocks(chooser) if "鈴木 美咲" in blk)

    await org.driver.block_actions(MEMBER_TANAKA, [mentor_button], view=chooser)
    pushed = (await org.standin.wait_for("views.push"))[-1]
    assert pushed.ok, pushed.response
    assert "鈴木 美咲さんとの次回の1on1" in dump(pushed.response["view"])


def _with_blocks(view: JSON) -> list[tuple[JSON, str]]:
    return [
        (b["accessory"], dump(b.get("text")))
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id")
    ]


async def test_person_without_pairs_is_told_how_to_get_set_up(org: LocalStack) -> None:
    await org.driver.slash_command(HR, "")
    replies = await org.standin.wait_for("response_url")
    assert "人事または管理者" in replies[-1].args["text"]
    assert org.standin.calls_to("views.open") == []


async def test_leader_sees_each_members_picks_with_hints(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["キャリア"])
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"キャリア": ("listen", "転職")}))

    chooser = await open_picker(org, LEADER_SALES)
    text = dump(chooser)
    assert "田中 翔太" in text
    assert "高橋 愛" in text
    assert "選択済み" in text
    assert "未選択" in text
    tanaka_button = next(b for b, blk in _with_blocks(chooser) if "田中 翔太" in blk)
    assert tanaka_button["action_id"] == ids.VIEW_PICKS

    await org.driver.block_actions(LEADER_SALES, [tanaka_button], view=chooser)
    shown = (await org.standin.wait_for("views.push"))[-1].response["view"]
    shown_text = dump(shown)
    assert "キャリア" in shown_text
    assert "ただ聞いてほしい" in shown_text
    assert "転職" in shown_text
    assert "関わり方のヒント" in shown_text  # the leader gets a hint per expectation


async def test_leader_who_is_also_a_member_gets_both(org: LocalStack) -> None:
    # Make the sales leader report to the development leader.
    async with org.runtime.db.write() as session:
        sato = (await session.exec(select(Person).where(Person.slack_id == LEADER_SALES))).one()
        suzuki = (await session.exec(select(Person).where(Person.slack_id == LEADER_DEV))).one()
        session.add(Pair(leader_id=suzuki.id or 0, member_id=sato.id or 0))
    chooser = await open_picker(org, LEADER_SALES)
    actions = [b["action_id"] for b, _ in _with_blocks(chooser)]
    assert ids.OPEN_PICKER in actions
    assert actions.count(ids.VIEW_PICKS) == 2


# --- App Home ----------------------------------------------------------------------------------


async def test_home_shows_picks_to_the_member_and_status_to_the_leader(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["次の一手"])
    await submit(org, MEMBER_TANAKA, view, picker.values(view, {"次の一手": ("advice", None)}))
    # Saving redraws the member's Home, where the picker is often opened from.
    await org.standin.wait_for("views.publish")
    member_home = dump(org.standin.home_tabs[MEMBER_TANAKA])
    assert "次の一手" in member_home
    assert "アドバイスがほしい" in member_home
    assert ids.OPEN_PICKER in member_home  # the edit button

    await org.driver.app_home_opened(LEADER_SALES)
    await org.standin.wait_for("views.publish", count=2)
    leader_home = dump(org.standin.home_tabs[LEADER_SALES])
    assert "選択済み" in leader_home
    assert "未選択" in leader_home
    assert "次の一手" not in leader_home  # the Home lists status; picks open on request


async def test_home_stays_within_100_blocks_for_a_big_team(org: LocalStack) -> None:
    rows = ["email,name,department,manager_email,slack_id,teams_id,role,locale,timezone"]
    rows += [
        f"big{n}@example.co.jp,メンバー{n},営業部,sato.kenichi@example.co.jp,U9BIG{n:05d},,,,"
        for n in range(150)
    ]
    await org.import_org("\n".join(rows) + "\n")
    await org.driver.app_home_opened(LEADER_SALES)
    await org.standin.wait_for("views.publish")
    call = org.standin.calls_to("views.publish")[-1]
    assert call.ok, call.response
    assert len(call.args["view"]["blocks"]) <= 100
    assert "メンバー149" in dump(call.args["view"])  # everyone is still listed

    chooser = await open_picker(org, LEADER_SALES)
    assert len(chooser["blocks"]) <= 100
    assert "メンバー149" in dump(chooser)


# --- authorization -----------------------------------------------------------------------------


async def test_forged_pair_in_private_metadata_is_refused_and_stores_nothing(
    org: LocalStack,
) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務"])
    values = picker.values(view, {"業務": ("advice", "秘密のメモ")})
    ito_pair = await pair_of(org, MEMBER_ITO)
    forged = {**view, "private_metadata": json.dumps({"pair_id": ito_pair.id})}

    answer = await submit(org, MEMBER_TANAKA, forged, values)
    assert answer["response_action"] == "update"
    assert "表示できません" in dump(answer["view"])
    assert "伊藤" not in dump(answer["view"])
    assert await agenda_items(org, ito_pair.id or 0) == []

    # A leader cannot fill in picks on a member's behalf either.
    tanaka_pair = await pair_of(org, MEMBER_TANAKA)
    as_leader = {**view, "private_metadata": json.dumps({"pair_id": tanaka_pair.id})}
    answer = await submit(org, LEADER_SALES, as_leader, values)
    assert answer["response_action"] == "update"
    assert await agenda_items(org, tanaka_pair.id or 0) == []


async def test_forged_button_values_show_nothing_of_another_pair(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_ITO)
    view = await choose(org, MEMBER_ITO, view, ["行き詰まっていること"])
    await submit(
        org, MEMBER_ITO, view, picker.values(view, {"行き詰まっていること": ("advice", "極秘")})
    )
    ito_pair = await pair_of(org, MEMBER_ITO)
    home = {"id": "VHOME", "type": "home", "blocks": []}

    for intruder in (LEADER_SALES, MEMBER_TAKAHASHI, HR, MEMBER_EMILY):
        before = len(org.standin.calls_to("views.open"))
        for action in (ids.VIEW_PICKS, ids.OPEN_PICKER):
            await org.driver.block_actions(
                intruder, [{"action_id": action, "value": str(ito_pair.id)}], view=home
            )
        calls = await org.standin.wait_for("views.open", count=before + 2)
        for call in calls[before:]:
            shown = dump(call.args["view"])
            assert "極秘" not in shown
            assert "行き詰まっていること" not in shown
            assert "表示できません" in shown or "can't be shown" in shown

    # Odd values are refused the same way, not crashed on.
    await org.driver.block_actions(
        MEMBER_TANAKA, [{"action_id": ids.VIEW_PICKS, "value": "1 OR 1=1"}], view=home
    )
    last = (await org.standin.wait_for("views.open", count=9))[-1]
    assert "表示できません" in dump(last.args["view"])


async def test_forged_topic_from_another_catalog_is_refused(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_TANAKA)
    view = await choose(org, MEMBER_TANAKA, view, ["業務"])
    async with org.runtime.db.read() as session:
        foreign = (
            await session.exec(
                select(Topic)
                .join(TopicSet, sa.literal_column("topic_set.id") == Topic.topic_set_id)
                .where(TopicSet.key == "dept:manufacturing", Topic.key == "safety")
            )
        ).one()
    values = picker.values(view, {"業務": ("advice", None)})
    values[f"{ids.PICKER_TOPICS_BLOCK}0"][ids.PICKER_TOPICS]["selected_options"].append(
        {"value": str(foreign.id)}
    )
    answer = await submit(org, MEMBER_TANAKA, view, values)
    assert answer["response_action"] == "errors"
    pair = await pair_of(org, MEMBER_TANAKA)
    assert await agenda_items(org, pair.id or 0) == []


async def test_english_member_gets_english_everything(org: LocalStack) -> None:
    view = await open_picker(org, MEMBER_EMILY)
    assert "Prepare your 1on1" in dump(view["title"])
    assert "never used for performance evaluation" in dump(view)
    view = await choose(org, MEMBER_EMILY, view, ["Where I'm stuck"])
    await submit(
        org, MEMBER_EMILY, view, picker.values(view, {"Where I'm stuck": ("advice", None)})
    )
    confirmation = await _wait_posts(org, MEMBER_EMILY, 1)
    assert "Saved your topics" in dump(confirmation[0]["blocks"])
    # The leader reads Japanese, whatever the member's language.
    notice = await _wait_posts(org, LEADER_DEV, 1)
    assert "Emily Clark さん" in dump(notice[0]["blocks"]) or "Emily Clarkさん" in dump(
        notice[0]["blocks"]
    )
