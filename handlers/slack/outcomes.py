"""The Slack outcome mapper: how a listener's domain outcome becomes Slack's answer.

Listeners call one service and render what it returns; when the service (or the acting person
or a payload id) says no, it raises the core's NotAllowed, NotFound or InvalidInput (or a
feature's case of them). `answering` wires a listener with the way its request is answered
(`Via`) and the feature's words (`Wording`), and answers those outcomes in one place:

- a form submission: field errors on the form, or the form turns into a notice;
- a block action in a modal: the modal turns into the notice;
- a button that opens a modal: the notice opens instead (stacked on a modal the person is in);
- a button in a message: an ephemeral reply there (elsewhere, the notice modal);
- a slash command: an ephemeral reply.

Anything else raised goes to the error reporting of errors.py, which logs it and tells the
person something went wrong: through Bolt's error handler before the ack, directly after it
(so that Bolt keeps the ack it already sent).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.errors import FieldError, InvalidInput, NotAllowed, NotFound
from bot.i18n import t
from handlers.slack.actor import Actor
from handlers.slack.context import services_of
from handlers.slack.errors import report
from handlers.slack.payload import show_modal

View = dict[str, Any]
Listener = Callable[..., Awaitable[None]]
BoltListener = Callable[[AsyncArgs], Awaitable[None]]
E = TypeVar("E", bound=FieldError)

# What a listener may end in besides its answer.
OUTCOMES = (NotAllowed, NotFound, InvalidInput)


class Via(Enum):
    """How the request that ended in an outcome is answered."""

    SUBMISSION = "view_submission"
    UPDATE = "block action in a modal"
    MODAL = "button that opens a modal"
    REPLY = "button in a message"
    COMMAND = "slash command"


def _refused() -> dict[type[Exception], str]:
    return {NotAllowed: "error.not_your_pair", NotFound: "error.not_your_pair"}


@dataclass(frozen=True)
class Wording:
    """How a feature words its outcomes. `notice(locale, key)` is a small modal saying one
    message; `keys` the message for each outcome (the most specific class listed wins; an
    InvalidInput not listed goes to `fields`, which maps its field errors to the form's block
    ids)."""

    notice: Callable[[str, str], View]
    keys: Mapping[type[Exception], str] = field(default_factory=_refused)
    fields: Callable[[InvalidInput, str, View], dict[str, str]] | None = None

    def saying(self, keys: Mapping[type[Exception], str]) -> Wording:
        """The same words, but these messages for these outcomes."""
        return replace(self, keys={**self.keys, **keys})

    def with_fields(self, fields: Callable[[InvalidInput, str, View], dict[str, str]]) -> Wording:
        return replace(self, fields=fields)

    def key(self, outcome: Exception) -> str | None:
        return next((self.keys[k] for k in type(outcome).__mro__ if k in self.keys), None)


# A listener whose words depend on the payload (e.g. a form for a new tip or an edit).
WordingFor = Callable[[dict[str, Any]], Wording]


def errors_of(invalid: InvalidInput, kind: type[E]) -> list[E]:
    """A feature's own field errors, for its block builders."""
    return [error for error in invalid.errors if isinstance(error, kind)]


@dataclass(frozen=True)
class Request:
    """What answering needs of the request: Bolt's ack, the body, who acts, where to answer."""

    ack: AsyncAck
    body: dict[str, Any]
    actor: Actor
    client: AsyncWebClient
    respond: AsyncRespond


async def settle(
    work: Awaitable[None], via: Via, wording: Wording | WordingFor, request: Request
) -> None:
    """Run a listener's work; answer the outcome it ends in, if any."""
    try:
        await work
    except OUTCOMES as outcome:
        words = wording if isinstance(wording, Wording) else wording(request.body)
        await answer(outcome, via, words, request)


async def answer(outcome: Exception, via: Via, wording: Wording, request: Request) -> None:
    """The one mapping from an outcome to Slack's answer."""
    locale = await request.actor.locale()
    key = wording.key(outcome)
    acked = request.ack.response is not None
    view: View = request.body.get("view") or {}
    if key is None:
        if via is Via.SUBMISSION and isinstance(outcome, InvalidInput) and wording.fields:
            errors = wording.fields(outcome, locale, view)
            await request.ack(response_action="errors", errors=errors)
            return
        raise outcome
    notice = wording.notice(locale, key)
    if via is Via.SUBMISSION:
        if not acked:
            await request.ack(response_action="update", view=notice)
        elif view.get("previous_view_id"):  # the form closed; the modal under it says it
            await request.client.views_update(view_id=view["previous_view_id"], view=notice)
        return
    if not acked:
        await request.ack()
    if via is Via.UPDATE and view.get("id"):
        await request.client.views_update(view_id=view["id"], view=notice)
    elif via is Via.COMMAND:
        await request.respond(text=t(locale, key), response_type="ephemeral")
    elif via is Via.REPLY and request.body.get("response_url"):
        text = t(locale, key)
        await request.respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        await show_modal(request.client, request.body, notice)


def answering(via: Via, wording: Wording | WordingFor, listener: Listener) -> BoltListener:
    """`listener` as Bolt calls it: with the Bolt arguments it names, its outcomes answered."""
    names = list(inspect.signature(listener).parameters)

    async def answered(args: AsyncArgs) -> None:
        request = Request(args.ack, args.body, args.context["actor"], args.client, args.respond)
        work = listener(**{name: getattr(args, name) for name in names})
        await _keeping_ack(args, settle(work, via, wording, request))

    answered.__name__ = answered.__qualname__ = listener.__name__
    return answered


def keeping_ack(listener: Listener) -> BoltListener:
    """`listener` as Bolt calls it, for a listener with no outcomes of its own to answer."""
    names = list(inspect.signature(listener).parameters)

    async def kept(args: AsyncArgs) -> None:
        await _keeping_ack(args, listener(**{name: getattr(args, name) for name in names}))

    kept.__name__ = kept.__qualname__ = listener.__name__
    return kept


async def _keeping_ack(args: AsyncArgs, work: Awaitable[None]) -> None:
    try:
        await work
    except Exception as error:
        if args.ack.response is None:
            raise  # not acked yet: Bolt answers, and errors.py reports it
        # Acked already. Raised on to Bolt, the failure would reset the ack it sent (and,
        # inside its 10 ms poll, turn the answer into a 404 after 3 s): report it here.
        await report(
            services_of(args.context),
            error,
            args.body,
            args.context,
            args.respond,
            args.client,
            acked=True,
        )
