"""Weekday names come from one table (bot.i18n.format.WEEKDAYS); each text says which form
it shows. These pin every day as each place has always shown it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.features.schedule import CadenceSpec, Frequency, describe_cadence
from bot.features.tips import TipsConfig
from bot.features.tips.presenters import schedule_text
from bot.i18n import t
from bot.i18n.format import Weekday, format_datetime, weekday_name
from handlers.slack.tips_blocks import config_view

JA_SHORT = ["月", "火", "水", "木", "金", "土", "日"]
EN_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
EN_FULL = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAYS = range(7)


@pytest.mark.parametrize("day", DAYS)
def test_the_names_in_each_language_and_form(day: int) -> None:
    assert weekday_name(day, "ja") == JA_SHORT[day] + "曜"
    assert weekday_name(day, "ja", short=True) == JA_SHORT[day]
    assert weekday_name(day, "en-US") == EN_FULL[day]
    assert weekday_name(day, "en", short=True) == EN_SHORT[day]
    assert weekday_name(day, "fr") == JA_SHORT[day] + "曜"


@pytest.mark.parametrize("day", DAYS)
def test_a_text_chooses_the_form(day: int) -> None:
    assert f"{Weekday(day, 'en'):short}/{Weekday(day, 'en')}" == f"{EN_SHORT[day]}/{EN_FULL[day]}"
    with pytest.raises(ValueError, match="day:long"):
        format(Weekday(day, "en"), "long")


@pytest.mark.parametrize("day", DAYS)
def test_dates_show_the_short_name(day: int) -> None:
    moment = datetime(2026, 11, 23, 3, 0, tzinfo=UTC) + timedelta(days=day)  # a Monday first

    assert f"({JA_SHORT[day]})" in format_datetime(moment, "ja", "Asia/Tokyo")
    assert format_datetime(moment, "en", "Asia/Tokyo").startswith(f"{EN_SHORT[day]}, ")


@pytest.mark.parametrize("day", DAYS)
def test_the_cadence_modal_and_cadences(day: int) -> None:
    spec = CadenceSpec(Frequency.biweekly, day, time(10, 0), 30, "Asia/Tokyo")
    option = "schedule.modal.weekday_option"

    assert t("ja", option, day=Weekday(day, "ja")) == f"{JA_SHORT[day]}曜"
    assert t("en", option, day=Weekday(day, "en")) == EN_SHORT[day]
    assert describe_cadence(spec, "rule", "ja") == f"隔週{JA_SHORT[day]}曜 10:00(30分)"
    assert describe_cadence(spec, "rule", "en") == f"Every other {EN_SHORT[day]} at 10:00 (30 min)"


@pytest.mark.parametrize("day", DAYS)
def test_the_tips_schedule_and_its_setting(day: int) -> None:
    config = TipsConfig("C1", False, day, time(9, 0), "UTC")

    assert schedule_text(config, "ja") == f"毎週{JA_SHORT[day]}曜 09:00(UTC)"
    assert schedule_text(config, "en") == f"Every {EN_FULL[day]} at 09:00 (UTC)"
    for locale, names in (("ja", JA_SHORT), ("en", EN_FULL)):
        select = config_view(config, locale=locale)["blocks"][3]["element"]
        assert [o["text"]["text"] for o in select["options"]] == names
        assert select["initial_option"]["text"]["text"] == names[day]
