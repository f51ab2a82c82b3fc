"""Cadence maths as pure functions with explicit zones (no database, no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.schedule.cadence import (
    CadenceError,
    CadenceSpec,
    Frequency,
    SendWindow,
    allowed_at,
    fit,
    is_working_day,
    latest_allowed_before,
    member_reminder_due,
    next_occurrence,
    occurrences,
    parse_rule,
    parse_weekdays,
    parse_window,
    previous_working_day,
    rule_from_spec,
    spec_from_rule,
)

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 19 November 2026, noon in Tokyo.
NOW = datetime(2026, 11, 19, 12, 0, tzinfo=TOKYO)
WINDOW = SendWindow()


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


# --- rules as people write them -----------------------------------------------------------------


def test_a_bare_rule_starts_at_its_next_occurrence() -> None:
    rule = parse_rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=10;BYMINUTE=0", "Asia/Tokyo", now=NOW)

    # Every other week counts from the coming Tuesday, not from whatever week today is in.
    assert rule.startswith("DTSTART:20261124T100000\n")
    starts = occurrences(rule, "Asia/Tokyo", after=NOW, until=NOW + timedelta(weeks=6))
    assert [local(s, TOKYO).date() for s in starts] == [
        date(2026, 11, 24),
        date(2026, 12, 8),
        date(2026, 12, 22),
    ]
    assert {local(s, TOKYO).time() for s in starts} == {time(10, 0)}


def test_rrule_prefix_and_a_zoned_dtstart_are_accepted() -> None:
    rule = parse_rule(
        "DTSTART;TZID=Europe/Berlin:20261103T090000\nRRULE:FREQ=WEEKLY;BYDAY=TU",
        "Asia/Tokyo",
        now=NOW,
    )

    # Stored as wall-clock time in the pair's zone: 09:00 Berlin is 17:00 Tokyo.
    assert rule == "DTSTART:20261103T170000\nRRULE:FREQ=WEEKLY;BYDAY=TU"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "no_time"),
        ("FREQ=HOURLY;BYHOUR=10", "frequency"),
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=10,15", "frequency"),
        ("not a rule", "syntax"),
        ("", "syntax"),
    ],
)
def test_rules_that_cannot_be_a_cadence_are_refused(text: str, code: str) -> None:
    with pytest.raises(CadenceError) as caught:
        parse_rule(text, "Asia/Tokyo", now=NOW)

    assert caught.value.code == code


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(CadenceError) as caught:
        parse_rule("FREQ=WEEKLY;BYDAY=TU;BYHOUR=10", "Mars/Olympus_Mons", now=NOW)

    assert caught.value.code == "timezone"


def test_a_rule_with_count_ends() -> None:
    rule = parse_rule("DTSTART:20261124T100000\nRRULE:FREQ=WEEKLY;COUNT=2", "Asia/Tokyo", now=NOW)

    assert len(occurrences(rule, "Asia/Tokyo", after=NOW, until=NOW + timedelta(days=90))) == 2
    assert next_occurrence(rule, "Asia/Tokyo", after=NOW + timedelta(days=20)) is None


# --- DST: 10:00 local stays 10:00 local ---------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "first", "before", "after"),
    [
        # New York: spring forward 8 March 2026, fall back 1 November 2026.
        ("America/New_York", date(2026, 3, 3), timedelta(hours=-5), timedelta(hours=-4)),
        ("America/New_York", date(2026, 10, 27), timedelta(hours=-4), timedelta(hours=-5)),
        # Berlin: spring forward 29 March 2026, fall back 25 October 2026.
        ("Europe/Berlin", date(2026, 3, 24), timedelta(hours=1), timedelta(hours=2)),
        ("Europe/Berlin", date(2026, 10, 20), timedelta(hours=2), timedelta(hours=1)),
    ],
)
def test_ten_oclock_stays_ten_oclock_across_dst(
    zone: str, first: date, before: timedelta, after: timedelta
) -> None:
    rule = f"DTSTART:{first:%Y%m%d}T100000\nRRULE:FREQ=WEEKLY;BYDAY=TU"
    start = datetime.combine(first, time(0), tzinfo=UTC)

    found = occurrences(rule, zone, after=start, until=start + timedelta(days=15))

    assert len(found) == 3
    assert [local(s, ZoneInfo(zone)).time() for s in found] == [time(10, 0)] * 3
    assert [local(s, ZoneInfo(zone)).weekday() for s in found] == [1, 1, 1]
    offsets = [local(s, ZoneInfo(zone)).utcoffset() for s in found]
    assert offsets[0] == before
    assert offsets[-1] == after
    # The UTC instant shifts by exactly the hour the clocks changed.
    assert {found[1] - found[0], found[2] - found[1]} == {
        timedelta(weeks=1),
        timedelta(weeks=1) + (before - after),
    }


def test_a_time_skipped_by_spring_forward_lands_after_the_gap() -> None:
    # 02:30 does not exist in New York on 8 March 2026.
    rule = "DTSTART:20260301T023000\nRRULE:FREQ=WEEKLY;BYDAY=SU"
    start = datetime(2026, 3, 7, tzinfo=UTC)

    found = occurrences(rule, "America/New_York", after=start, until=start + timedelta(days=2))

    assert len(found) == 1
    assert found[0] == datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    assert local(found[0], NEW_YORK).hour == 3


def test_a_time_that_happens_twice_in_autumn_takes_the_first() -> None:
    rule = "DTSTART:20261025T013000\nRRULE:FREQ=WEEKLY;BYDAY=SU"
    start = datetime(2026, 10, 31, tzinfo=UTC)

    found = occurrences(rule, "America/New_York", after=start, until=start + timedelta(days=2))

    assert len(found) == 1
    assert found[0].astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT


# --- the modal's shapes -------------------------------------------------------------------------


def test_biweekly_from_the_modal_starts_on_the_next_matching_day() -> None:
    spec = CadenceSpec(Frequency.biweekly, 1, time(10), 30, "Asia/Tokyo")

    rule = rule_from_spec(spec, now=NOW)

    assert rule == "DTSTART:20261124T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert spec_from_rule(rule, "Asia/Tokyo", 30) == spec


def test_today_after_the_time_starts_next_week() -> None:
    # Thursday 12:00: a Thursday 10:00 cadence cannot start today.
    spec = CadenceSpec(Frequency.weekly, 3, time(10), 15, "Asia/Tokyo")

    rule = rule_from_spec(spec, now=NOW)

    assert rule.startswith("DTSTART:20261126T100000")


def test_a_starting_date_is_honoured() -> None:
    spec = CadenceSpec(
        Frequency.biweekly, 1, time(10), 30, "Asia/Tokyo", starting=date(2026, 12, 1)
    )

    assert rule_from_spec(spec, now=NOW).startswith("DTSTART:20261201T100000")


def test_monthly_on_the_last_friday() -> None:
    spec = CadenceSpec(Frequency.monthly, 4, time(15, 30), 45, "Europe/Berlin", week_of_month=-1)

    rule = rule_from_spec(spec, now=NOW)
    found = occurrences(rule, "Europe/Berlin", after=NOW, until=NOW + timedelta(days=75))

    assert [local(s, BERLIN).date() for s in found] == [
        date(2026, 11, 27),
        date(2026, 12, 25),
        date(2027, 1, 29),
    ]
    assert spec_from_rule(rule, "Europe/Berlin", 45) == spec


def test_a_rule_beyond_the_modal_has_no_spec() -> None:
    assert spec_from_rule("DTSTART:20261124T100000\nRRULE:FREQ=DAILY", "Asia/Tokyo", 30) is None
    rule = "DTSTART:20261124T100000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH"
    assert spec_from_rule(rule, "Asia/Tokyo", 30) is None


@pytest.mark.parametrize(
    "spec",
    [
        CadenceSpec(Frequency.weekly, 7, time(10), 30, "Asia/Tokyo"),
        CadenceSpec(Frequency.weekly, 1, time(10), 0, "Asia/Tokyo"),
        CadenceSpec(Frequency.monthly, 1, time(10), 30, "Asia/Tokyo", week_of_month=5),
        CadenceSpec(Frequency.weekly, 1, time(10), 30, "Nowhere/Town"),
    ],
)
def test_impossible_modal_answers_are_refused(spec: CadenceSpec) -> None:
    with pytest.raises(CadenceError):
        rule_from_spec(spec, now=NOW)


# --- when a message may arrive ------------------------------------------------------------------


def test_within_the_window_a_message_goes_now() -> None:
    moment = datetime(2026, 11, 20, 9, 30, tzinfo=TOKYO)  # Friday

    assert allowed_at(moment, "Asia/Tokyo", WINDOW) == moment


def test_before_eight_waits_until_eight() -> None:
    moment = datetime(2026, 11, 20, 6, 45, tzinfo=TOKYO)

    assert allowed_at(moment, "Asia/Tokyo", WINDOW) == datetime(2026, 11, 20, 8, tzinfo=TOKYO)


def test_after_eight_pm_waits_for_the_next_working_morning() -> None:
    # Friday 20:00 -> Saturday, Sunday off; Monday 23 Nov 2026 is 勤労感謝の日 -> Tuesday.
    moment = datetime(2026, 11, 20, 20, 0, tzinfo=TOKYO)

    assert allowed_at(moment, "Asia/Tokyo", WINDOW) == datetime(2026, 11, 24, 8, tzinfo=TOKYO)


def test_japanese_public_holidays_are_days_off_and_can_be_switched_off() -> None:
    holiday = date(2026, 11, 23)

    assert not is_working_day(holiday, WINDOW)
    assert is_working_day(holiday, SendWindow(holiday_country=None))
    assert not is_working_day(date(2027, 1, 1), WINDOW)  # 元日


def test_the_window_is_read_in_the_recipients_zone() -> None:
    # 23:00 UTC on a Thursday is 08:00 Friday in Tokyo but 18:00 Thursday in New York.
    moment = datetime(2026, 11, 19, 23, 0, tzinfo=UTC)

    assert allowed_at(moment, "Asia/Tokyo", WINDOW) == moment
    assert allowed_at(moment, "America/New_York", WINDOW) == moment
    late = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 21:00 in New York
    assert allowed_at(late, "America/New_York", SendWindow(holiday_country="US")) == datetime(
        2026, 11, 20, 8, tzinfo=NEW_YORK
    )


def test_latest_allowed_before_goes_back_to_the_last_working_evening() -> None:
    moment = datetime(2026, 11, 24, 7, 15, tzinfo=TOKYO)  # Tuesday after a holiday Monday

    assert latest_allowed_before(moment, "Asia/Tokyo", WINDOW) == datetime(
        2026, 11, 20, 19, 59, tzinfo=TOKYO
    )


def test_fit_moves_forward_unless_that_is_too_late() -> None:
    slot = datetime(2026, 11, 20, 7, 30, tzinfo=TOKYO)
    digest = slot - timedelta(minutes=15)

    # 08:00 would be after the 07:30 1on1 began: the evening before instead.
    assert fit(digest, "Asia/Tokyo", WINDOW, deadline=slot) == datetime(
        2026, 11, 19, 19, 59, tzinfo=TOKYO
    )
    later = datetime(2026, 11, 20, 9, 0, tzinfo=TOKYO)
    assert fit(digest, "Asia/Tokyo", WINDOW, deadline=later) == datetime(
        2026, 11, 20, 8, 0, tzinfo=TOKYO
    )


@pytest.mark.parametrize(
    ("slot", "due"),
    [
        # Thursday 10:00 -> Wednesday 10:00.
        (datetime(2026, 11, 26, 10, tzinfo=TOKYO), datetime(2026, 11, 25, 10, tzinfo=TOKYO)),
        # Tuesday after the Monday holiday -> Friday.
        (datetime(2026, 11, 24, 10, tzinfo=TOKYO), datetime(2026, 11, 20, 10, tzinfo=TOKYO)),
        # Monday -> Friday.
        (datetime(2026, 11, 30, 14, tzinfo=TOKYO), datetime(2026, 11, 27, 14, tzinfo=TOKYO)),
        # A 07:00 1on1: the day before, moved to 08:00.
        (datetime(2026, 11, 26, 7, tzinfo=TOKYO), datetime(2026, 11, 25, 8, tzinfo=TOKYO)),
        # A 21:00 1on1: moved to the next allowed morning, still before the 1on1.
        (datetime(2026, 11, 26, 21, tzinfo=TOKYO), datetime(2026, 11, 26, 8, tzinfo=TOKYO)),
    ],
)
def test_the_members_reminder_comes_one_working_day_before(slot: datetime, due: datetime) -> None:
    assert member_reminder_due(slot, "Asia/Tokyo", WINDOW) == due


def test_two_working_days_before() -> None:
    slot = datetime(2026, 11, 26, 10, tzinfo=TOKYO)

    assert previous_working_day(slot.date(), WINDOW, 2) == date(2026, 11, 24)
    assert member_reminder_due(slot, "Asia/Tokyo", WINDOW, lead_days=2) == datetime(
        2026, 11, 24, 10, tzinfo=TOKYO
    )


def test_an_all_day_every_day_window_never_moves_anything() -> None:
    window = SendWindow(0, 24 * 60, frozenset(range(7)), None)
    moment = datetime(2026, 11, 22, 3, 0, tzinfo=TOKYO)  # a Sunday night

    assert allowed_at(moment, "Asia/Tokyo", window) == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:00-20:00", (480, 1200)), ("00:00-24:00", (0, 1440)), (" 9:30 - 18:00 ", (570, 1080))],
)
def test_parse_window(text: str, expected: tuple[int, int]) -> None:
    assert parse_window(text) == expected


@pytest.mark.parametrize("text", ["20:00-08:00", "8-20", "25:00-26:00", "", "08:00-24:30"])
def test_parse_window_refuses(text: str) -> None:
    with pytest.raises(CadenceError):
        parse_window(text)


def test_parse_weekdays() -> None:
    assert parse_weekdays("mon-fri") == frozenset(range(5))
    assert parse_weekdays("Mon,Wed,fri") == frozenset({0, 2, 4})
    assert parse_weekdays("sat-mon") == frozenset({5, 6, 0})
    with pytest.raises(CadenceError):
        parse_weekdays("someday")
