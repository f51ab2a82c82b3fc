"""Admins in chat end to end: `/1on1 admin` adds and ends pairs and keeps the topic lists;
signed requests in, Slack Web API calls and DB rows out, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from bot.features.org import ensure_builtin_catalog
from bot.standin.stack import LocalStack
from handlers.slack import ids
from storage.models import Pair, PairKind, SlotState, Topic, TopicSet
from tests.e2e.helpers import (
    HR,
    LEADER_DEV,
    LEADER_SALES,
    MEMBER_EMILY,
    MEMBER_ITO,
    MEMBER_TANAKA,
    TOKYO,
    add_picks,
    add_slot,
    dump,
    last_view,
    make_admin,
    now,
    open_modal,
    open_picker,
    pair_of,
    person_id,
    settle,
    slots_of,
)

JSON = dict[str, Any]


def pair_values(
    leader: str | None,
    member: str | None,
    kind: str | None,
    program: str | None = None,
    starts_on: str | None = None,
) -> JSON:
    def select(value: str | None) -> JSON:
        return {"type": "static_select", "selected_option": {"value": value} if value else None}

    return {
        ids.ADMIN_LEADER: {ids.ADMIN_LEADER: {"type": "users_select", "selected_user": leader}},
        ids.ADMIN_MEMBER: {ids.ADMIN_MEMBER: {"type": "users_select", "selected_user": member}},
        ids.ADMIN_KIND: {ids.ADMIN_KIND: select(kind)},
        ids.ADMIN_PROGRAM: {ids.ADMIN_PROGRAM: select(program)},
        ids.ADMIN_TOPIC_SET: {ids.ADMIN_TOPIC_SET: select(None)},
        ids.ADMIN_STARTS_ON: {
            ids.ADMIN_STARTS_ON: {"type": "datepicker", "selected_date": starts_on}
        },
        ids.ADMIN_ENDS_ON: {ids.ADMIN_ENDS_ON: {"type": "datepicker", "selected_date": None}},
    }


def topic_values(label_ja: str, label_en: str, *, hidden: bool = False) -> JSON:
    ticked = [{"value": "hidden"}] if hidden else []
    return {
        ids.ADMIN_TOPIC_LABEL_JA: {
            ids.ADMIN_TOPIC_LABEL_JA: {"type": "plain_text_input", "value": label_ja}
        },
        ids.ADMIN_TOPIC_LABEL_EN: {
            ids.ADMIN_TOPIC_LABEL_EN: {"type": "plain_text_input", "value": label_en}
        },
        ids.ADMIN_TOPIC_HIDDEN: {
            ids.ADMIN_TOPIC_HIDDEN: {"type": "checkboxes", "selected_options": ticked}
        },
    }


async def ephemeral(stack: LocalStack, count: int) -> str:
    replies = await stack.standin.wait_for("response_url", count=count)
    return str(replies[-1].args.get("text"))


async def submit(stack: LocalStack, user: str, view: JSON, values: JSON) -> JSON:
    response = await stack.driver.view_submission(user, view, values)
    assert response.status == 200
    answer: JSON = response.json() if response.text.strip() else {}
    await settle()
    return answer


async def click(
    stack: LocalStack, user: str, view: JSON, action: JSON, values: JSON | None = None
) -> JSON:
    """A click in a modal; the modal Slack shows afterwards (pushed or redrawn)."""
    shown = len([c for c in stack.standin.calls if c.method.startswith("views.")])
    response = await stack.driver.block_actions(user, [action], view=view, values=values)
    assert response.status == 200
    await settle()
    assert len([c for c in stack.standin.calls if c.method.startswith("views.")]) > shown
    return last_view(stack)


async def topic_of(stack: LocalStack, set_key: str, key: str) -> Topic:
    async with stack.runtime.db.read() as session:
        return (
            await session.exec(
                select(Topic)
                .join(TopicSet, col(TopicSet.id) == Topic.topic_set_id)
                .where(TopicSet.key == set_key, Topic.key == key)
            )
        ).one()


async def catalog_of(stack: LocalStack, user: str, set_key: str) -> JSON:
    """`/1on1 admin topics`, then the set chosen in its select."""
    view = await open_modal(stack, user, "admin topics")
    assert view["callback_id"] == ids.ADMIN_CATALOG_CALLBACK
    async with stack.runtime.db.read() as session:
        found = (await session.exec(select(TopicSet).where(TopicSet.key == set_key))).one()
    action = {
        "action_id": ids.ADMIN_CATALOG_SET,
        "type": "static_select",
        "selected_option": {"value": str(found.id)},
    }
    return await click(stack, user, view, action)


async def rename(
    stack: LocalStack, user: str, set_key: str, key: str, ja: str, en: str, **kw: Any
) -> JSON:
    catalog = await catalog_of(stack, user, set_key)
    topic = await topic_of(stack, set_key, key)
    assert f'"value": "{topic.id}"' in dump(catalog)
    form = await click(
        stack, user, catalog, {"action_id": ids.ADMIN_TOPIC_EDIT, "value": str(topic.id)}
    )
    assert form["callback_id"] == ids.ADMIN_TOPIC_CALLBACK
    return await submit(stack, user, form, topic_values(ja, en, **kw))


# --- pairs ------------------------------------------------------------------------------------


async def test_admin_adds_a_programme_pair_in_chat(org: LocalStack) -> None:
    await make_admin(org, HR)
    menu = await open_modal(org, HR, "admin")
    assert menu["callback_id"] == ids.ADMIN_MENU_CALLBACK
    form = await click(org, HR, menu, {"action_id": ids.ADMIN_OPEN_PAIR, "value": "pair"})
    assert form["callback_id"] == ids.ADMIN_PAIR_CALLBACK
    assert "先輩と後輩" in dump(form)

    answer = await submit(
        org, HR, form, pair_values(LEADER_DEV, MEMBER_TANAKA, "senior", "new_hire", "2031-06-03")
    )

    assert answer["response_action"] == "update"
    assert "佐藤" not in dump(answer["view"])
    assert "鈴木 美咲さん" in dump(answer["view"])
    assert "田中 翔太さん" in dump(answer["view"])
    leader, member = await person_id(org, LEADER_DEV), await person_id(org, MEMBER_TANAKA)
    async with org.runtime.db.read() as session:
        pair = (
            await session.exec(
                select(Pair).where(Pair.leader_id == leader, Pair.member_id == member)
            )
        ).one()
        topic_set = await session.get(TopicSet, pair.topic_set_id)
    assert (pair.kind, pair.program, pair.active) == (PairKind.senior, "new_hire", True)
    assert topic_set is not None
    assert topic_set.key == "program:new_hire"
    # The programme's default: weekly from the first day at 10:00 in the leader's zone.
    assert pair.rrule is not None
    assert "RRULE:FREQ=WEEKLY;UNTIL=20310903T100000;BYDAY=TU" in pair.rrule  # three months
    planned = [s.starts_at.astimezone(TOKYO) for s in await slots_of(org, pair.id or 0)]
    assert planned[0].isoformat() == "2031-06-03T10:00:00+09:00"

    # Both hear of it in their own DM.
    told = {
        c.args["channel"]: c.args.get("text", "")
        for c in await org.standin.wait_for("chat.postMessage", count=2)
    }
    assert "田中 翔太さん" in told[LEADER_DEV]
    assert "鈴木 美咲さん" in told[MEMBER_TANAKA]

    # The same pair again is refused on the form, nothing added.
    again = await open_modal(org, HR, "admin pair")
    refused = await submit(
        org, HR, again, pair_values(LEADER_DEV, MEMBER_TANAKA, "senior", "new_hire")
    )
    assert refused["response_action"] == "errors"
    assert "すでにあります" in refused["errors"][ids.ADMIN_MEMBER]
    self_pair = await submit(org, HR, again, pair_values(LEADER_DEV, LEADER_DEV, None))
    assert set(self_pair["errors"]) == {ids.ADMIN_MEMBER, ids.ADMIN_KIND}


async def test_non_admins_are_refused_and_forged_forms_do_nothing(org: LocalStack) -> None:
    await org.driver.slash_command(LEADER_SALES, "admin")
    assert "管理者だけ" in await ephemeral(org, 1)
    await org.driver.slash_command(MEMBER_EMILY, "admin topics")
    assert "Only admins" in await ephemeral(org, 2)
    await org.driver.slash_command("U0STRANGER", "管理")
    assert "管理者だけ" in await ephemeral(org, 3)
    assert org.standin.calls_to("views.open") == []

    # Forms an admin opened, submitted by someone else (or rebuilt by hand).
    await make_admin(org, HR)
    form = await open_modal(org, HR, "admin pair")
    answer = await submit(
        org, LEADER_SALES, form, pair_values(LEADER_SALES, MEMBER_ITO, "mentor", "mentoring")
    )
    assert answer["response_action"] == "update"
    assert "管理者だけ" in dump(answer["view"])
    work = await topic_of(org, "dept:sales", "work")
    forged = {"id": "VFORGED", "type": "modal", "callback_id": ids.ADMIN_TOPIC_CALLBACK}
    forged["private_metadata"] = dump({"topic_id": work.id})
    answer = await submit(
        org, MEMBER_TANAKA, forged, topic_values("乗っ取り", "Taken", hidden=True)
    )
    assert "管理者だけ" in dump(answer["view"])
    pair = await pair_of(org, MEMBER_TANAKA)
    end = {"id": "VFORGED2", "type": "modal", "callback_id": ids.ADMIN_END_CALLBACK}
    values = {
        ids.ADMIN_END_PAIR: {
            ids.ADMIN_END_PAIR: {
                "type": "static_select",
                "selected_option": {"value": str(pair.id)},
            }
        },
        ids.ADMIN_END_DATE: {
            ids.ADMIN_END_DATE: {"type": "datepicker", "selected_date": "2030-01-01"}
        },
    }
    answer = await submit(org, MEMBER_TANAKA, end, values)
    assert "管理者だけ" in dump(answer["view"])

    async with org.runtime.db.read() as session:
        assert len((await session.exec(select(Pair))).all()) == 4  # the org's manager pairs
    assert (await pair_of(org, MEMBER_TANAKA)).ends_on is None
    assert (await topic_of(org, "dept:sales", "work")).label_ja == "業務"
    assert org.standin.calls_to("chat.postMessage") == []  # nobody was told of anything


async def test_admin_ends_a_pair_no_later_1on1s_history_kept(org: LocalStack) -> None:
    await make_admin(org, HR)
    pair = await pair_of(org, MEMBER_TANAKA)
    pair_id = pair.id or 0
    held = await add_slot(org, pair_id, now() - timedelta(days=14), state=SlotState.held)
    soon = await add_slot(org, pair_id, now() + timedelta(days=2))
    later = await add_slot(org, pair_id, now() + timedelta(days=30))

    form = await open_modal(org, HR, "admin end")
    assert form["callback_id"] == ids.ADMIN_END_CALLBACK
    values: JSON = {
        ids.ADMIN_END_PERSON: {
            ids.ADMIN_END_PERSON: {"type": "users_select", "selected_user": MEMBER_TANAKA}
        }
    }
    chosen = await click(
        org,
        HR,
        form,
        {"action_id": ids.ADMIN_END_PERSON, "type": "users_select", "selected_user": MEMBER_TANAKA},
        values,
    )
    assert "佐藤 健一 → 田中 翔太" in dump(chosen)
    assert f'"initial_user": "{MEMBER_TANAKA}"' in dump(chosen)
    last_day = (now() + timedelta(days=7)).astimezone(TOKYO).date().isoformat()
    values[ids.ADMIN_END_PAIR] = {
        ids.ADMIN_END_PAIR: {"type": "static_select", "selected_option": {"value": str(pair_id)}}
    }
    values[ids.ADMIN_END_DATE] = {
        ids.ADMIN_END_DATE: {"type": "datepicker", "selected_date": last_day}
    }

    answer = await submit(org, HR, chosen, values)

    assert answer["response_action"] == "update"
    assert last_day in dump(answer["view"])
    states = {s.id: s.state for s in await slots_of(org, pair_id)}
    ends_told = await org.standin.wait_for("chat.postMessage", count=2)
    assert {c.args["channel"] for c in ends_told} == {LEADER_SALES, MEMBER_TANAKA}
    assert all(last_day in c.args.get("text", "") for c in ends_told)
    assert states == {
        held: SlotState.held,
        soon: SlotState.planned,
        later: SlotState.cancelled,
    }
    ended = await pair_of(org, MEMBER_TANAKA)
    assert ended.ends_on is not None
    assert ended.ends_on.isoformat() == last_day
    # After the last day the pair closes; the scheduler plans nothing more for it.
    await org.runtime.services.tick.run(now() + timedelta(days=9))
    assert (await pair_of(org, MEMBER_TANAKA)).active is False
    after = await slots_of(org, pair_id)
    assert {s.id for s in after} == {held, soon, later}


# --- topic lists ------------------------------------------------------------------------------


def labels_in(view: JSON) -> str:
    return dump(view.get("blocks") or [])


async def test_a_renamed_topic_shows_in_the_picker_in_both_languages(org: LocalStack) -> None:
    await make_admin(org, HR)
    before = await open_picker(org, MEMBER_EMILY)  # the picker's copy of the catalogs is made
    assert "Where I'm stuck" in labels_in(before)
    answer = await rename(org, HR, "dept:engineering", "stuck", "困りごと", "Blockers")
    assert answer["response_action"] == "update"
    assert "困りごと" in dump(answer["view"])
    await rename(org, HR, "dept:sales", "next_move", "次の打ち手", "Next step")

    english = await open_picker(org, MEMBER_EMILY)  # 開発本部, reads English
    japanese = await open_picker(org, MEMBER_ITO)  # 開発本部, reads Japanese
    sales = await open_picker(org, MEMBER_TANAKA)

    assert "Blockers" in labels_in(english)
    assert "Where I'm stuck" not in labels_in(english)
    assert "困りごと" in labels_in(japanese)
    assert "行き詰まっていること" not in labels_in(japanese)
    assert "次の打ち手" in labels_in(sales)
    assert "次の一手" not in labels_in(sales)

    # Editing it again shows what the product calls it, to go back to.
    catalog = await catalog_of(org, HR, "dept:engineering")
    stuck = await topic_of(org, "dept:engineering", "stuck")
    form = await click(
        org, HR, catalog, {"action_id": ids.ADMIN_TOPIC_EDIT, "value": str(stuck.id)}
    )
    assert "行き詰まっていること / Where I'm stuck" in dump(form)
    assert "変更済み" in dump(catalog)

    # The next release's seeding keeps the organisation's names.
    await ensure_builtin_catalog(org.runtime.db)
    org.runtime.services.picks.invalidate_catalog()
    again = await open_picker(org, MEMBER_EMILY)
    assert "Blockers" in labels_in(again)
    assert (await topic_of(org, "dept:engineering", "stuck")).org_fields == "label_en,label_ja"


async def test_a_hidden_topic_leaves_the_picker_but_picks_keep_it(org: LocalStack) -> None:
    await make_admin(org, HR)
    pair = await pair_of(org, MEMBER_TANAKA)
    await add_picks(org, pair.id or 0, None, [("customer_issues", "listen", None)])

    await rename(
        org,
        HR,
        "dept:sales",
        "customer_issues",
        "顧客対応の悩み",
        "Difficult customers",
        hidden=True,
    )

    picker = await open_picker(org, MEMBER_TANAKA)
    topics = [
        b
        for b in picker["blocks"]
        if str(b.get("block_id", "")).startswith(ids.PICKER_TOPICS_BLOCK)
    ]
    assert "顧客対応の悩み" not in dump(topics)
    # The leader's view of the picks still names it.
    opened = len(org.standin.calls_to("views.open"))
    await org.driver.block_actions(
        LEADER_SALES,
        [{"action_id": ids.VIEW_PICKS, "value": str(pair.id)}],
        view={"id": "VHOME", "type": "home", "blocks": []},
    )
    calls = await org.standin.wait_for("views.open", count=opened + 1)
    assert "顧客対応の悩み" in dump(calls[-1].response["view"])
    catalog = await catalog_of(org, HR, "dept:sales")
    assert "非表示" in dump(catalog)


async def test_admin_adds_a_topic_and_a_topic_list_in_chat(org: LocalStack) -> None:
    await make_admin(org, HR)
    catalog = await catalog_of(org, HR, "dept:sales")
    sales = await topic_of(org, "dept:sales", "work")
    form = await click(
        org, HR, catalog, {"action_id": ids.ADMIN_TOPIC_ADD, "value": str(sales.topic_set_id)}
    )
    answer = await submit(org, HR, form, topic_values("重点顧客", "Key accounts"))
    assert "重点顧客" in dump(answer["view"])

    picker = await open_picker(org, MEMBER_TANAKA)
    assert "重点顧客" in labels_in(picker)

    new_set = await click(org, HR, catalog, {"action_id": ids.ADMIN_SET_NEW, "value": "new"})
    values = {
        ids.ADMIN_SET_NAME_JA: {
            ids.ADMIN_SET_NAME_JA: {"type": "plain_text_input", "value": "新任マネージャー"}
        },
        ids.ADMIN_SET_NAME_EN: {
            ids.ADMIN_SET_NAME_EN: {"type": "plain_text_input", "value": "New managers"}
        },
        ids.ADMIN_SET_COPY: {
            ids.ADMIN_SET_COPY: {
                "type": "static_select",
                "selected_option": {"value": str(sales.topic_set_id)},
            }
        },
    }
    made = await submit(org, HR, new_set, values)
    assert "新任マネージャー" in dump(made["view"])
    assert "重点顧客" in dump(made["view"])
    async with org.runtime.db.read() as session:
        found = (await session.exec(select(TopicSet).where(TopicSet.builtin == False))).all()  # noqa: E712
    assert [(s.key, s.name_en) for s in found] == [("org:set1", "New managers")]
    # Pairs can use it from the pairs form's list.
    form = await open_modal(org, HR, "admin pair")
    assert '"value": "org:set1"' in dump(form)
