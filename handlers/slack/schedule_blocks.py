"""Block Kit for the schedule: the cadence modal, answers to "did it happen?", the move
modal and App Home's cadence health. The schedule's notices (reminders, the leader's digest,
"did it happen?", nudges) are presented by the feature and laid out by handlers.slack.message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.message import Style, esc
from bot.features.org import PairView
from bot.features.schedule import (
    DEFAULT_DURATION,
    DEFAULT_FREQUENCY,
    DEFAULT_TIME,
    DURATIONS,
    AnswerResult,
    CadenceResult,
    CadenceView,
    Frequency,
    MoveResult,
    PairHealth,
    PairKind,
    ScheduleHome,
    SlotState,
    SlotView,
    describe_cadence,
)
from bot.i18n import t
from bot.i18n.format import Weekday, format_datetime
from handlers.slack import ids
from handlers.slack.blocks import (
    MAX_SELECT_OPTIONS,
    Block,
    actions,
    button,
    context,
    divider,
    input_block,
    lines_as_sections,
    metadata,
    modal,
    option,
    section,
    static_select,
)

# Zones offered in the modal; the pair's own (and the leader's) are added when missing.
COMMON_ZONES = (
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "UTC",
)
# App Home: one section per pair up to this many; beyond it, a compact list and a select.
HOME_PAIR_BUTTONS_MAX = 10
HOME_BLOCK_BUDGET = 14


def _when(moment: datetime, locale: str, timezone: str) -> str:
    return format_datetime(moment, locale, timezone)


def _weekday_option(weekday: int, locale: str) -> dict[str, Any]:
    label = t(locale, "schedule.modal.weekday_option", day=Weekday(weekday, locale))
    return option(label, str(weekday))


def _kind_label(kind: PairKind, as_leader: bool, locale: str) -> str:
    """The other person's role as the reader sees it (部下 / 上司, mentee / mentor ...)."""
    if as_leader:
        return t(locale, f"pair_kind.as_leader.{kind.value}")
    return t(locale, f"pair_kind.as_member.{kind.value}")


# --- the cadence modal -----------------------------------------------------------------------


def cadence_modal(view: CadenceView, *, actor_id: int, locale: str, today: date) -> dict[str, Any]:
    """The pair's cadence, pre-filled with what is set (or the common default)."""
    spec = view.spec
    frequency = spec.frequency if spec else DEFAULT_FREQUENCY
    weekday = spec.weekday if spec else today.weekday() if today.weekday() < 5 else 0
    at = spec.at if spec else DEFAULT_TIME
    duration = spec.duration_minutes if spec else DEFAULT_DURATION
    week = spec.week_of_month if spec else 1
    other = view.member if view.leader.id == actor_id else view.leader
    blocks: list[Block] = [
        section(t(locale, "schedule.modal.intro", other=esc(other.name))),
    ]
    if view.rule:
        current = describe_cadence(spec, view.rule, locale)
        blocks.append(context(t(locale, "schedule.modal.current", cadence=current)))
    frequencies = [option(t(locale, f"schedule.freq.{f.value}"), f.value) for f in Frequency]
    blocks.append(
        input_block(
            ids.SCHEDULE_FREQ_BLOCK,
            t(locale, "schedule.modal.frequency"),
            {
                "type": "radio_buttons",
                "action_id": ids.SCHEDULE_FREQ,
                "options": frequencies,
                "initial_option": next(o for o in frequencies if o["value"] == frequency.value),
            },
        )
    )
    blocks.append(
        input_block(
            ids.SCHEDULE_WEEKDAY_BLOCK,
            t(locale, "schedule.modal.weekday"),
            static_select(
                ids.SCHEDULE_WEEKDAY,
                [_weekday_option(d, locale) for d in range(7)],
                initial=str(weekday),
            ),
        )
    )
    weeks = [option(t(locale, f"schedule.nth.{n}"), n) for n in ("1", "2", "3", "4", "last")]
    blocks.append(
        input_block(
            ids.SCHEDULE_WEEK_BLOCK,
            t(locale, "schedule.modal.week_of_month"),
            static_select(ids.SCHEDULE_WEEK, weeks, initial="last" if week == -1 else str(week)),
            optional=True,
        )
    )
    blocks.append(
        input_block(
            ids.SCHEDULE_TIME_BLOCK,
            t(locale, "schedule.modal.time"),
            {
                "type": "timepicker",
                "action_id": ids.SCHEDULE_TIME,
                "initial_time": f"{at.hour:02d}:{at.minute:02d}",
            },
        )
    )
    durations = [option(t(locale, "schedule.modal.minutes", minutes=m), str(m)) for m in DURATIONS]
    if duration not in DURATIONS:
        durations.append(
            option(t(locale, "schedule.modal.minutes", minutes=duration), str(duration))
        )
    blocks.append(
        input_block(
            ids.SCHEDULE_DURATION_BLOCK,
            t(locale, "schedule.modal.duration"),
            static_select(ids.SCHEDULE_DURATION, durations, initial=str(duration)),
        )
    )
    zones = list(dict.fromkeys([view.timezone, *COMMON_ZONES]))
    blocks.append(
        input_block(
            ids.SCHEDULE_ZONE_BLOCK,
            t(locale, "schedule.modal.timezone"),
            static_select(ids.SCHEDULE_ZONE, [option(z, z) for z in zones], initial=view.timezone),
        )
    )
    blocks.append(
        input_block(
            ids.SCHEDULE_START_BLOCK,
            t(locale, "schedule.modal.starting"),
            {
                "type": "datepicker",
                "action_id": ids.SCHEDULE_START,
                "initial_date": today.isoformat(),
            },
            optional=True,
        )
    )
    blocks.append(context(t(locale, "schedule.modal.footer")))
    return modal(
        t(locale, "schedule.modal.title"),
        blocks,
        locale,
        callback_id=ids.SCHEDULE_CALLBACK,
        private_metadata=metadata(pair_id=view.pair_id),
        submit=t(locale, "schedule.modal.submit"),
        close=t(locale, "schedule.modal.cancel"),
    )


