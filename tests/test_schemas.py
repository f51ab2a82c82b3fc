"""The schema checks other tests rely on accept what Microsoft accepts and reject what it does
not, listing every problem."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from tests.schemas import (
    manifest_schema_path,
    manifest_schema_url,
    validate_adaptive_card,
    validate_teams_localization,
    validate_teams_manifest,
)

APP_ID = "00000000-0000-4000-8000-0000000b0751"


def good_card() -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "msteams": {"width": "Full"},
        "body": [
            {"type": "TextBlock", "text": "次回の1on1", "weight": "Bolder", "wrap": True},
            {
                "type": "Input.ChoiceSet",
                "id": "topics",
                "isMultiSelect": True,
                "choices": [{"title": "キャリア", "value": "career"}],
            },
            {"type": "Input.Text", "id": "note", "isMultiline": True, "maxLength": 500},
        ],
        "actions": [
            {
                "type": "Action.Execute",
                "title": "保存",
                "verb": "picks.save",
                "data": {"slot": 1},
                "fallback": {"type": "Action.Submit", "title": "保存", "data": {"slot": 1}},
            }
        ],
    }


def good_manifest(version: str = "1.17") -> dict[str, Any]:
    return {
        "$schema": manifest_schema_url(version),
        "manifestVersion": version,
        "version": "1.0.0",
        "id": APP_ID,
        "developer": {
            "name": "Example",
            "websiteUrl": "https://example.com",
            "privacyUrl": "https://example.com/privacy",
            "termsOfUseUrl": "https://example.com/terms",
        },
        "name": {"short": "1on1", "full": "1on1"},
        "description": {"short": "1on1", "full": "1on1 meetings"},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#FFFFFF",
        "bots": [{"botId": APP_ID, "scopes": ["personal"]}],
    }


# --- Adaptive Cards -----------------------------------------------------------------------------


def test_a_valid_card_with_the_teams_only_root_key_passes() -> None:
    validate_adaptive_card(good_card())


def test_an_unknown_element_and_a_bad_value_are_both_listed() -> None:
    card = good_card()
    card["body"].append({"type": "Bogus", "text": "x"})
    card["body"][0]["size"] = "huge"

    with pytest.raises(AssertionError) as caught:
        validate_adaptive_card(card)

    message = str(caught.value)
    assert "$.body[3]" in message
    assert "$.body[0]" in message
    assert "huge" in message
    assert "Unknown element type" in message  # Microsoft's parser saw it too


def test_a_property_the_schema_does_not_know_fails() -> None:
    card = good_card()
    card["body"][0]["colour"] = "Good"

    with pytest.raises(AssertionError, match="colour"):
        validate_adaptive_card(card)


def test_duplicate_input_ids_fail_in_microsofts_parser() -> None:
    card = good_card()
    card["body"].append({"type": "Input.Text", "id": "note"})

    with pytest.raises(AssertionError, match="Duplicate Id"):
        validate_adaptive_card(card)


def test_a_card_newer_than_teams_renders_fails() -> None:
    card = good_card()
    card["version"] = "1.6"

    with pytest.raises(AssertionError, match=r"\$\.version"):
        validate_adaptive_card(card)


def test_an_action_without_its_required_property_fails() -> None:
    card = good_card()
    del card["actions"][0]["fallback"]["title"]
    card["actions"].append({"type": "Action.OpenUrl", "title": "open"})  # no url

    with pytest.raises(AssertionError) as caught:
        validate_adaptive_card(card)

    assert "$.actions[1]" in str(caught.value)


def test_checking_many_cards_is_fast() -> None:
    card = good_card()
    validate_adaptive_card(card)  # schemas loaded, parser started

    started = time.perf_counter()
    for _ in range(50):
        validate_adaptive_card(card)

    assert (time.perf_counter() - started) / 50 < 0.05


# --- Teams manifest -----------------------------------------------------------------------------


def test_the_pinned_schemas_come_from_the_npm_package() -> None:
    assert manifest_schema_path("1.17").is_file()
    assert "node_modules" in manifest_schema_path("1.17").parts


def test_a_valid_manifest_passes() -> None:
    validate_teams_manifest(good_manifest())


def test_a_manifest_missing_required_fields_lists_each() -> None:
    manifest = good_manifest()
    del manifest["icons"]
    del manifest["accentColor"]

    with pytest.raises(AssertionError) as caught:
        validate_teams_manifest(manifest)

    message = str(caught.value)
    assert "'icons' is a required property" in message
    assert "'accentColor' is a required property" in message


def test_a_bad_bot_scope_and_a_long_short_name_fail() -> None:
    manifest = good_manifest()
    manifest["bots"][0]["scopes"] = ["personal", "everywhere"]
    manifest["name"]["short"] = "x" * 31

    with pytest.raises(AssertionError) as caught:
        validate_teams_manifest(manifest)

    message = str(caught.value)
    assert "everywhere" in message
    assert "$.name.short" in message


def test_a_schema_url_of_another_version_fails() -> None:
    manifest = good_manifest()
    manifest["$schema"] = manifest_schema_url("1.16")

    with pytest.raises(AssertionError, match=r"\$\.\$schema"):
        validate_teams_manifest(manifest)


def test_a_manifest_version_the_package_lacks_fails_clearly() -> None:
    manifest = copy.deepcopy(good_manifest())
    manifest["manifestVersion"] = "0.9"

    with pytest.raises(AssertionError, match=r"no MicrosoftTeams schema for v0\.9"):
        validate_teams_manifest(manifest)


# --- localization files ---------------------------------------------------------------------------


def localization(version: str = "1.17") -> dict[str, Any]:
    return {
        "$schema": manifest_schema_url(version, "MicrosoftTeams.Localization"),
        "name.short": "1on1",
        "name.full": "1on1",
        "description.short": "1on1",
        "description.full": "1on1ミーティング",
    }


def test_a_valid_localization_passes() -> None:
    validate_teams_localization(localization(), "1.17")


def test_a_localization_missing_a_required_string_fails() -> None:
    doc = localization()
    del doc["description.full"]
    doc["name.short"] = "x" * 31

    with pytest.raises(AssertionError) as caught:
        validate_teams_localization(doc, "1.17")

    message = str(caught.value)
    assert "description.full" in message
    assert "name.short" in message
