"""Settings from the environment and `.env` (names in DESIGN.md "Contracts")."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import SUPPORTED_LOCALES

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Microsoft's public cloud; a sovereign cloud (or the local Teams stand-in) sets its own.
DEFAULT_MICROSOFT_OPENID_METADATA_URL = (
    "https://login.botframework.com/v1/.well-known/openidconfiguration"
)
DEFAULT_MICROSOFT_LOGIN_URL = "https://login.microsoftonline.com"
DEFAULT_MICROSOFT_GRAPH_URL = "https://graph.microsoft.com/v1.0"

_MICROSOFT_DEFAULTS = {
    "microsoft_openid_metadata_url": DEFAULT_MICROSOFT_OPENID_METADATA_URL,
    "microsoft_login_url": DEFAULT_MICROSOFT_LOGIN_URL,
    "microsoft_graph_url": DEFAULT_MICROSOFT_GRAPH_URL,
}


class SettingsError(Exception):
    """Raised with a message a person can act on."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite:///oneonone.db"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    # Where people and the platforms reach this server (https://host[/prefix]), for links and
    # the Teams app package.
    public_url: str = ""
    microsoft_app_id: str = ""
    microsoft_app_password: str = ""
    microsoft_app_tenant_id: str = ""
    # Where Bot Framework publishes the keys that sign the requests Teams sends us.
    microsoft_openid_metadata_url: str = DEFAULT_MICROSOFT_OPENID_METADATA_URL
    # Where the bot logs in (client credentials) for the tokens its replies carry.
    microsoft_login_url: str = DEFAULT_MICROSOFT_LOGIN_URL
    microsoft_graph_url: str = DEFAULT_MICROSOFT_GRAPH_URL
    oneonone_locale: str = "ja"
    oneonone_timezone: str = "Asia/Tokyo"
    # How often each replica looks for due work; the work itself is claimed in the DB.
    oneonone_tick_seconds: float = Field(default=30.0, gt=0)
    # The managers' channel for tips (a channel id like C0123ABCD); an admin's choice made
    # with `/1on1 config` takes precedence.
    oneonone_tips_channel: str = ""

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # A blank line in a .env template means "not set", not "the root of this host".
        if not value.strip():
            return DEFAULT_SLACK_API_URL
        # slack_sdk joins "base_url + method", so the slash matters.
        return value if value.endswith("/") else value + "/"

    @field_validator("microsoft_openid_metadata_url", "microsoft_login_url", "microsoft_graph_url")
    @classmethod
    def _microsoft_url(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            return _MICROSOFT_DEFAULTS[info.field_name or ""]
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"{(info.field_name or '').upper()} must be an http(s) URL")
        # Paths are appended to the login and Graph URLs.
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("PUBLIC_URL must be an http(s) URL, e.g. https://1on1.example.co.jp")
        # Paths are appended to it.
        return value.rstrip("/")

    @field_validator("oneonone_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        short = value.split("-")[0].split("_")[0].lower()
        if short not in SUPPORTED_LOCALES:
            raise ValueError(f"ONEONONE_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return short

    @field_validator("oneonone_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"ONEONONE_TIMEZONE {value!r} is not an IANA time zone (e.g. Asia/Tokyo)"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(
                "DATABASE_URL must start with sqlite:/// or postgresql:// "
                "(e.g. sqlite:///oneonone.db)"
            )
        return value

    def require_slack(self) -> None:
        """Fail with instructions when the Slack credentials needed to serve are missing."""
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if not value
        ]
        if missing:
            raise SettingsError(
                f"Missing {' and '.join(missing)}.\n"
                "Create the Slack app from manifest.yml, install it to your workspace, then set\n"
                "  SLACK_BOT_TOKEN=xoxb-...   (OAuth & Permissions > Bot User OAuth Token)\n"
                "  SLACK_SIGNING_SECRET=...   (Basic Information > App Credentials)\n"
                "in the environment or in a .env file, and run `make run` again.\n"
                "To try the bot without any Slack account, run `make demo`."
            )

    @property
    def slack_wanted(self) -> bool:
        """Some Slack credential is set: serve Slack (and complain if the rest is missing)."""
        return bool(self.slack_bot_token or self.slack_signing_secret)

    @property
    def teams_wanted(self) -> bool:
        """Some Teams credential is set: serve Teams (and complain if the rest is missing)."""
        return bool(
            self.microsoft_app_id or self.microsoft_app_password or self.microsoft_app_tenant_id
        )

    def require_teams(self) -> None:
        """Fail with instructions when the Teams credentials needed to serve are missing."""
        missing = [
            name
            for name, value in (
                ("MICROSOFT_APP_ID", self.microsoft_app_id),
                ("MICROSOFT_APP_PASSWORD", self.microsoft_app_password),
            )
            if not value
        ]
        if missing:
            raise SettingsError(
                f"Missing {' and '.join(missing)} for Microsoft Teams.\n"
                "Create an Azure Bot resource with the Microsoft Teams channel, then set\n"
                "  MICROSOFT_APP_ID=...         (the bot's Microsoft App ID)\n"
                "  MICROSOFT_APP_PASSWORD=...   (a client secret of that app registration)\n"
                "  MICROSOFT_APP_TENANT_ID=...  (single-tenant bots: the directory's tenant id)\n"
                "in the environment or in a .env file, and run `make run` again."
            )

    def require_serving(self) -> tuple[str, ...]:
        """The platforms to serve ("slack", "teams"): each one whose settings are started must
        be complete, and at least one must be there."""
        if not self.slack_wanted and not self.teams_wanted:
            problems = []
            for check in (self.require_slack, self.require_teams):
                try:
                    check()
                except SettingsError as exc:
                    problems.append(str(exc))
            raise SettingsError(
                "Nothing to serve: set the Slack settings, the Microsoft Teams settings, "
                "or both.\n\nSlack: " + problems[0] + "\n\nMicrosoft Teams: " + problems[1]
            )
        platforms: list[str] = []
        if self.slack_wanted:
            self.require_slack()
            platforms.append("slack")
        if self.teams_wanted:
            self.require_teams()
            platforms.append("teams")
        return tuple(platforms)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("Invalid settings:\n" + "\n".join(lines)) from exc
