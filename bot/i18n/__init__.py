"""User-facing text in Japanese (default) and English.

Every key must exist in both catalogs with the same placeholders; a test enforces it.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import en, ja

SUPPORTED_LOCALES: tuple[str, ...] = ("ja", "en")
DEFAULT_LOCALE = "ja"

CATALOGS: Mapping[str, Mapping[str, str]] = {"ja": ja.MESSAGES, "en": en.MESSAGES}


def normalize_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map what Slack or a CSV says ("ja-JP", "en_US", "EN") to a catalog we have."""
    if not value:
        return default
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in CATALOGS else default


def localized(locale: str | None, ja: str, en: str) -> str:
    """One of a bilingual pair (a topic, an expectation, a hint, a weekday) in the reader's
    language, read as t() reads it: "en-US" gets the English twin, an unknown locale the
    default."""
    return en if normalize_locale(locale) == "en" else ja


def t(locale: str | None, key: str, /, **params: object) -> str:
    catalog = CATALOGS[normalize_locale(locale)]
    text = catalog[key]
    return text.format(**params) if params else text
