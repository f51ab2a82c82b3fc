"""The message catalogs (Japanese default, English complete) and date formatting."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.i18n import CATALOGS, DEFAULT_LOCALE, SUPPORTED_LOCALES, en, ja, normalize_locale, t
from bot.i18n.format import format_datetime, format_time
from storage.models import PairKind

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("bot", "handlers")

# t(<locale expression>, "key" ...) or t(<locale>, f"prefix.{expr}" ...), across line breaks.
_T_CALL = re.compile(r"\bt\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*(f?)([\"'])(.+?)\2")
_FIELD = re.compile(r"\{[^{}]*\}")


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


# --- the catalogs agree ---------------------------------------------------------------------------


def test_supported_locales_have_catalogs() -> None:
    assert set(SUPPORTED_LOCALES) == set(CATALOGS) == {"ja", "en"}
    assert DEFAULT_LOCALE == "ja"
    assert CATALOGS["ja"] is ja.MESSAGES
    assert CATALOGS["en"] is en.MESSAGES


def test_ja_and_en_have_the_same_keys() -> None:
    only_ja = set(ja.MESSAGES) - set(en.MESSAGES)
    only_en = set(en.MESSAGES) - set(ja.MESSAGES)

    assert not only_ja, f"missing in en.py: {sorted(only_ja)}"
    assert not only_en, f"missing in ja.py: {sorted(only_en)}"


@pytest.mark.parametrize("key", sorted(ja.MESSAGES))
def test_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(ja.MESSAGES[key]) == placeholders(en.MESSAGES.get(key, "")), key


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_no_empty_values(locale: str) -> None:
    empty = [key for key, value in CATALOGS[locale].items() if not value.strip()]

    assert not empty


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_placeholders_are_plain_names(locale: str) -> None:
    # Positional `{}` or `{0}` would break t(**params); attribute access would leak objects.
    for key, value in CATALOGS[locale].items():
        for field in placeholders(value):
            assert field.isidentifier(), f"{locale}:{key} has placeholder {{{field}}}"


# --- t() and normalize_locale ---------------------------------------------------------------------


def test_t_formats_params() -> None:
    assert t("ja", "home.greeting", name="佐藤") == (
        "佐藤さん、こんにちは。次の1on1の準備はここからできます。"
    )
    assert t("en", "home.greeting", name="Sato") == "Hello Sato. Prepare your next 1on1 from here."


def test_t_without_params_returns_the_text() -> None:
    assert t("en", "home.next_unscheduled") == "not scheduled"
    assert t("ja", "home.next_unscheduled") == "未定"


def test_t_params_are_not_reformatted() -> None:
    # A name containing braces is data, not a template.
    assert (
        t("en", "home.greeting", name="{evil}") == "Hello {evil}. Prepare your next 1on1 from here."
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [(None, "未定"), ("", "未定"), ("fr", "未定"), ("en-US", "not scheduled"), ("ja_JP", "未定")],
)
def test_t_normalizes_the_locale(locale: str | None, expected: str) -> None:
    assert t(locale, "home.next_unscheduled") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en-US", "en"),
        ("en_GB", "en"),
        ("EN", "en"),
        ("ja_JP", "ja"),
        ("ja-JP", "ja"),
        ("ja", "ja"),
        (None, DEFAULT_LOCALE),
        ("", DEFAULT_LOCALE),
        ("fr", DEFAULT_LOCALE),
        ("fr-FR", DEFAULT_LOCALE),
    ],
)
def test_normalize_locale(value: str | None, expected: str) -> None:
    assert normalize_locale(value) == expected


def test_normalize_locale_default_is_ja_and_overridable() -> None:
    assert normalize_locale(None) == "ja"
    assert normalize_locale("fr") == "ja"
    assert normalize_locale(None, default="en") == "en"
    assert normalize_locale("fr", default="en") == "en"
    assert normalize_locale("ja-JP", default="en") == "ja"


# --- format_datetime ------------------------------------------------------------------------------


def test_tokyo_ja() -> None:
    # Tuesday 2026-11-24 10:00 in Tokyo is 01:00 UTC.
    moment = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)

    assert format_datetime(moment, "ja", "Asia/Tokyo") == "11月24日(火) 10:00"


def test_tokyo_en() -> None:
    moment = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)

    assert format_datetime(moment, "en", "Asia/Tokyo") == "Tue, Nov 24 10:00"


def test_new_york_winter_en() -> None:
    moment = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # EST, UTC-5

    assert format_datetime(moment, "en", "America/New_York") == "Tue, Nov 24 10:00"


def test_new_york_summer_ja() -> None:
    moment = datetime(2026, 7, 14, 14, 0, tzinfo=UTC)  # EDT, UTC-4; a Tuesday

    assert format_datetime(moment, "ja", "America/New_York") == "7月14日(火) 10:00"


def test_date_line_changes_the_day() -> None:
    # Monday 23:30 UTC is already Tuesday morning in Tokyo.
    moment = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)

    assert format_datetime(moment, "ja", "Asia/Tokyo") == "11月24日(火) 08:30"
    assert format_datetime(moment, "en", "UTC") == "Mon, Nov 23 23:30"


def test_format_time_is_the_time_of_day_in_the_readers_zone() -> None:
    moment = datetime(2026, 11, 23, 23, 5, tzinfo=UTC)

    assert format_time(moment, "Asia/Tokyo") == "08:05"
    assert format_time(moment, "America/New_York") == "18:05"


def test_format_datetime_normalizes_locale() -> None:
    moment = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)

    assert format_datetime(moment, "en-US", "Asia/Tokyo") == "Tue, Nov 24 10:00"
    assert format_datetime(moment, None, "Asia/Tokyo") == "11月24日(火) 10:00"


@pytest.mark.parametrize(
    ("day", "ja_day", "en_day"),
    [
        (23, "月", "Mon"),
        (24, "火", "Tue"),
        (25, "水", "Wed"),
        (26, "木", "Thu"),
        (27, "金", "Fri"),
        (28, "土", "Sat"),
        (29, "日", "Sun"),
    ],
)
def test_every_weekday(day: int, ja_day: str, en_day: str) -> None:
    moment = datetime(2026, 11, day, 3, 0, tzinfo=UTC)

    assert f"({ja_day})" in format_datetime(moment, "ja", "Asia/Tokyo")
    assert format_datetime(moment, "en", "Asia/Tokyo").startswith(f"{en_day}, Nov {day} ")


# --- every key the code uses exists ---------------------------------------------------------------


def _expand(key: str) -> list[str]:
    """The keys an f-string key can produce."""
    if key.startswith("pair_kind."):
        return [_FIELD.sub(kind.value, key) for kind in PairKind]
    # Another enum: at least one key of that shape must exist (the fields are unknown here).
    shape = re.compile("^" + ".+".join(re.escape(p) for p in _FIELD.split(key)) + "$")
    matching = [k for k in ja.MESSAGES if shape.match(k)]
    return matching or [key]


def _used_keys() -> dict[str, list[str]]:
    """key -> where it is used, from `t(locale, "key"` calls in the project source."""
    used: dict[str, list[str]] = {}
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for match in _T_CALL.finditer(source):
                is_f, key = match.group(1) == "f", match.group(3)
                where = f"{path.relative_to(ROOT)}:{source.count(chr(10), 0, match.start()) + 1}"
                expanded = _expand(key) if is_f and _FIELD.search(key) else [key]
                for k in expanded:
                    used.setdefault(k, []).append(where)
    return used


_SAMPLE = """
    a = t(locale, "help.title")
    b = t(
        person.locale or default,
        "home.member_line",
        leader=name,
    )
    c = t(locale, f"pair_kind.as_member.{v.kind.value}")
    d = f"_{t(locale, 'picks.hint_prefix')} {hint}_"
    e = t(actor.locale(), "x.y", n=1)
