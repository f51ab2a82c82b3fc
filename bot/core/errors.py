"""Outcomes every feature may end in and every surface answers the same way.

Surfaces map these once (an outcome mapper per surface) to the platform's answer: a refusal,
field errors on the form, a short note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class NotAllowed(Exception):
    """The acting person is not a party to the pair named in the payload (or it is gone)."""


class NotFound(Exception):
    """What the payload names does not exist (any more)."""


@dataclass(frozen=True)
class FieldError:
    """A problem with one input of a form. `field` is the core's name for the input (each
    surface maps it to its own control); `code` a message key (or a feature's short code its
    surface turns into one)."""

    field: str
    code: str


class InvalidInput(Exception):
    """The person's input cannot be accepted; nothing was stored. A feature may narrow
    `errors` to its own FieldError subclass."""

    errors: Sequence[FieldError]

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field}:{e.code}" for e in errors))
        self.errors = errors
