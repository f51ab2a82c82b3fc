"""Listeners for the schedule: the cadence modal, "did it happen?", moving a 1on1."""

from __future__ import annotations

import contextlib
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
from bot.core.errors import InvalidInput, NotAllowed
from bot.features.org import Choose, NoPairs, NoPerson, One, Person
from bot.features.schedule import (
    AnswerResult,
    CadenceInput,
    InvalidMove,
    Outcome,
    SlotState,
)
from bot.i18n import t
from bot.ports import Directory
from handlers.slack import ids
from handlers.slack import picks_blocks as pb
from handlers.slack import schedule_blocks as sb
from handlers.slack.actor import Actor
from handlers.slack.home import publish_home
from handlers.slack.payload import (
    int_id,
    load_owned,
    metadata_id,
    pair_choice,
    show_modal,
)
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


async def _entry_view(
    services: Services, directory: Directory, person: Person | None, locale: str
) -> dict[str, Any] | str:
    """The cadence modal for the person's one pair, a chooser for several, else a message."""
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
    # The trigger id dies 3 s after the command: answer Slack first, then open.
    await inv.ack()
    person = await inv.actor.person()
    locale = await inv.actor.locale()
    view = await _entry_view(inv.services, inv.actor.directory, person, locale)
    if isinstance(view, str):
        await inv.respond(text=t(locale, view), response_type="ephemeral")
        return
    await inv.client.views_open(trigger_id=inv.trigger_id, view=view)


def register(app: AsyncApp, services: Services) -> None:
    schedule = services.schedule

    async def open_cadence(
        body: dict[str, Any], pair_value: Any, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        found = await load_owned(
            client,
            body,
            context["actor"],
            pair_value,
            lambda person, pair: schedule.cadence_form(
                person, pair, now=services.clock.now(), directory=context["actor"].directory
            ),
            pb.refusal_view,
        )
        if found is None:
            return
        view = found.value
        today = services.clock.now().astimezone(ZoneInfo(view.timezone)).date()
        modal = sb.cadence_modal(view, actor_id=found.person_id, locale=found.locale, today=today)
        await show_modal(client, body, modal)

    pair_choice(app, ids.SCHEDULE_OPEN, ids.SCHEDULE_CHOOSE, open_cadence)

    @app.view(ids.SCHEDULE_CALLBACK)
    async def on_cadence_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale, zone = await actor.locale(), await actor.timezone()
        pair_id = metadata_id(view, "pair_id")
        answers = cadence_answers((view.get("state") or {}).get("values") or {})
        try:
            if person is None or person.id is None or pair_id is None:
                raise NotAllowed
            result = await schedule.save_cadence(
                person.id, pair_id, answers, now=services.clock.now()
            )
        except NotAllowed:
            await ack(response_action="update", view=pb.refusal_view(locale))
            return
        except InvalidInput as invalid:
            errors = {_CADENCE_BLOCKS[e.field]: t(locale, e.code) for e in invalid.errors}
            await ack(response_action="errors", errors=errors)
            return
        await ack(
            response_action="update", view=sb.saved_view(result, locale=locale, timezone=zone)
        )
        await schedule.tell_other(result, person)
        await publish_home(client, services, person)

    async def answer(
        outcome: Outcome,
        action: dict[str, Any],
        context: AsyncBoltContext,
        respond: AsyncRespond,
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        slot_id = int_id(action.get("value"))
        locale, zone = await actor.locale(), await actor.timezone()
        try:
            if person is None or person.id is None or slot_id is None:
                raise NotAllowed
            result = await schedule.answer(person.id, slot_id, outcome, now=services.clock.now())
        except NotAllowed:
            await respond(
                text=t(locale, "error.not_your_pair"),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        text, blocks = sb.answered_message(result, locale=locale, timezone=zone)
        await respond(text=text, blocks=blocks, replace_original=True)

    @app.action(ids.SLOT_HELD)
    async def on_held(
        ack: AsyncAck, action: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
    ) -> None:
        await ack()
        await answer(Outcome.held, action, context, respond)

    @app.action(ids.SLOT_SKIPPED)
    async def on_skipped(
        ack: AsyncAck, action: dict[str, Any], context: AsyncBoltContext, respond: AsyncRespond
    ) -> None:
        await ack()
        await answer(Outcome.skipped, action, context, respond)

    async def open_move(
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        found = await load_owned(
            client,
            body,
            context["actor"],
            action.get("value"),
            schedule.slot_for_party,
            pb.refusal_view,
        )
        if found is None:
            return
        slot, locale = found.value, found.locale
        if slot.state not in _MOVABLE:
            text, blocks = sb.answered_message(
                AnswerResult(slot, False, None), locale=locale, timezone=found.timezone
            )
            await respond(
                text=text, blocks=blocks, response_type="ephemeral", replace_original=False
            )
            return
        await show_modal(
            client,
            body,
            sb.move_modal(slot, actor_id=found.person_id, locale=locale, now=services.clock.now()),
        )

    @app.action(ids.SLOT_MOVED)
    async def on_moved(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await open_move(body, action, context, client, respond)

    @app.action(ids.SLOT_RESCHEDULE)
    async def on_reschedule(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await open_move(body, action, context, client, respond)

    @app.view(ids.MOVE_CALLBACK)
    async def on_move_submit(
        ack: AsyncAck, view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        actor: Actor = context["actor"]
        person = await actor.person()
        locale, zone = await actor.locale(), await actor.timezone()
        slot_id = metadata_id(view, "slot_id")
        day, at = sb.parse_move((view.get("state") or {}).get("values") or {})
        if day is None or at is None:
            errors = {}
            if day is None:
                errors[ids.MOVE_DATE_BLOCK] = t(locale, "schedule.error.required")
            if at is None:
                errors[ids.MOVE_TIME_BLOCK] = t(locale, "schedule.error.required")
            await ack(response_action="errors", errors=errors)
            return
        try:
            if person is None or person.id is None or slot_id is None:
                raise NotAllowed
            result = await schedule.move(person.id, slot_id, day, at, now=services.clock.now())
        except NotAllowed:
            await ack(response_action="update", view=pb.refusal_view(locale))
            return
        except InvalidMove as invalid:
            message = t(locale, f"schedule.move.error.{invalid.code}")
            await ack(response_action="errors", errors={ids.MOVE_DATE_BLOCK: message})
            return
        await ack(
            response_action="update", view=sb.moved_view(result, locale=locale, timezone=zone)
        )