"""


def test_the_scan_finds_every_call_shape() -> None:
    # Guards the regex: if it stopped matching, the next test would pass vacuously.
    found = [(m.group(1), m.group(3)) for m in _T_CALL.finditer(_SAMPLE)]

    assert found == [
        ("", "help.title"),
        ("", "home.member_line"),
        ("f", "pair_kind.as_member.{v.kind.value}"),
        ("", "picks.hint_prefix"),
        ("", "x.y"),
    ]
    assert _expand("pair_kind.as_leader.{v.kind.value}") == [
        f"pair_kind.as_leader.{kind.value}" for kind in PairKind
    ]
    assert len(_used_keys()) >= 10


def test_every_used_key_exists_in_both_catalogs() -> None:
    used = _used_keys()

    for locale in ("ja", "en"):
        missing = {k: v for k, v in used.items() if k not in CATALOGS[locale]}
        assert not missing, f"keys used but missing in {locale}.py: {missing}"


def test_key_shaped_literals_exist_in_both_catalogs() -> None:
    # Keys chosen into a variable first (`key = "error.generic"; t(locale, key)`) escape the
    # call scan; any literal in a catalog namespace that looks like a key must exist too.
    namespaces = sorted({key.split(".")[0] for key in ja.MESSAGES})
    literal = re.compile(r"[\"']((?:" + "|".join(namespaces) + r")\.[a-z0-9_.]+)[\"']")
    found: dict[str, list[str]] = {}
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.parent.name == "i18n":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in literal.finditer(line):
                    if match.group(1).endswith(".py"):
                        continue  # a module's file name, not a message key
                    found.setdefault(match.group(1), []).append(f"{path.name}:{number}")

    assert len(found) >= 10  # guards the pattern against matching nothing
    for locale in ("ja", "en"):
        missing = {k: v for k, v in found.items() if k not in CATALOGS[locale]}
        assert not missing, f"keys in the source but missing in {locale}.py: {missing}"
