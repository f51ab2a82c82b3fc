"""Outcomes every feature may end in and every surface answers the same way.

Surfaces map these once (an outcome mapper per surface) to the platform's answer: a refusal,
field errors on the form, a short note.
"""

from __future__ import annotations


class NotAllowed(Exception):
    """The acting person is not a party to the pair named in the payload (or it is gone)."""
