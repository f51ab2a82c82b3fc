"""Listeners for the schedule: the cadence modal, "did it happen?", moving a 1on1."""

from __future__ import annotations

import contextlib
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.container import Services
from bot.core.delivery import SendGate
from bot.core.errors import FieldError, InvalidInput
from bot.features.org import Choose, NoPairs, NoPerson, One
from bot.features.schedule import AnswerResult, CadenceInput, Outcome, SlotState
from bot.i18n import t
from handlers.slack import ids
from handlers.slack import schedule_blocks as sb
from handlers.slack.actor import Actor
from handlers.slack.context import acting
from handlers.slack.home import publish_home
from handlers.slack.outcomes import Via, Wording, answering
from handlers.slack.payload import chosen, metadata_id, show_modal, state_values
from handlers.slack.picks import refusal_notice
from handlers.slack.subcommands import Invocation, subcommand

_MOVABLE = (SlotState.planned, SlotState.skipped, SlotState.unknown)

# The cadence modal's inputs: (block, action, state field) by the core's field name.
_CADENCE_INPUTS = {
    "frequency": (ids.SCHEDULE_FREQ_BLOCK, ids.SCHEDULE_FREQ, "selected_option"),
    "weekday": (ids.SCHEDULE_WEEKDAY_BLOCK, ids.SCHEDULE_WEEKDAY, "selected_option"),
    "time": (ids.SCHEDULE_TIME_BLOCK, ids.SCHEDULE_TIME, "selected_time"),
    "duration": (ids.SCHEDULE_DURATION_BLOCK, ids.SCHEDULE_DURATION, "selected_option"),
    "timezone": (ids.SCHEDULE_ZONE_BLOCK, ids.SCHEDULE_ZONE, "selected_option"),
    "week_of_month": (ids.SCHEDULE_WEEK_BLOCK, ids.SCHEDULE_WEEK, "selected_option"),
    "starting": (ids.SCHEDULE_START_BLOCK, ids.SCHEDULE_START, "selected_date"),
}
_CADENCE_BLOCKS = {name: block for name, (block, _, _) in _CADENCE_INPUTS.items()}
_MOVE_BLOCKS = {"date": ids.MOVE_DATE_BLOCK, "time": ids.MOVE_TIME_BLOCK}
_ANSWERS = {ids.SLOT_HELD: Outcome.held, ids.SLOT_SKIPPED: Outcome.skipped}
REQUIRED = "required"


def cadence_answers(values: dict[str, Any]) -> CadenceInput:
    """The cadence modal's answers as given; the schedule service checks them."""

    def picked(name: str) -> str | None:
        block_id, action_id, field = _CADENCE_INPUTS[name]
        chosen = ((values.get(block_id) or {}).get(action_id) or {}).get(field)
        chosen = chosen.get("value") if isinstance(chosen, dict) else chosen
        return None if chosen is None else str(chosen)

    return CadenceInput(*(picked(name) for name in _CADENCE_INPUTS))


class PausingRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """On 429, pause every send of this process for exactly Retry-After, then retry.

    slack_sdk's own handler sleeps per call, plus up to a second of random jitter: the other
    concurrent sends keep knocking meanwhile, and a workspace cap is left idle part of every
    second. This one shares the Delivery ledger's gate, so the whole process waits once and
    resumes together (see bench/bench_reminders.py). Wire it into the messenger's client and
    set `gate` to `services.ledger.gate`.
    """

    def __init__(self, gate: SendGate | None = None, max_retry_count: int = 10) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.gate = gate or SendGate()

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate limited without a response")
        wait = 1.0
        for name, values in response.headers.items():
            if name.lower() == "retry-after":
                # slack_sdk hands headers over as lists of values.
                first = values[0] if isinstance(values, list) and values else values
                with contextlib.suppress(TypeError, ValueError):
                    wait = float(str(first))
        self.gate.pause(wait)
        await self.gate.wait()
        state.next_attempt_requested = True
        state.increment_current_attempt()


async def _entry_view(services: Services, actor: Actor) -> dict[str, Any] | str:
    """The cadence modal for the person's one pair, a chooser for several, else a message."""
    person, locale, directory = await actor.person(), await actor.locale(), actor.directory
    person_id = person.id if person is not None else None
    match await services.schedule.entry(person_id, now=services.clock.now()):
        case One(pair):
            assert person_id is not None
            view = await services.schedule.cadence_form(
                person_id, pair.pair_id, now=services.clock.now(), directory=directory
            )
            today = services.clock.now().astimezone(ZoneInfo(view.timezone)).date()
            return sb.cadence_modal(view, actor_id=person_id, locale=locale, today=today)
        case Choose() as choose:
            assert person_id is not None
            return sb.chooser_modal(choose.leaders_first(), actor_id=person_id, locale=locale)
        case NoPerson() | NoPairs() as nowhere:
            return nowhere.message_key


