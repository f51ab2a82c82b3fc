"""Listeners for the member's picks: the picker modal, the chooser, and reading picks."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import NotAllowed
from bot.features.org import Choose, NoPairs, NoPerson, One, Person
from bot.features.picks import InvalidPicks, PickInput, SaveResult
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import picks_blocks as pb
from handlers.slack.actor import Actor
from handlers.slack.home import publish_home
from handlers.slack.payload import (
    int_id,
    load_owned,
    metadata_id,
    modal_button,
    pair_choice,
    show_modal,
)


def parse_picker_state(values: dict[str, Any]) -> pb.PickerState:
    """Read the modal's inputs back; odd values are kept so the service can refuse them."""
    chosen: list[int] = []
    expectations: dict[str, str] = {}
    notes: dict[str, str] = {}
    free = ""
    for block_id, actions in values.items():
        if block_id.startswith(ids.PICKER_TOPICS_BLOCK):
            selected = (actions.get(ids.PICKER_TOPICS) or {}).get("selected_options") or []
            for option in selected:
                found = int_id(str(option.get("value", "")))
                chosen.append(-1 if found is None else found)
        elif block_id.startswith(ids.PICKER_EXPECTATION_BLOCK):
            option = (actions.get(ids.PICKER_EXPECTATION) or {}).get("selected_option")
            if option:
                expectations[block_id.removeprefix(ids.PICKER_EXPECTATION_BLOCK)] = str(
                    option.get("value", "")
                )
        elif block_id.startswith(ids.PICKER_NOTE_BLOCK):
            note = (actions.get(ids.PICKER_NOTE) or {}).get("value") or ""
            notes[block_id.removeprefix(ids.PICKER_NOTE_BLOCK)] = str(note)
        elif block_id == ids.PICKER_FREE_BLOCK:
            free = str((actions.get(ids.PICKER_FREE) or {}).get("value") or "").strip()
    return pb.PickerState(chosen, expectations, notes, free)


def picks_from_state(state: pb.PickerState) -> list[PickInput]:
    inputs = [
        PickInput(
            topic_id=topic_id,
            expectation=state.expectations.get(str(topic_id)),
            note=state.notes.get(str(topic_id)),
        )
        for topic_id in state.chosen
    ]
    if state.free_topic:
        inputs.append(
            PickInput(
                topic_id=None,
                expectation=state.expectations.get(pb.FREE),
                note=state.notes.get(pb.FREE),
                free_topic=state.free_topic,
            )
        )
    return inputs


async def open_entry(
    services: Services, actor: Actor, trigger_id: str, client: AsyncWebClient
) -> str | None:
    """Open the picker (one pair) or the chooser; return a message key when neither fits."""
    person = await actor.person()
    if person is None or person.id is None:
        return NoPerson().message_key
    overview = await services.picks.overview(person.id, now=services.clock.now())
    locale, zone = await actor.locale(), await actor.timezone()
    match overview.entry():
        case One(pair):
            own = overview.own_picks[pair.pair_id]
            view = pb.picker_view(own, pb.PickerState.from_saved(own), locale=locale, timezone=zone)
        case Choose(pairs):
            view = pb.chooser_view(pairs, overview.counts, locale=locale, timezone=zone)
        case NoPerson() | NoPairs() as nowhere:
            return nowhere.message_key
    await client.views_open(trigger_id=trigger_id, view=view)
    return None


def register(app: AsyncApp, services: Services) -> None:
    people = services.people

    modal_button(
        app,
        ids.OPEN_PICKER,
        lambda person, pair: services.picks.for_member(person, pair, now=services.clock.now()),
        lambda found: pb.picker_view(
            found.value,
            pb.PickerState.from_saved(found.value),
            locale=found.locale,
            timezone=found.timezone,
        ),
        pb.refusal_view,
    )

    async def show_picks(
        body: dict[str, Any], pair_value: Any, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        found = await load_owned(
            client,
            body,
            context["actor"],
            pair_value,
            lambda person, pair: services.picks.for_party(person, pair, now=services.clock.now()),
            pb.refusal_view,
        )
        if found is not None:
            picks = found.value
            view = pb.picks_view(
                picks,
                locale=found.locale,
                timezone=found.timezone,
                for_leader=picks.leader.id == found.person_id,
            )
            await show_modal(client, body, view)

    pair_choice(app, ids.VIEW_PICKS, ids.VIEW_PICKS_SELECT_RE, show_picks)

    async def redraw(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """A topic was (un)checked: redraw so expectation inputs match the chosen topics."""
        await ack()
        actor: Actor = context["actor"]
        view = body.get("view") or {}
        person = await actor.person()
        pair_id = metadata_id(view, "pair_id")
        locale, zone = await actor.locale(), await actor.timezone()
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            picks = await services.picks.for_member(person.id, pair_id, now=services.clock.now())
        except NotAllowed:
            await client.views_update(view_id=view["id"], view=pb.refusal_view(locale))
            return
        state = parse_picker_state((view.get("state") or {}).get("values") or {})
        try:
            await client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=pb.picker_view(picks, state, locale=locale, timezone=zone),
            )
        except SlackApiError as exc:
            # A quicker second click already redrew the modal; its redraw is the newer one.
            if exc.response.get("error") != "hash_conflict":
                raise

    app.action(ids.PICKER_TOPICS)(redraw)
    app.action(ids.PICKER_FREE)(redraw)

    @app.view(ids.PICKER_CALLBACK)
    async def on_picker_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale = await actor.locale()
        pair_id = metadata_id(view, "pair_id")
        state = parse_picker_state((view.get("state") or {}).get("values") or {})
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            result = await services.picks.save(
                person.id, pair_id, picks_from_state(state), now=services.clock.now()
            )
        except NotAllowed:
            await ack(response_action="update", view=pb.refusal_view(locale))
            return
        except InvalidPicks as invalid:
            errors = pb.picker_errors(invalid.errors, view.get("blocks") or [], locale)
            await ack(response_action="errors", errors=errors)
            return
        await ack(response_action="clear")
        await _after_save(client, result, person)

    async def _after_save(client: AsyncWebClient, result: SaveResult, member: Person) -> None:
        # The leader's notice goes first and on its own: the save claimed it, so a failure
        # below must not leave the leader never told.
        await services.picks.tell_leader(result)
        picks = result.picks
        m_locale, m_zone = people.locale_of(member), people.timezone_of(member)
        if member.slack_id:
            await client.chat_postMessage(
                channel=member.slack_id,
                text=t(m_locale, "picks.saved", leader=picks.leader.name, when=""),
                blocks=pb.confirmation_message(picks, locale=m_locale, timezone=m_zone),
            )
            await publish_home(client, services, member)
