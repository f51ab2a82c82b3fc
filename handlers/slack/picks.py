"""Listeners for the member's picks: the picker modal, the chooser, and reading picks."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.errors import InvalidInput
from bot.features.org import Choose, NoPairs, NoPerson, One, Person
from bot.features.picks import FieldError, PickInput, SaveResult
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import picks_blocks as pb
from handlers.slack.actor import Actor
from handlers.slack.context import acting
from handlers.slack.home import publish_home
from handlers.slack.outcomes import Via, Wording, answering, errors_of
from handlers.slack.payload import (
    chosen,
    int_id,
    metadata_id,
    show_modal,
    state_values,
    update_view,
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


async def entry_view(services: Services, actor: Actor) -> dict[str, Any] | str:
    """The picker (one pair) or the chooser; a message key when neither fits."""
    person = await actor.person()
    if person is None or person.id is None:
        return NoPerson().message_key
    overview = await services.picks.overview(person.id, now=services.clock.now())
    locale, zone = await actor.locale(), await actor.timezone()
    match overview.entry():
        case One(pair):
            own = overview.own_picks[pair.pair_id]
            return pb.picker_view(own, pb.PickerState.from_saved(own), locale=locale, timezone=zone)
        case Choose(pairs):
            return pb.chooser_view(pairs, overview.counts, locale=locale, timezone=zone)
        case NoPerson() | NoPairs() as nowhere:
            return nowhere.message_key


def refusal_notice(locale: str, key: str) -> dict[str, Any]:
    """Picks and the schedule say one thing in a modal: the pair is not the person's."""
    return pb.refusal_view(locale)


def _picker_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return pb.picker_errors(errors_of(invalid, FieldError), view.get("blocks") or [], locale)


PICKS = Wording(notice=refusal_notice, fields=_picker_errors)


async def open_picker(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """The member's picker for the pair the button names."""
    act = await acting(ack, context, value=action.get("value"))
    picks = await act.services.picks.for_member(act.person_id, act.id, now=act.now)
    locale, zone = await act.reader()
    view = pb.picker_view(picks, pb.PickerState.from_saved(picks), locale=locale, timezone=zone)
    await show_modal(client, body, view)


async def show_picks(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """A pair's picks, read-only, for either party (a button, or the chooser's select)."""
    act = await acting(ack, context, value=chosen(action))
    picks = await act.services.picks.for_party(act.person_id, act.id, now=act.now)
    locale, zone = await act.reader()
    view = pb.picks_view(
        picks, locale=locale, timezone=zone, for_leader=picks.leader.id == act.person_id
    )
    await show_modal(client, body, view)


async def redraw_picker(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    """A topic was (un)checked: redraw so expectation inputs match the chosen topics."""
    view = body.get("view") or {}
    act = await acting(ack, context, value=metadata_id(view, "pair_id"))
    picks = await act.services.picks.for_member(act.person_id, act.id, now=act.now)
    state = parse_picker_state(state_values(view))
    locale, zone = await act.reader()
    await update_view(client, view, pb.picker_view(picks, state, locale=locale, timezone=zone))


async def submit_picker(
    ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    act = await acting(None, context, value=metadata_id(view, "pair_id"))
    picks = picks_from_state(parse_picker_state(state_values(view)))
    result = await act.services.picks.save(act.person_id, act.id, picks, now=act.now)
    member = await act.actor.known()
    await ack(response_action="clear")
    await after_save(client, act.services, result, member)


async def after_save(
    client: AsyncWebClient, services: Services, result: SaveResult, member: Person
) -> None:
    """Tell the leader, confirm to the member and redraw their Home."""
    # The leader's notice goes first and on its own: the save claimed it, so a failure
    # below must not leave the leader never told.
    await services.picks.tell_leader(result)
    picks = result.picks
    locale, zone = services.people.locale_of(member), services.people.timezone_of(member)
    if member.slack_id:
        await client.chat_postMessage(
            channel=member.slack_id,
            text=t(locale, "picks.saved", leader=picks.leader.name, when=""),
            blocks=pb.confirmation_message(picks, locale=locale, timezone=zone),
        )
        await publish_home(client, services, member)


def register(app: AsyncApp, services: Services) -> None:
    app.action(ids.OPEN_PICKER)(answering(Via.MODAL, PICKS, open_picker))
    app.action(ids.VIEW_PICKS)(answering(Via.MODAL, PICKS, show_picks))
    app.action(ids.VIEW_PICKS_SELECT_RE)(answering(Via.MODAL, PICKS, show_picks))
    app.action(ids.PICKER_TOPICS)(answering(Via.UPDATE, PICKS, redraw_picker))
    app.action(ids.PICKER_FREE)(answering(Via.UPDATE, PICKS, redraw_picker))
    app.view(ids.PICKER_CALLBACK)(answering(Via.SUBMISSION, PICKS, submit_picker))
