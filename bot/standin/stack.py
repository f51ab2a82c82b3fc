"""The whole product on one machine: the real server against the Slack stand-in (and, when
asked, the Teams stand-in).

Used by the end-to-end tests, `oneonone demo` and the benchmarks, so all three exercise the
same wiring as `oneonone serve`.
"""

from __future__ import annotations

import csv
import io
from typing import TypedDict

from bot.app import Runtime, build_runtime
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.features.org import ImportReport, import_org
from bot.standin.driver import SlackDriver
from bot.standin.lifecycle import Served
from bot.standin.slack_api import SlackStandin
from bot.standin.teams import TeamsDriver, TeamsStandin

SIGNING_SECRET = "standin-signing-secret"


class LocalStack(Served):
    def __init__(
        self,
        database_url: str,
        *,
        locale: str = "ja",
        timezone: str = "Asia/Tokyo",
        with_scheduler: bool = False,
        clock: Clock | None = None,
        slack: bool = True,
        teams: bool = False,
    ) -> None:
        self.database_url = database_url
        # The server and the Slack stand-in read one clock (tests give one that does not
        # depend on the day they run).
        self.clock: Clock = clock or SystemClock()
        self.locale = locale
        self.timezone = timezone
        self.with_scheduler = with_scheduler
        self.standin = SlackStandin(clock=self.clock)
        self.slack = slack
        # Teams tokens are checked against the machine's own clock (inside PyJWT), so the Teams
        # stand-in issues them on that clock, not on the stack's.
        self.teams: TeamsStandin | None = TeamsStandin() if teams else None
        self._runtime: Runtime | None = None
        self._driver: SlackDriver | None = None
        self._teams_driver: TeamsDriver | None = None

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "LocalStack not started"
        return self._runtime

    @property
    def driver(self) -> SlackDriver:
        assert self._driver is not None, "LocalStack not started"
        return self._driver

    @property
    def teams_driver(self) -> TeamsDriver:
        assert self._teams_driver is not None, "LocalStack not started with teams=True"
        return self._teams_driver

    def settings(self) -> Settings:
        teams: dict[str, str] = {}
        if self.teams is not None:
            teams = {
                "microsoft_app_id": self.teams.app_id,
                "microsoft_app_password": self.teams.app_password,
                "microsoft_app_tenant_id": self.teams.tenant_id,
                "microsoft_openid_metadata_url": self.teams.openid_metadata_url,
                "microsoft_login_url": self.teams.login_url,
            }
        settings = Settings(
            slack_bot_token=self.standin.token if self.slack else "",
            slack_signing_secret=SIGNING_SECRET if self.slack else "",
            slack_api_url=self.standin.api_url,
            database_url=self.database_url,
            host="127.0.0.1",
            port=0,
            oneonone_locale=self.locale,
            oneonone_timezone=self.timezone,
            _env_file=None,
        )
        return settings.model_copy(update=teams)

    async def start(self) -> None:
        await self.standin.start()
        if self.teams is not None:
            await self.teams.start()
        self._runtime = await build_runtime(
            self.settings(),
            clock=self.clock,
            teams_ca_file=self.teams.ca_file if self.teams is not None else None,
        )
        await self._runtime.start(with_scheduler=self.with_scheduler)
        self._driver = SlackDriver(
            f"{self._runtime.base_url}/slack/events", SIGNING_SECRET, standin=self.standin
        )
        if self.teams is not None:
            self._teams_driver = TeamsDriver(f"{self._runtime.base_url}/api/messages", self.teams)

    async def stop(self) -> None:
        if self._teams_driver is not None:
            await self._teams_driver.close()
        if self._driver is not None:
            await self._driver.close()
        if self._runtime is not None:
            await self._runtime.stop()
        await self.standin.stop()
        if self.teams is not None:
            await self.teams.stop()

    async def import_org(self, csv_text: str) -> ImportReport:
        """Import people into the database and make them known to the stand-in's Slack."""
        report = await import_org(self.runtime.db, csv_text)
        for user in slack_users(csv_text, locale=self.locale, timezone=self.timezone):
            self.standin.add_user(**user)
        return report


class SlackUser(TypedDict):
    user_id: str
    name: str
    email: str
    locale: str
    tz: str


def slack_users(csv_text: str, *, locale: str, timezone: str) -> list[SlackUser]:
    """`SlackStandin.add_user` arguments for everyone with a Slack id in an org CSV.

    Apart from `LocalStack` so a stand-in running in another process can learn the same org.
    """
    users: list[SlackUser] = []
    for row in csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))):
        slack_id = (row.get("slack_id") or "").strip()
        if slack_id:
            own_locale = (row.get("locale") or "").strip() or locale
            users.append(
                {
                    "user_id": slack_id,
                    "name": row["name"].strip(),
                    "email": row["email"].strip().lower(),
                    "locale": "en-US" if own_locale.startswith("en") else "ja-JP",
                    "tz": (row.get("timezone") or "").strip() or timezone,
                }
            )
    return users