def saved_view(result: CadenceResult, *, locale: str, timezone: str) -> dict[str, Any]:
    cadence = describe_cadence(result.spec, result.rule, locale, reader_zone=timezone)
    nxt = (
        _when(result.next_slot_at, locale, timezone)
        if result.next_slot_at
        else t(locale, "picks.next_unscheduled")
    )
    return modal(
        t(locale, "schedule.modal.title"),
        [
            section(t(locale, "schedule.saved", cadence=cadence, next=nxt)),
            context(t(locale, "schedule.saved_footer")),
        ],
        locale,
        callback_id=ids.SCHEDULE_SAVED_CALLBACK,
    )


def chooser_modal(views: Sequence[PairView], *, actor_id: int, locale: str) -> dict[str, Any]:
    """For someone in several pairs: which 1on1's cadence to set."""
    blocks: list[Block] = [section(t(locale, "schedule.chooser.intro"))]
    rows = [
        (v, v.member_name if v.leader_id == actor_id else v.leader_name, v.leader_id == actor_id)
        for v in views
    ]
    if len(rows) <= HOME_PAIR_BUTTONS_MAX:
        for view, other, as_leader in rows:
            block = section(
                t(
                    locale,
                    "schedule.chooser.line",
                    other=esc(other),
                    kind=_kind_label(view.kind, as_leader, locale),
                )
            )
            block["accessory"] = button(
                t(locale, "schedule.button.choose"), ids.SCHEDULE_OPEN, str(view.pair_id)
            )
            blocks.append(block)
    else:
        blocks.append(_pair_select(rows, locale))
    return modal(
        t(locale, "schedule.modal.title"), blocks, locale, callback_id=ids.SCHEDULE_CHOOSER_CALLBACK
    )


def _pair_select(rows: Sequence[tuple[Any, str, bool]], locale: str) -> Block:
    options = [option(other, str(view.pair_id)) for view, other, _ in rows[:MAX_SELECT_OPTIONS]]
    return actions(
        [
            static_select(
                ids.SCHEDULE_CHOOSE, options, placeholder=t(locale, "schedule.chooser.select")
            )
        ]
    )


# --- "did it happen?" and moving a slot ------------------------------------------------------


def answered_message(
    result: AnswerResult, *, locale: str, timezone: str
) -> tuple[str, list[Block]]:
    slot = result.slot
    when = _when(slot.starts_at, locale, timezone)
    member = esc(slot.member.name)
    if not result.recorded:
        key = f"schedule.did.already.{slot.state.value}"
        moved = _when(slot.moved_to_at, locale, timezone) if slot.moved_to_at else ""
        text = t(locale, key, member=member, when=when, moved=moved)
    elif slot.state is SlotState.held:
        text = t(locale, "schedule.did.held", member=member, when=when)
    else:
        text = t(locale, "schedule.did.skipped", member=member, when=when)
    return text, [section(text)]