@subcommand("schedule", "cadence", "周期", help_key="schedule.help")
async def schedule_command(inv: Invocation) -> None:
    await inv.open_entry(_entry_view)


def _cadence_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    return {_CADENCE_BLOCKS[e.field]: t(locale, e.code) for e in invalid.errors}


def _move_errors(invalid: InvalidInput, locale: str, view: dict[str, Any]) -> dict[str, str]:
    """A date or time left out, or a new time the schedule refused (InvalidMove's code)."""
    return {
        _MOVE_BLOCKS[e.field]: t(
            locale,
            "schedule.error.required" if e.code == REQUIRED else f"schedule.move.error.{e.code}",
        )
        for e in invalid.errors
    }


SCHEDULE = Wording(notice=refusal_notice)


def move_answers(view: dict[str, Any]) -> tuple[date, time]:
    """The move modal's new date and time; InvalidInput names the ones missing."""
    day, at = sb.parse_move(state_values(view))
    if day is None or at is None:
        missing = [name for name, value in (("date", day), ("time", at)) if value is None]
        raise InvalidInput([FieldError(name, REQUIRED) for name in missing])
    return day, at


async def open_cadence(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
) -> None:
    """The cadence modal for the pair a button or the chooser's select names."""
    act = await acting(ack, context, value=chosen(action))
    form = await act.services.schedule.cadence_form(
        act.person_id, act.id, now=act.now, directory=act.actor.directory
    )
    today = act.now.astimezone(ZoneInfo(form.timezone)).date()
    view = sb.cadence_modal(form, actor_id=act.person_id, locale=await act.locale(), today=today)
    await show_modal(client, body, view)


async def submit_cadence(
    ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    act = await acting(None, context, value=metadata_id(view, "pair_id"))
    answers = cadence_answers(state_values(view))
    result = await act.services.schedule.save_cadence(act.person_id, act.id, answers, now=act.now)
    locale, zone = await act.reader()
    await ack(response_action="update", view=sb.saved_view(result, locale=locale, timezone=zone))
    person = await act.actor.known()
    await act.services.schedule.tell_other(result, person)
    await publish_home(client, act.services, person)


async def answer_slot(
    ack: AsyncAck, action: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
) -> None:
    """ "Did it happen?": held or skipped; the question turns into the answer."""
    act = await acting(ack, context, value=action.get("value"))
    outcome = _ANSWERS[str(action.get("action_id"))]
    result = await act.services.schedule.answer(act.person_id, act.id, outcome, now=act.now)
    locale, zone = await act.reader()
    text, blocks = sb.answered_message(result, locale=locale, timezone=zone)
    await respond(text=text, blocks=blocks, replace_original=True)


async def open_move(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """The move modal for a slot; for one no longer movable, what became of it."""
    act = await acting(ack, context, value=action.get("value"))
    slot = await act.services.schedule.slot_for_party(act.person_id, act.id)
    locale = await act.locale()
    if slot.state in _MOVABLE:
        view = sb.move_modal(slot, actor_id=act.person_id, locale=locale, now=act.now)
        await show_modal(client, body, view)
        return
    gone = AnswerResult(slot, False, None)
    text, blocks = sb.answered_message(gone, locale=locale, timezone=await act.zone())
    await respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


async def submit_move(ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext) -> None:
    day, at = move_answers(view)
    act = await acting(None, context, value=metadata_id(view, "slot_id"))
    result = await act.services.schedule.move(act.person_id, act.id, day, at, now=act.now)
    locale, zone = await act.reader()
    await ack(response_action="update", view=sb.moved_view(result, locale=locale, timezone=zone))


def register(app: AsyncApp, services: Services) -> None:
    cadence, move = SCHEDULE.with_fields(_cadence_errors), SCHEDULE.with_fields(_move_errors)
    app.action(ids.SCHEDULE_OPEN)(answering(Via.MODAL, SCHEDULE, open_cadence))
    app.action(ids.SCHEDULE_CHOOSE)(answering(Via.MODAL, SCHEDULE, open_cadence))
    app.view(ids.SCHEDULE_CALLBACK)(answering(Via.SUBMISSION, cadence, submit_cadence))
    app.action(ids.SLOT_HELD)(answering(Via.REPLY, SCHEDULE, answer_slot))
    app.action(ids.SLOT_SKIPPED)(answering(Via.REPLY, SCHEDULE, answer_slot))
    app.action(ids.SLOT_MOVED)(answering(Via.MODAL, SCHEDULE, open_move))
    app.action(ids.SLOT_RESCHEDULE)(answering(Via.MODAL, SCHEDULE, open_move))
    app.view(ids.MOVE_CALLBACK)(answering(Via.SUBMISSION, move, submit_move))
