"""The `oneonone` console script."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from bot.config import Settings, SettingsError, load_settings
from bot.core.clock import Clock, SystemClock
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.container import Services
    from bot.features.org import ImportReport, PairImportReport, TopicImportReport
    from bot.features.schedule import CadenceResult, ScheduleSettings
    from storage.db import Database

app = typer.Typer(no_args_is_help=True, add_completion=False, help="1on1 bot for Slack and Teams")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance")
org_app = typer.Typer(no_args_is_help=True, help="The organisation: people and pairs")
pair_app = typer.Typer(no_args_is_help=True, help="1on1 pairs: the pairs file, their cadence")
schedule_app = typer.Typer(no_args_is_help=True, help="Scheduling: reminders and quiet hours")
teams_app = typer.Typer(no_args_is_help=True, help="Microsoft Teams: the app package")
topics_app = typer.Typer(no_args_is_help=True, help="Topic lists: export, change, import back")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(pair_app, name="pair")
app.add_typer(schedule_app, name="schedule")
app.add_typer(teams_app, name="teams")
app.add_typer(topics_app, name="topics")

_T = TypeVar("_T")

# No markup: what we print includes CSV cells and settings, and "[x]" in them must show as-is.
err = Console(stderr=True, markup=False, highlight=False)
out = Console(markup=False, highlight=False)

# What "now" is for the commands that plan or send (tests put a clock of their own here).
CLOCK: Clock = SystemClock()


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc


def _logging(verbose: bool = False) -> None:
    configure_logging(verbose)


@app.command()
def serve(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Serve Slack (and Teams) on one HTTP server, with the scheduler."""
    settings = _settings()
    try:
        platforms = settings.require_serving()
    except SettingsError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc
    _logging(verbose)
    asyncio.run(_serve(settings, platforms))


async def _serve(settings: Settings, platforms: tuple[str, ...]) -> None:
    from bot.app import build_runtime, freeze_start_up_objects

    runtime = await build_runtime(settings)
    # Reminders and digests go out through Slack only for now: without Slack the tick would
    # claim them and fail each one for good, so it waits until Slack is configured.
    await runtime.start(with_scheduler="slack" in platforms)
    freeze_start_up_objects()
    routes = {"slack": "POST /slack/events", "teams": "POST /api/messages"}
    logging.getLogger("oneonone").info(
        "listening on %s:%s (%s, GET /healthz)",
        settings.host,
        runtime.port,
        ", ".join(routes[p] for p in platforms),
    )
    if "slack" not in platforms:
        logging.getLogger("oneonone").warning(
            "Slack is not configured: the scheduler is off (reminders are sent through Slack)"
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runtime.stop()


@app.command()
def demo() -> None:
    """A full 1on1 cycle on the local Slack stand-in and a fresh SQLite file."""
    from bot.demo import run_demo

    # Plain print: rich markup would eat the [button] brackets of the transcript.
    raise typer.Exit(asyncio.run(run_demo(print)))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations and refresh the built-in topic catalogs."""
    settings = _settings()

    async def _run() -> None:
        from bot.app import prepare_database
        from storage.db import Database

        db = Database(settings.database_url)
        try:
            await prepare_database(db)
        finally:
            await db.dispose()

    asyncio.run(_run())
    out.print("database is up to date")


@org_app.command("import")
def org_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import people and manager pairs from a CSV (idempotent, all-or-nothing)."""
    settings = _settings()
    from bot.features.org import OrgImportError

    try:
        report = asyncio.run(_org_import(settings, file))
    except OrgImportError as exc:
        err.print(f"{len(exc.errors)} problem(s); nothing was imported:")
        for problem in exc.errors:
            err.print(f"  {problem}")
        raise typer.Exit(1) from exc
    out.print(
        f"people: {report.people_created} created, {report.people_updated} updated, "
        f"{report.people_unchanged} unchanged; pairs: {report.pairs_created} created, "
        f"{report.pairs_reactivated} reactivated, {report.pairs_deactivated} ended"
    )


async def _org_import(settings: Settings, file: Path) -> ImportReport:
    from bot.app import prepare_database
    from bot.features.org import import_org_file
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("importing", total=None)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = await import_org_file(db, file, progress=on_progress)
        return report
    finally:
        await db.dispose()


@app.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option(help="ISO-8601 time to run the pass as; without an offset, ONEONONE_TIMEZONE"),
    ] = None,
) -> None:
    """Run one scheduler pass, as if the clock read --at."""
    settings = _settings()
    now = _parse_at(at, settings.oneonone_timezone)
    try:
        # The pass sends reminders: without credentials every one would fail for good.
        settings.require_slack()
    except SettingsError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc

    async def _run() -> object:
        from bot.app import build_core

        services = await build_core(settings, clock=CLOCK)
        try:
            return await services.tick.run(now)
        finally:
            await services.db.dispose()

    out.print(str(asyncio.run(_run())))


