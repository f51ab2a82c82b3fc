"""What the admin feature says to the two people of a pair, as neutral Messages."""

from __future__ import annotations

from bot.core.message import Message, Note, Text, esc, presents
from bot.features.admin.notices import PairChanged
from bot.i18n import t


@presents(PairChanged)
def pair_changed(notice: PairChanged, locale: str, timezone: str) -> Message:
    kind = notice.kind.value
    other = t(
        locale, f"pair_kind.as_leader.{kind}" if notice.as_leader else f"pair_kind.as_member.{kind}"
    )
    facts = {"kind": other}
    if notice.ended:
        assert notice.ends_on is not None
        key, facts["day"] = "admin.notice.ended", notice.ends_on.isoformat()
        follow = "admin.notice.ended_history"
    else:
        key = "admin.notice.added"
        follow = (
            "admin.notice.added_cadence" if notice.has_cadence else "admin.notice.added_no_cadence"
        )
    return Message(
        fallback=t(locale, key, other=notice.other_name, **facts),
        body=(Text(t(locale, key, other=esc(notice.other_name), **facts)), Note(t(locale, follow))),
        tail=(Note(t(locale, "privacy.notice")),),
    )