def move_modal(slot: SlotView, *, actor_id: int, locale: str, now: datetime) -> dict[str, Any]:
    """A date and time for the 1on1 (in the pair's zone); by default tomorrow, same time."""
    zone = ZoneInfo(slot.timezone)
    local = slot.starts_at.astimezone(zone)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    other = slot.member if slot.leader.id == actor_id else slot.leader
    blocks: list[Block] = [
        section(
            t(
                locale,
                "schedule.move.intro",
                other=esc(other.name),
                when=_when(slot.starts_at, locale, slot.timezone),
                zone=slot.timezone,
            )
        ),
        input_block(
            ids.MOVE_DATE_BLOCK,
            t(locale, "schedule.move.date"),
            {
                "type": "datepicker",
                "action_id": ids.MOVE_DATE,
                "initial_date": tomorrow.isoformat(),
            },
        ),
        input_block(
            ids.MOVE_TIME_BLOCK,
            t(locale, "schedule.move.time"),
            {
                "type": "timepicker",
                "action_id": ids.MOVE_TIME,
                "initial_time": f"{local.hour:02d}:{local.minute:02d}",
            },
        ),
        context(t(locale, "schedule.move.footer")),
    ]
    return modal(
        t(locale, "schedule.move.title"),
        blocks,
        locale,
        callback_id=ids.MOVE_CALLBACK,
        private_metadata=metadata(slot_id=slot.slot_id),
        submit=t(locale, "schedule.move.submit"),
        close=t(locale, "schedule.modal.cancel"),
    )


def moved_view(result: MoveResult, *, locale: str, timezone: str) -> dict[str, Any]:
    key = "schedule.move.done" if result.recorded else "schedule.move.already"
    text = t(
        locale,
        key,
        other=esc(result.old.member.name),
        old=_when(result.old.starts_at, locale, timezone),
        new=_when(result.new_starts_at, locale, timezone),
    )
    return modal(
        t(locale, "schedule.move.title"),
        [section(text)],
        locale,
        callback_id=ids.SCHEDULE_SAVED_CALLBACK,
    )


def parse_move(values: dict[str, Any]) -> tuple[date | None, time | None]:
    """The move modal's date and time; None for a value Slack would not send."""
    raw_date = (values.get(ids.MOVE_DATE_BLOCK, {}).get(ids.MOVE_DATE) or {}).get("selected_date")
    raw_time = (values.get(ids.MOVE_TIME_BLOCK, {}).get(ids.MOVE_TIME) or {}).get("selected_time")
    return _parse_date(raw_date), _parse_time(raw_time)


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _parse_time(value: Any) -> time | None:
    try:
        return time.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- App Home --------------------------------------------------------------------------------


def health_blocks(home: ScheduleHome, *, locale: str, timezone: str) -> list[Block]:
    """This feature's part of App Home: each pair's rhythm (cadence, last held, streak, next
    slot), and the common default offered to pairs without a cadence."""
    if not home.pairs:
        return []
    blocks: list[Block] = [divider(), section(t(locale, "schedule.home.title"))]
    if len(home.pairs) <= HOME_PAIR_BUTTONS_MAX:
        for health in home.pairs:
            block = section(_health_line(health, locale, timezone))
            if health.rule:
                block["accessory"] = button(
                    t(locale, "schedule.button.change"), ids.SCHEDULE_OPEN, str(health.pair_id)
                )
            else:
                block["accessory"] = button(
                    t(locale, "schedule.button.default"),
                    ids.SCHEDULE_OPEN,
                    str(health.pair_id),
                    style=Style.primary,
                )
            blocks.append(block)
    else:
        lines = [_health_line(h, locale, timezone) for h in home.pairs]
        blocks += lines_as_sections(lines)[: HOME_BLOCK_BUDGET - 3]
        rows = [(h, h.other_name, h.as_leader) for h in home.pairs]
        blocks.append(_pair_select(rows, locale))
    return blocks[:HOME_BLOCK_BUDGET]


def _health_line(health: PairHealth, locale: str, timezone: str) -> str:
    name = t(
        locale,
        "schedule.home.pair",
        other=esc(health.other_name),
        kind=_kind_label(health.kind, health.as_leader, locale),
    )
    if not health.rule:
        return f"{name}\n{t(locale, 'schedule.home.no_cadence')}"
    cadence = describe_cadence(health.spec, health.rule, locale, reader_zone=timezone)
    last = (
        _when(health.last_held_at, locale, timezone)
        if health.last_held_at
        else t(locale, "schedule.home.never")
    )
    if health.streak_kind in ("held", "missed"):
        # "1回連続で実施" reads oddly: a streak of one is simply what happened last time.
        once = "_once" if health.streak == 1 else ""
        key = f"schedule.home.streak_{health.streak_kind}{once}"
        streak = t(locale, key, count=health.streak)
    else:
        streak = t(locale, "schedule.home.streak_none")
    nxt = (
        _when(health.next_slot_at, locale, timezone)
        if health.next_slot_at
        else t(locale, "picks.next_unscheduled")
    )
    return f"{name} ・ {cadence}\n" + t(
        locale, "schedule.home.health", last=last, streak=streak, next=nxt
    )
