"""`oneonone teams package`: the zip an admin uploads to Teams, checked against Microsoft's
published manifest schemas for the pinned version, and its refusals when settings are wrong."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import Settings, SettingsError
from bot.i18n import t
from handlers.teams.package import (
    COMMANDS,
    GRAPH_PERMISSIONS,
    MANIFEST_VERSION,
    RSC_PERMISSIONS,
    PackageOptions,
    build_package,
)
from tests.schemas import validate_teams_localization, validate_teams_manifest

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "6F1C2A3B-0000-4000-8000-0000000B0751"
PUBLIC_URL = "https://1on1.example.co.jp"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Nothing from the real environment or a stray `.env` reaches the command."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "microsoft_app_id": APP_ID,
        "microsoft_app_password": "secret",
        "public_url": PUBLIC_URL,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def text(result: Result) -> str:
    return " ".join(_ANSI.sub("", result.output).split())


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_of(files: dict[str, bytes]) -> dict[str, Any]:
    manifest = json.loads(files["manifest.json"].decode("utf-8"))
    assert isinstance(manifest, dict)
    return manifest


def rgba_pixels(image: Image.Image) -> list[tuple[int, ...]]:
    data = image.convert("RGBA").tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


# --- the manifest ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "other"), [("ja", "en"), ("en", "ja")])
def test_the_package_validates_against_the_pinned_schemas(locale: str, other: str) -> None:
    files = unzip(build_package(settings(oneonone_locale=locale)).zip_bytes())

    manifest = manifest_of(files)
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    validate_teams_manifest(manifest)
    [extra] = manifest["localizationInfo"]["additionalLanguages"]
    assert extra["file"] == f"{other}.json"
    assert set(files) == {"manifest.json", f"{other}.json", "color.png", "outline.png"}
    validate_teams_localization(json.loads(files[f"{other}.json"]), MANIFEST_VERSION)


def test_japanese_is_the_default_language_and_english_a_translation() -> None:
    package = build_package(settings())

    manifest = package.manifest
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "ja-jp"
    assert manifest["localizationInfo"]["additionalLanguages"] == [
        {"languageTag": "en-us", "file": "en.json"}
    ]
    assert manifest["name"]["full"] == t("ja", "teams_app.name.full")
    assert "人事評価には使われません" in manifest["description"]["full"]
    english = package.localizations["en.json"]
    assert english["name.full"] == t("en", "teams_app.name.full")
    assert "never used for performance evaluation" in english["description.full"]


def test_an_english_organisation_gets_a_japanese_translation() -> None:
    package = build_package(settings(oneonone_locale="en"))

    assert package.manifest["localizationInfo"]["defaultLanguageTag"] == "en-us"
    japanese = package.localizations["ja.json"]
    assert japanese["description.short"] == t("ja", "teams_app.description.short")
    assert japanese["bots[0].commandLists[0].commands[2].description"] == t(
        "ja", "teams_app.command.help"
    )


def test_the_bot_is_the_configured_app_id() -> None:
    manifest = build_package(settings()).manifest

    app_id = APP_ID.lower()
    assert manifest["id"] == app_id
    [bot] = manifest["bots"]
    assert bot["botId"] == app_id
    assert manifest["webApplicationInfo"] == {"id": app_id, "resource": f"api://botid-{app_id}"}
    assert manifest["composeExtensions"][0]["botId"] == app_id


def test_the_scopes_the_features_use() -> None:
    [bot] = build_package(settings()).manifest["bots"]

    # personal chat: commands and reminders; group chat: the pair's memos; team: tips channel.
    assert set(bot["scopes"]) == {"personal", "groupChat", "team"}
    assert bot["isNotificationOnly"] is False


def test_the_command_menu_lists_every_command_with_its_description() -> None:
    package = build_package(settings())

    [command_list] = package.manifest["bots"][0]["commandLists"]
    assert command_list["scopes"] == ["personal"]
    titles = [c["title"] for c in command_list["commands"]]
    assert titles == ["1on1", "home", "help", "memo", "schedule", "tip", "tips", "config"]
    assert titles == list(COMMANDS)
    for command in command_list["commands"]:
        assert command["description"] == t("ja", f"teams_app.command.{command['title']}")
    english = package.localizations["en.json"]
    for index, word in enumerate(COMMANDS):
        prefix = f"bots[0].commandLists[0].commands[{index}]"
        assert english[f"{prefix}.title"] == word
        assert english[f"{prefix}.description"] == t("en", f"teams_app.command.{word}")


def test_make_a_todo_is_a_message_action() -> None:
    manifest = build_package(settings()).manifest

    [command] = manifest["composeExtensions"][0]["commands"]
    assert command["id"] == "make_todo"
    assert command["type"] == "action"
    assert command["context"] == ["message"]


def test_permissions_domains_and_links_follow_the_settings() -> None:
    manifest = build_package(settings(public_url="https://bots.example.co.jp:8443/1on1/")).manifest

    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "ChatMessage.Read.Chat", "type": "Application"}
    ]
    assert manifest["validDomains"] == ["bots.example.co.jp:8443"]
    assert manifest["developer"]["websiteUrl"] == "https://bots.example.co.jp:8443/1on1"


def test_developer_links_and_version_can_be_given() -> None:
    options = PackageOptions(
        developer_name="Example KK",
        privacy_url="https://example.co.jp/privacy",
        terms_url="https://example.co.jp/terms",
        app_version="2.3.4",
    )

    manifest = build_package(settings(), options).manifest

    validate_teams_manifest(manifest)
    assert manifest["version"] == "2.3.4"
    assert manifest["developer"] == {
        "name": "Example KK",
        "websiteUrl": PUBLIC_URL,
        "privacyUrl": "https://example.co.jp/privacy",
        "termsOfUseUrl": "https://example.co.jp/terms",
    }


def test_the_same_settings_give_the_same_bytes() -> None:
    assert build_package(settings()).zip_bytes() == build_package(settings()).zip_bytes()


# --- the icons ------------------------------------------------------------------------------------


def test_the_colour_icon_is_192_square_and_opaque() -> None:
    files = unzip(build_package(settings()).zip_bytes())

    with Image.open(io.BytesIO(files["color.png"])) as image:
        assert image.format == "PNG"
        assert image.size == (192, 192)
        pixels = rgba_pixels(image)
    assert {pixel[3] for pixel in pixels} == {255}
    assert len({pixel[:3] for pixel in pixels}) > 2  # a picture, not a flat square


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    files = unzip(build_package(settings()).zip_bytes())

    with Image.open(io.BytesIO(files["outline.png"])) as image:
        assert image.format == "PNG"
        assert image.size == (32, 32)
        assert image.mode == "RGBA"
        pixels = rgba_pixels(image)
    assert {pixel[:3] for pixel in pixels if pixel[3] > 0} == {(255, 255, 255)}
    assert sum(1 for pixel in pixels if pixel[3] == 0) > 32 * 32 // 3
    assert sum(1 for pixel in pixels if pixel[3] == 255) > 32
    # The edge rows and columns stay clear, as Teams asks.
    edges = [pixels[i] for i in range(32)] + [pixels[32 * row] for row in range(32)]
    assert all(pixel[3] == 0 for pixel in edges)


# --- bad settings ---------------------------------------------------------------------------------


def test_without_app_id_and_public_url_both_are_named() -> None:
    with pytest.raises(SettingsError) as caught:
        build_package(settings(microsoft_app_id="", public_url=""))

    message = str(caught.value)
    assert "MICROSOFT_APP_ID is missing" in message
    assert "PUBLIC_URL is missing" in message


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"microsoft_app_id": "my-bot"}, "is not a Microsoft App ID"),
        ({"public_url": "http://1on1.example.co.jp"}, "must be an https URL"),
    ],
)
def test_unusable_settings_are_refused_clearly(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        build_package(settings(**overrides))


def test_bad_options_are_refused_clearly() -> None:
    options = PackageOptions(developer_name="x" * 33, privacy_url="ftp://x", app_version="1.0")

    with pytest.raises(SettingsError) as caught:
        build_package(settings(), options)

    message = str(caught.value)
    assert "--developer-name" in message
    assert "--privacy-url" in message
    assert "--app-version '1.0'" in message


# --- the command ----------------------------------------------------------------------------------


def test_the_command_writes_the_zip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("PUBLIC_URL", PUBLIC_URL)
    out = tmp_path / "teams.zip"

    result = run("teams", "package", "--out", str(out), "--app-version", "1.2.3")

    assert result.exit_code == 0, result.output
    manifest = manifest_of(unzip(out.read_bytes()))
    validate_teams_manifest(manifest)
    assert manifest["version"] == "1.2.3"
    said = text(result)
    assert f"{PUBLIC_URL}/api/messages" in said
    for permission in (*RSC_PERMISSIONS, *GRAPH_PERMISSIONS):
        assert permission.name in said


def test_the_command_without_settings_says_what_to_set(tmp_path: Path) -> None:
    out = tmp_path / "teams.zip"

    result = run("teams", "package", "--out", str(out))

    assert result.exit_code == 2
    said = text(result)
    assert "MICROSOFT_APP_ID is missing" in said
    assert "PUBLIC_URL is missing" in said
    assert not out.exists()


def test_the_command_reports_an_unwritable_place(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.setenv("PUBLIC_URL", PUBLIC_URL)

    result = run("teams", "package", "--out", str(tmp_path / "missing" / "teams.zip"))

    assert result.exit_code == 1
    assert "cannot write" in text(result)


# --- the README -----------------------------------------------------------------------------------


def test_the_readme_explains_every_permission() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Microsoft Teams: registration, app package and permissions")
    section = readme[start : readme.index("\n### ", start + 1)]

    for permission in (*RSC_PERMISSIONS, *GRAPH_PERMISSIONS):
        assert f"`{permission.name}`" in section
    assert "oneonone teams package" in section
    assert "/api/messages" in section
