"""The cadence form is checked once, in the core: each problem names its field and a message key."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core.errors import FieldError, InvalidInput
from bot.features.schedule import CadenceInput, CadenceSpec, Frequency, cadence_spec

GOOD = CadenceInput("weekly", "1", "10:00", "30", "Asia/Tokyo")


def test_good_answers_make_a_spec() -> None:
    assert cadence_spec(GOOD) == CadenceSpec(Frequency.weekly, 1, time(10, 0), 30, "Asia/Tokyo")
    monthly = CadenceInput("monthly", "4", "09:30", "45", "UTC", "last", "2031-06-01")
    spec = cadence_spec(monthly)
    assert spec.week_of_month == -1
    assert spec.starting == date(2031, 6, 1)


def test_missing_answers_are_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        cadence_spec(CadenceInput(None, "", None, None, None))
    assert caught.value.errors == [
        FieldError(name, "schedule.error.required")
        for name in ("frequency", "weekday", "time", "duration", "timezone")
    ]


def test_odd_answers_are_invalid_each_on_its_field() -> None:
    odd = CadenceInput("hourly", "9", "25:00", "1000", "Mars/Base", "5", "tomorrow")
    with pytest.raises(InvalidInput) as caught:
        cadence_spec(odd)
    assert [e.field for e in caught.value.errors] == [
        "frequency",
        "weekday",
        "time",
        "duration",
        "timezone",
        "week_of_month",
        "starting",
    ]
    assert {e.code for e in caught.value.errors} == {"schedule.error.invalid"}
