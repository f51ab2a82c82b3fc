"""Settings from the environment and `.env` (DESIGN.md "Contracts", Environment)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_MICROSOFT_OPENID_METADATA_URL,
    DEFAULT_SLACK_API_URL,
    Settings,
    SettingsError,
    load_settings,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No variable Settings reads leaks in from the real environment, and no stray `.env`."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- defaults -------------------------------------------------------------------------------


def test_defaults() -> None:
    settings = Settings(_env_file=None)

    assert settings.oneonone_locale == "ja"
    assert settings.oneonone_timezone == "Asia/Tokyo"
    assert settings.port == 3000
    assert settings.host == "0.0.0.0"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL
    assert settings.database_url == "sqlite:///oneonone.db"
    assert settings.slack_bot_token == ""
    assert settings.slack_signing_secret == ""


def test_load_settings_defaults_without_env_file() -> None:
    settings = load_settings()

    assert (settings.oneonone_locale, settings.oneonone_timezone, settings.port) == (
        "ja",
        "Asia/Tokyo",
        3000,
    )
    assert settings.slack_api_url == "https://slack.com/api/"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:9999/api", "http://127.0.0.1:9999/api/"),
        ("http://127.0.0.1:9999/api/", "http://127.0.0.1:9999/api/"),
        ("https://slack.com/api", "https://slack.com/api/"),
    ],
)
def test_slack_api_url_gets_trailing_slash(
    monkeypatch: pytest.MonkeyPatch, given: str, expected: str
) -> None:
    monkeypatch.setenv("SLACK_API_URL", given)

    assert Settings(_env_file=None).slack_api_url == expected


def test_empty_slack_api_url_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # `.env` templates often carry `SLACK_API_URL=` with nothing after it.
    monkeypatch.setenv("SLACK_API_URL", "")

    url = load_settings().slack_api_url

    assert url == DEFAULT_SLACK_API_URL, (
        f"an empty SLACK_API_URL became {url!r}; slack_sdk would call '/chat.postMessage'. "
        "Expected the default Slack Web API URL (bot/config.py Settings._trailing_slash)"
    )


# --- the environment and .env -----------------------------------------------------------------


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {
        "SLACK_BOT_TOKEN": "xoxb-env",
        "SLACK_SIGNING_SECRET": "secret-env",
        "SLACK_API_URL": "http://127.0.0.1:8123/api/",
        "DATABASE_URL": "postgresql://u:p@db.example.com/oneonone",
        "HOST": "127.0.0.1",
        "PORT": "8080",
        "MICROSOFT_APP_ID": "app-id",
        "MICROSOFT_APP_PASSWORD": "app-password",
        "MICROSOFT_APP_TENANT_ID": "tenant",
        "ONEONONE_LOCALE": "en",
        "ONEONONE_TIMEZONE": "America/New_York",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)

    settings = Settings(_env_file=None)

    assert settings.slack_bot_token == "xoxb-env"
    assert settings.slack_signing_secret == "secret-env"
    assert settings.slack_api_url == "http://127.0.0.1:8123/api/"
    assert settings.database_url == "postgresql://u:p@db.example.com/oneonone"
    assert settings.host == "127.0.0.1"
    assert settings.port == 8080
    assert settings.microsoft_app_id == "app-id"
    assert settings.microsoft_app_password == "app-password"
    assert settings.microsoft_app_tenant_id == "tenant"
    assert settings.oneonone_locale == "en"
    assert settings.oneonone_timezone == "America/New_York"


@pytest.mark.parametrize(("given", "expected"), [("en-US", "en"), ("ja_JP", "ja"), ("EN", "en")])
def test_locale_is_shortened(monkeypatch: pytest.MonkeyPatch, given: str, expected: str) -> None:
    monkeypatch.setenv("ONEONONE_LOCALE", given)

    assert load_settings().oneonone_locale == expected


def test_dotenv_file_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dotenv\n"
        "SLACK_SIGNING_SECRET=dotenv-secret\n"
        "PORT=8081\n"
        "ONEONONE_LOCALE=en\n"
        "ONEONONE_TIMEZONE=Europe/London\n",
        encoding="utf-8",
    )

    settings = load_settings()

    assert settings.slack_bot_token == "xoxb-from-dotenv"
    assert settings.slack_signing_secret == "dotenv-secret"
    assert settings.port == 8081
    assert settings.oneonone_locale == "en"
    assert settings.oneonone_timezone == "Europe/London"
    settings.require_slack()  # both credentials came from the file


def test_environment_wins_over_dotenv(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text("PORT=8081\nSLACK_BOT_TOKEN=xoxb-file\n", encoding="utf-8")
    monkeypatch.setenv("PORT", "9090")

    settings = load_settings()

    assert settings.port == 9090
    assert settings.slack_bot_token == "xoxb-file"


def test_dotenv_file_with_japanese_comment_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        "# 本番用の設定\nONEONONE_TIMEZONE=Asia/Tokyo\nONEONONE_LOCALE=ja\n", encoding="utf-8"
    )

    settings = load_settings()

    assert (settings.oneonone_locale, settings.oneonone_timezone) == ("ja", "Asia/Tokyo")


# --- refusals name the variable ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ONEONONE_TIMEZONE", "Mars/Olympus_Mons"),
        ("ONEONONE_TIMEZONE", "JST+9"),
        ("ONEONONE_TIMEZONE", "../../etc/passwd"),
        ("ONEONONE_LOCALE", "fr"),
        ("ONEONONE_LOCALE", "klingon"),
        ("DATABASE_URL", "mysql://root@localhost/oneonone"),
        ("DATABASE_URL", "oneonone.db"),
        ("PORT", "http"),
        ("PORT", "70000"),
    ],
)
def test_bad_value_raises_settings_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert name in str(caught.value)


def test_bad_timezone_message_shows_the_value_and_an_example(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONEONONE_TIMEZONE", "Tokyo")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "ONEONONE_TIMEZONE" in message
    assert "'Tokyo'" in message
    assert "Asia/Tokyo" in message


def test_bad_value_in_dotenv_is_reported_too(clean_env: Path) -> None:
    (clean_env / ".env").write_text("ONEONONE_LOCALE=de\n", encoding="utf-8")

    with pytest.raises(SettingsError, match="ONEONONE_LOCALE"):
        load_settings()


def test_every_bad_variable_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEONONE_LOCALE", "fr")
    monkeypatch.setenv("ONEONONE_TIMEZONE", "Nowhere/City")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    for name in ("ONEONONE_LOCALE", "ONEONONE_TIMEZONE", "DATABASE_URL"):
        assert name in message


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///oneonone.db",
        "sqlite:////var/lib/oneonone/data.db",
        "postgresql://user:pass@host/dbname",
        "postgres://user:pass@host/dbname",
        "postgresql+asyncpg://user:pass@host/dbname",
    ],
)
def test_database_urls_people_write_are_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    assert load_settings().database_url == url


# --- require_slack ------------------------------------------------------------------------------


def test_require_slack_names_both_variables_and_the_demo() -> None:
    settings = Settings(_env_file=None)

    with pytest.raises(SettingsError) as caught:
        settings.require_slack()

    message = str(caught.value)
    first_line = message.splitlines()[0]
    assert "SLACK_BOT_TOKEN" in first_line
    assert "SLACK_SIGNING_SECRET" in first_line
    assert "make demo" in message
    assert "manifest.yml" in message


def test_require_slack_names_only_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    with pytest.raises(SettingsError) as caught:
        Settings(_env_file=None).require_slack()

    first_line = str(caught.value).splitlines()[0]
    assert "SLACK_BOT_TOKEN" in first_line
    assert "SLACK_SIGNING_SECRET" not in first_line
    assert "make demo" in str(caught.value)


def test_require_slack_missing_secret_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")

    with pytest.raises(SettingsError) as caught:
        Settings(_env_file=None).require_slack()

    first_line = str(caught.value).splitlines()[0]
    assert "SLACK_SIGNING_SECRET" in first_line
    assert "SLACK_BOT_TOKEN" not in first_line


def test_require_slack_passes_with_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    Settings(_env_file=None).require_slack()


# --- Microsoft Teams ----------------------------------------------------------------------------


def test_microsoft_urls_default_to_the_public_cloud() -> None:
    settings = Settings(_env_file=None)

    assert settings.microsoft_openid_metadata_url == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert settings.microsoft_login_url == "https://login.microsoftonline.com"
    assert settings.microsoft_graph_url == "https://graph.microsoft.com/v1.0"


def test_microsoft_urls_blank_mean_the_default_and_lose_a_trailing_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MICROSOFT_OPENID_METADATA_URL", "")
    monkeypatch.setenv("MICROSOFT_LOGIN_URL", "https://login.example.test/")

    settings = load_settings()

    assert settings.microsoft_openid_metadata_url == DEFAULT_MICROSOFT_OPENID_METADATA_URL
    assert settings.microsoft_login_url == "https://login.example.test"


def test_a_microsoft_url_that_is_not_a_url_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_LOGIN_URL", "login.microsoftonline.com")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert "MICROSOFT_LOGIN_URL" in str(caught.value)


def test_require_teams_names_what_is_missing_for_teams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-id")

    with pytest.raises(SettingsError) as caught:
        Settings(_env_file=None).require_teams()

    first_line = str(caught.value).splitlines()[0]
    assert "MICROSOFT_APP_PASSWORD" in first_line
    assert "MICROSOFT_APP_ID" not in first_line
    assert "Teams" in first_line


def test_require_teams_passes_without_a_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    # A multi-tenant bot has no tenant of its own.
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-id")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")

    Settings(_env_file=None).require_teams()


@pytest.mark.parametrize(
    ("env", "platforms"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, ("slack",)),
        ({"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_PASSWORD": "p"}, ("teams",)),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "MICROSOFT_APP_ID": "a",
                "MICROSOFT_APP_PASSWORD": "p",
            },
            ("slack", "teams"),
        ),
    ],
)
def test_require_serving_serves_each_configured_platform(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], platforms: tuple[str, ...]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert Settings(_env_file=None).require_serving() == platforms


def test_require_serving_with_nothing_names_both_platforms() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(_env_file=None).require_serving()

    message = str(caught.value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "MICROSOFT_APP_ID"):
        assert name in message
    assert "make demo" in message


def test_require_serving_refuses_half_a_platform_beside_a_whole_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Slack complete, Teams started: the missing Teams setting is an error, not ignored.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("MICROSOFT_APP_ID", "a")

    with pytest.raises(SettingsError) as caught:
        Settings(_env_file=None).require_serving()

    assert "MICROSOFT_APP_PASSWORD" in str(caught.value).splitlines()[0]
