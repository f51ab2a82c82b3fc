"""manifest.yml creates the Slack app in one step, and README.md explains every scope."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVENTS_PATH = "/slack/events"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def readme_scopes() -> list[str]:
    """Scopes in the first column of the table under README.md's "### Slack scopes"."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("### Slack scopes")
    scopes: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 2:
            continue
        if cells[0] == "scope" or set(cells[0]) <= set("-: "):
            continue  # header and separator rows
        scopes.append(cells[0].strip("`"))
    return scopes


def bot_scopes(manifest: dict[str, Any]) -> list[str]:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert isinstance(scopes, list)
    return [str(s) for s in scopes]


def test_slash_command_exists(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}

    assert "/1on1" in commands
    assert commands["/1on1"]["description"]
    assert len(commands["/1on1"]["description"]) <= 100


def test_every_url_goes_to_slack_events(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls.append(settings["event_subscriptions"]["request_url"])
    urls.append(settings["interactivity"]["request_url"])

    assert len(urls) >= 3
    for url in urls:
        assert url.startswith("https://"), url
        assert url.endswith(EVENTS_PATH), url
    assert len({u.removesuffix(EVENTS_PATH) for u in urls}) == 1, "one host for everything"


def test_interactivity_enabled(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"].get("socket_mode_enabled") is False


def test_home_tab_enabled(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_bot_user_present(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["bot_user"]["display_name"]


def test_app_home_opened_subscribed(manifest: dict[str, Any]) -> None:
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_bot_events_are_documented(manifest: dict[str, Any]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        assert f"`{event}`" in readme, event


def test_commands_scope_for_the_slash_command(manifest: dict[str, Any]) -> None:
    assert "commands" in bot_scopes(manifest)


def test_readme_table_is_parsed() -> None:
    scopes = readme_scopes()

    assert "chat:write" in scopes
    assert len(scopes) == len(set(scopes)), "a scope is listed twice"


def test_manifest_scopes_match_readme(manifest: dict[str, Any]) -> None:
    in_manifest = set(bot_scopes(manifest))
    in_readme = set(readme_scopes())

    assert len(bot_scopes(manifest)) == len(in_manifest), "a scope is listed twice"
    assert in_manifest - in_readme == set(), "scopes not explained in README.md"
    assert in_readme - in_manifest == set(), "README.md explains scopes the app does not request"


def test_scope_names_look_like_slack_scopes(manifest: dict[str, Any]) -> None:
    pattern = re.compile(r"^[a-z]+(?:[.:][a-z_.]+)*$")

    for scope in bot_scopes(manifest):
        assert pattern.match(scope), scope