@pair_app.command("import")
def pair_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Import 1on1 pairs of every kind from a CSV (idempotent, all-or-nothing); programme
    pairs without a cadence get their programme's default."""
    settings = _settings()
    from bot.features.org import PairImportError

    async def _run(services: Services) -> tuple[PairImportReport, int]:
        from bot.features.org import import_pairs_file

        now = services.clock.now()
        report = await import_pairs_file(
            services.db, file, now=now, timezone=settings.oneonone_timezone
        )
        return report, await services.schedule.apply_program_defaults(now=now)

    try:
        report, defaulted = asyncio.run(_with_services(settings, _run))
    except PairImportError as exc:
        err.print(f"{len(exc.errors)} problem(s); nothing was imported:")
        for problem in exc.errors:
            err.print(f"  {problem}")
        raise typer.Exit(1) from exc
    out.print(f"{report}; {defaulted} given their programme's default cadence")


@topics_app.command("export")
def topics_export(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
) -> None:
    """Write every topic list and topic (hidden ones too) to a CSV, to edit and import back."""
    settings = _settings()

    async def _run(db: Database) -> int:
        from bot.features.org import export_topics_file

        return await export_topics_file(db, file)

    rows = asyncio.run(_with_database(settings, _run))
    out.print(f"{rows} topics written to {file}")


@topics_app.command("import")
def topics_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Rename, hide or add topics and add topic lists from a CSV (idempotent,
    all-or-nothing); shipped topics the file changes stay as the organisation set them."""
    settings = _settings()
    from bot.features.org import TopicImportError

    async def _run(db: Database) -> TopicImportReport:
        from bot.features.org import import_topics_file

        return await import_topics_file(db, file)

    try:
        report = asyncio.run(_with_database(settings, _run))
    except TopicImportError as exc:
        err.print(f"{len(exc.errors)} problem(s); nothing was imported:")
        for problem in exc.errors:
            err.print(f"  {problem}")
        raise typer.Exit(1) from exc
    out.print(str(report))


@pair_app.command("cadence")
def pair_cadence(
    leader: Annotated[str, typer.Option("--leader", help="the leader's e-mail")],
    member: Annotated[str, typer.Option("--member", help="the member's e-mail")],
    rrule: Annotated[
        str,
        typer.Option(
            "--rrule",
            help="RFC 5545 rule, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=10;BYMINUTE=0 "
            "(or with a DTSTART line)",
        ),
    ],
    duration: Annotated[int, typer.Option("--duration", help="minutes")] = 30,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone; default: the leader's")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="manager / mentor / peer / senior")
    ] = None,
) -> None:
    """Set a pair's cadence; future planned 1on1s are re-planned, the member's picks follow."""
    settings = _settings()
    from bot.features.schedule import CadenceError, PairNotFound
    from storage.models import PairKind

    try:
        pair_kind = PairKind(kind) if kind else None
    except ValueError as exc:
        err.print(f"--kind {kind!r}: one of {', '.join(k.value for k in PairKind)}")
        raise typer.Exit(2) from exc

    async def _run(services: Services) -> CadenceResult:
        pair_id = await services.schedule.find_pair(leader, member, pair_kind)
        return await services.schedule.set_cadence_rule(
            pair_id, rrule, duration_minutes=duration, timezone=timezone, now=services.clock.now()
        )

    try:
        result = asyncio.run(_with_services(settings, _run))
    except PairNotFound as exc:
        err.print(str(exc))
        raise typer.Exit(1) from exc
    except CadenceError as exc:
        err.print(f"not a cadence: {exc}")
        raise typer.Exit(2) from exc
    zone = ZoneInfo(result.timezone)
    upcoming = (
        result.next_slot_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if result.next_slot_at
        else "none"
    )
    out.print(
        f"cadence set: {result.rule.replace(chr(10), ' ')} in {result.timezone}, "
        f"{result.duration_minutes} min; {result.planned} planned "
        f"({result.replaced} replaced); next: {upcoming}"
    )


@schedule_app.command("settings")
def schedule_settings(
    window: Annotated[
        str | None, typer.Option(help="local hours reminders may arrive in, e.g. 08:00-20:00")
    ] = None,
    working_days: Annotated[str | None, typer.Option(help="e.g. mon-fri")] = None,
    holidays: Annotated[
        str | None, typer.Option(help="public holidays off: a country code (JP) or none")
    ] = None,
    member_lead_days: Annotated[
        int | None, typer.Option(help="member's reminder: working days before")
    ] = None,
    digest_lead_minutes: Annotated[
        int | None, typer.Option(help="leader's digest: minutes before")
    ] = None,
    followup_hours: Annotated[
        int | None, typer.Option(help="'did it happen?' unanswered: follow up after")
    ] = None,
    unknown_after_hours: Annotated[
        int | None, typer.Option(help="then count the 1on1 as unknown after")
    ] = None,
) -> None:
    """Show the organisation's scheduling settings, or change them (reminders are re-planned)."""
    settings = _settings()
    from bot.features.schedule import SettingError
    from bot.features.schedule import settings as keys

    given = {
        keys.KEY_WINDOW: window,
        keys.KEY_WORKING_DAYS: working_days,
        keys.KEY_HOLIDAYS: holidays,
        keys.KEY_MEMBER_LEAD_DAYS: member_lead_days,
        keys.KEY_DIGEST_LEAD_MINUTES: digest_lead_minutes,
        keys.KEY_FOLLOWUP_HOURS: followup_hours,
        keys.KEY_UNKNOWN_AFTER_HOURS: unknown_after_hours,
    }
    changes = {key: str(value) for key, value in given.items() if value is not None}

    async def _run(services: Services) -> tuple[ScheduleSettings, int]:
        if not changes:
            return await services.schedule_settings.get(), 0
        updated = await services.schedule_settings.update(changes)
        return updated, await services.schedule.replan(now=services.clock.now())

    try:
        current, replanned = asyncio.run(_with_services(settings, _run))
    except SettingError as exc:
        err.print(f"{exc.key}={exc.value!r}: {exc.reason}")
        raise typer.Exit(2) from exc
    for key, value in current.as_text().items():
        out.print(f"{key} = {value}")
    if changes:
        out.print(f"reminders of {replanned} planned 1on1(s) re-planned")


@teams_app.command("package")
def teams_package(
    out_file: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="the zip to write")
    ] = Path("oneonone-teams.zip"),
    developer_name: Annotated[
        str, typer.Option(help="publisher shown in Teams (up to 32 characters)")
    ] = "1on1",
    website_url: Annotated[str, typer.Option(help="https; default: PUBLIC_URL")] = "",
    privacy_url: Annotated[str, typer.Option(help="https; default: PUBLIC_URL")] = "",
    terms_url: Annotated[str, typer.Option(help="https; default: PUBLIC_URL")] = "",
    app_version: Annotated[
        str, typer.Option(help="x.y.z; raise it to update an uploaded app; default: ours")
    ] = "",
) -> None:
    """Write the Teams app package (manifest, its translation, icons) to upload in the Teams
    admin center."""
    settings = _settings()
    # Loaded here: the Teams surface pulls in botbuilder, which other commands do not need.
    from handlers.teams.package import (
        GRAPH_PERMISSIONS,
        RSC_PERMISSIONS,
        PackageOptions,
        build_package,
    )

    options = PackageOptions(
        developer_name=developer_name,
        website_url=website_url,
        privacy_url=privacy_url,
        terms_url=terms_url,
        app_version=app_version,
    )
    try:
        package = build_package(settings, options)
    except SettingsError as exc:
        err.print(str(exc))
        raise typer.Exit(2) from exc
    try:
        out_file.write_bytes(package.zip_bytes())
    except OSError as exc:
        err.print(f"cannot write {out_file}: {exc.strerror or exc}")
        raise typer.Exit(1) from exc
    manifest = package.manifest
    out.print(
        f"wrote {out_file}: manifest v{manifest['manifestVersion']}, app version "
        f"{manifest['version']}, bot {manifest['bots'][0]['botId']}, "
        f"{len(package.files)} files"
    )
    out.print(f"messaging endpoint (Azure Bot > Configuration): {settings.public_url}/api/messages")
    out.print("granted when the app is added to a chat or team (in the package):")
    for permission in RSC_PERMISSIONS:
        out.print(f"  {permission.name}: {permission.why}")
    out.print("Microsoft Graph application permissions for a tenant admin to grant:")
    for permission in GRAPH_PERMISSIONS:
        out.print(f"  {permission.name}: {permission.why}")


async def _with_services(settings: Settings, work: Callable[[Services], Awaitable[_T]]) -> _T:
    from bot.app import build_core

    services = await build_core(settings, clock=CLOCK)
    try:
        return await work(services)
    finally:
        await services.db.dispose()


async def _with_database(settings: Settings, work: Callable[[Database], Awaitable[_T]]) -> _T:
    """The database brought up to date, for commands that need nothing else (no chat)."""
    from bot.app import prepare_database
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        return await work(db)
    finally:
        await db.dispose()


def _parse_at(at: str | None, zone: str) -> datetime:
    if at is None:
        return CLOCK.now().astimezone(ZoneInfo(zone))
    try:
        moment = datetime.fromisoformat(at)
    except ValueError as exc:
        err.print(f"--at {at!r} is not an ISO-8601 time (e.g. 2026-11-24T09:45:00+09:00)")
        raise typer.Exit(2) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
