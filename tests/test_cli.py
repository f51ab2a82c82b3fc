"""The `oneonone` console script (DESIGN.md "Contracts"), driven through typer's CliRunner.

CliRunner runs each command's own asyncio.run, so these tests stay plain sync functions.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import SQLModel
from typer.testing import CliRunner, Result

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.cli import app
from bot.config import Settings

HEADER = "email,name,department,manager_email,slack_id,teams_id,role,locale,timezone"
BOSS = "boss@example.com,山田 太郎,営業部,,U001,,admin,ja-JP,Asia/Tokyo"
SATO = "sato@example.com,佐藤 花子,営業部,boss@example.com,U002,,,,"
TANAKA = "tanaka@example.com,田中 一郎,営業部,sato@example.com,,T003,hr,en_US,Europe/London"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Nothing from the real environment or a stray `.env` reaches the command."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "x.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def text(result: Result) -> str:
    """stdout + stderr with colours stripped and rich's line wrapping undone."""
    return " ".join(_ANSI.sub("", result.output).split())


def write_csv(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        value = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    assert isinstance(value, int)
    return value


# --- serve ------------------------------------------------------------------------------------


def test_serve_without_slack_settings_says_what_to_set() -> None:
    result = run("serve")

    assert result.exit_code == 2, text(result)
    output = text(result)
    assert "SLACK_BOT_TOKEN" in output
    assert "SLACK_SIGNING_SECRET" in output
    assert "make demo" in output
    assert "Traceback" not in output


def test_serve_with_a_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("ONEONONE_TIMEZONE", "Mars/Olympus_Mons")

    result = run("serve")

    assert result.exit_code == 2, text(result)
    assert "ONEONONE_TIMEZONE" in text(result)


def test_serve_reads_slack_settings_from_dotenv_before_complaining(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the token in .env: the complaint must be about the secret alone.
    (clean_env / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\n", encoding="utf-8")

    result = run("serve")

    assert result.exit_code == 2
    first = _ANSI.sub("", result.output).strip().splitlines()[0]
    assert "SLACK_SIGNING_SECRET" in first
    assert "SLACK_BOT_TOKEN" not in first


def test_serve_with_half_the_teams_settings_says_what_teams_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Teams alone is a valid thing to serve, so no Slack complaint: only what Teams lacks.
    monkeypatch.setenv("MICROSOFT_APP_ID", "app-id")

    result = run("serve")

    assert result.exit_code == 2, text(result)
    first = _ANSI.sub("", result.output).strip().splitlines()[0]
    assert "MICROSOFT_APP_PASSWORD" in first
    assert "Teams" in first
    assert "SLACK_BOT_TOKEN" not in text(result)


def test_bad_setting_with_brackets_is_reported_not_crashed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONEONONE_TIMEZONE", "[/Asia/Tokyo]")

    result = run("db", "upgrade")

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"a bad ONEONONE_TIMEZONE crashed the CLI with {result.exception!r}: bot/cli.py "
        "_settings prints the SettingsError (which quotes the value) with rich markup enabled"
    )
    assert result.exit_code == 2
    assert "ONEONONE_TIMEZONE" in text(result)


# --- db upgrade ------------------------------------------------------------------------------


def test_db_upgrade_creates_the_tables_and_is_repeatable(db_path: Path) -> None:
    first = run("db", "upgrade")

    assert first.exit_code == 0, text(first)
    expected = set(SQLModel.metadata.tables) | {"alembic_version"}
    assert expected <= tables(db_path)
    topic_sets = count(db_path, "topic_set")
    topics = count(db_path, "topic")
    assert topic_sets > 0
    assert topics > 0

    second = run("db", "upgrade")

    assert second.exit_code == 0, text(second)
    assert expected <= tables(db_path)
    assert count(db_path, "topic_set") == topic_sets
    assert count(db_path, "topic") == topics
    assert count(db_path, "alembic_version") == 1


def test_db_upgrade_with_an_unsupported_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/oneonone")

    result = run("db", "upgrade")

    assert result.exit_code == 2
    assert "DATABASE_URL" in text(result)


# --- org import ------------------------------------------------------------------------------


def test_org_import_good_file(db_path: Path, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "people.csv", BOSS, SATO, TANAKA)

    result = run("org", "import", str(csv))

    assert result.exit_code == 0, text(result)
    output = text(result)
    assert "people: 3 created, 0 updated, 0 unchanged" in output
    assert "pairs: 2 created" in output
    assert count(db_path, "person") == 3
    assert count(db_path, "pair") == 2


def test_org_import_again_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "people.csv", BOSS, SATO, TANAKA)
    assert run("org", "import", str(csv)).exit_code == 0

    result = run("org", "import", str(csv))

    assert result.exit_code == 0, text(result)
    output = text(result)
    assert "people: 0 created, 0 updated, 3 unchanged" in output
    assert "pairs: 0 created" in output
    assert count(db_path, "person") == 3
    assert count(db_path, "pair") == 2


def test_org_import_bad_row_lists_line_and_reason_and_writes_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    csv = write_csv(
        tmp_path / "people.csv",
        BOSS,
        "ghost@example.com,幽霊,営業部,nobody@example.com,U009,,,,",
        SATO,
    )

    result = run("org", "import", str(csv))

    assert result.exit_code == 1, text(result)
    output = text(result)
    assert "line 3" in output
    assert "unknown_manager" in output
    assert "ghost@example.com" in output
    assert "nothing was imported" in output
    assert "Traceback" not in output
    assert count(db_path, "person") == 0
    assert count(db_path, "pair") == 0


def test_org_import_lists_every_bad_row(db_path: Path, tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path / "people.csv",
        BOSS,
        "a@example.com,A,営業部,boss@example.com,U010,,,,Asia/Tokio",
        "b@example.com,B,営業部,boss@example.com,,,,,",
    )

    result = run("org", "import", str(csv))

    assert result.exit_code == 1, text(result)
    output = text(result)
    assert "line 3" in output
    assert "bad_timezone" in output
    assert "line 4" in output
    assert "no_chat_id" in output
    assert count(db_path, "person") == 0


def test_org_import_shows_cell_text_verbatim(db_path: Path, tmp_path: Path) -> None:
    # Whatever a CSV cell holds is data, not console markup: it must be echoed as written,
    # and it must never crash the command.
    csv = write_csv(
        tmp_path / "people.csv",
        "a@example.com,A,営業部,,U010,,[/admin],,",
        "[boss]@example.com,B,営業部,,U011,,,,",
    )

    result = run("org", "import", str(csv))

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"org import crashed with {result.exception!r} on a CSV cell containing '[/admin]': "
        "bot/cli.py org_import prints each problem with rich markup enabled "
        "(err.print(f'  {problem}')), so '[...]' in a cell is parsed as markup"
    )
    assert result.exit_code == 1, text(result)
    output = text(result)
    assert "[/admin]" in output, (
        "the bad role cell '[/admin]' is not shown as written (rich markup in bot/cli.py)"
    )
    assert "[boss]@example.com" in output, (
        "the e-mail '[boss]@example.com' lost its '[boss]' (rich markup in bot/cli.py)"
    )


def test_org_import_missing_file_is_refused(db_path: Path, tmp_path: Path) -> None:
    result = run("org", "import", str(tmp_path / "missing.csv"))

    assert result.exit_code == 2
    assert "missing.csv" in text(result)
    assert not db_path.exists() or count(db_path, "person") == 0


# --- tick ------------------------------------------------------------------------------------


@pytest.fixture
def slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-secret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")


@pytest.mark.usefixtures("slack_env")
def test_tick_at_a_given_time(db_path: Path) -> None:
    result = run("tick", "--at", "2026-11-24T09:45:00+09:00")

    assert result.exit_code == 0, text(result)
    assert "forgotten_events=0" in text(result)
    assert "sent=0" in text(result)
    assert "processed_event" in tables(db_path)


@pytest.mark.usefixtures("slack_env")
def test_tick_at_without_offset_uses_the_configured_zone(db_path: Path) -> None:
    result = run("tick", "--at", "2026-11-24T09:45:00")

    assert result.exit_code == 0, text(result)


def test_tick_without_slack_settings_does_not_crash(db_path: Path) -> None:
    result = run("tick", "--at", "2026-11-24T09:45:00+09:00")

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`oneonone tick` without SLACK_BOT_TOKEN crashed with {result.exception!r}: "
        "bot/cli.py tick -> bot/app.py build_runtime -> build_slack_app builds a Bolt AsyncApp, "
        "which raises BoltError for an empty token. Expected: exit 0 (the pass needs only the "
        "database) or exit 2 with the `serve` instructions (SLACK_BOT_TOKEN, make demo)"
    )
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert "SLACK_BOT_TOKEN" in text(result)


@pytest.mark.usefixtures("slack_env")
@pytest.mark.parametrize("value", ["nonsense", "2026-13-45T99:00", "tomorrow 10am"])
def test_tick_at_nonsense_is_refused_clearly(db_path: Path, value: str) -> None:
    result = run("tick", "--at", value)

    assert result.exit_code == 2, text(result)
    output = text(result)
    assert repr(value) in output
    assert "ISO-8601" in output
    assert "Traceback" not in output
    assert not db_path.exists(), "a refused --at must not touch the database"


@pytest.mark.usefixtures("slack_env")
def test_tick_at_with_brackets_is_refused_clearly(db_path: Path) -> None:
    result = run("tick", "--at", "[/now]")

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"`tick --at '[/now]'` crashed with {result.exception!r}: bot/cli.py _parse_at prints "
        "the user's value with rich markup enabled (err.print(f'--at {at!r} ...'))"
    )
    assert result.exit_code == 2
    assert "[/now]" in text(result)


def test_no_arguments_shows_the_commands() -> None:
    result = run()

    output = text(result)
    for command in ("serve", "demo", "db", "org", "tick"):
        assert command in output


# --- pair import -------------------------------------------------------------------------------

PAIRS_HEADER = "leader_email,member_email,kind,program,topic_set,starts_on,ends_on"


@pytest.mark.usefixtures("slack_env")
def test_pair_import_creates_pairs_and_gives_programmes_their_cadence(
    db_path: Path, tmp_path: Path
) -> None:
    assert run("org", "import", str(write_csv(tmp_path / "people.csv", BOSS, SATO))).exit_code == 0
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        f"{PAIRS_HEADER}\nboss@example.com,sato@example.com,mentor,mentoring,,2099-04-01,\n",
        encoding="utf-8",
    )

    result = run("pair", "import", str(pairs))

    assert result.exit_code == 0, text(result)
    assert "pairs: 1 created, 0 updated, 0 unchanged, 0 closed" in text(result)
    assert "1 given their programme's default cadence" in text(result)
    again = run("pair", "import", str(pairs))
    assert "pairs: 0 created, 0 updated, 1 unchanged, 0 closed" in text(again)
    assert count(db_path, "pair") == 2


@pytest.mark.usefixtures("slack_env")
def test_pair_import_bad_rows_list_line_and_reason_and_write_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    assert run("org", "import", str(write_csv(tmp_path / "people.csv", BOSS, SATO))).exit_code == 0
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        f"{PAIRS_HEADER}\n"
        "boss@example.com,sato@example.com,mentor,,,,\n"
        "boss@example.com,ghost@example.com,peer,,,,\n"
        "boss@example.com,sato@example.com,senior,new_hire,,2099-05-01,2099-04-01\n",
        encoding="utf-8",
    )

    result = run("pair", "import", str(pairs))

    assert result.exit_code == 1, text(result)
    output = text(result)
    assert "line 3 (ghost@example.com): unknown_person" in output
    assert "line 4 (sato@example.com): ends_before_start" in output
    assert "nothing was imported" in output
    assert count(db_path, "pair") == 1  # the org import's manager pair only


# --- topics export / import --------------------------------------------------------------------

TOPICS_HEADER = "set,set_name_ja,set_name_en,topic,label_ja,label_en,continuing,hidden"


def test_topics_export_then_import_round_trips_and_changes_apply(
    db_path: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "topics.csv"

    result = run("topics", "export", str(exported))

    assert result.exit_code == 0, text(result)
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == TOPICS_HEADER
    assert "common,標準,Standard,work,業務,Work,false,false" in lines
    assert f"{len(lines) - 1} topics written" in text(result)
    again = run("topics", "import", str(exported))
    assert again.exit_code == 0, text(again)
    assert f"0 created, 0 updated, {len(lines) - 1} unchanged" in text(again)

    edited = tmp_path / "edited.csv"
    edited.write_text(
        f"{TOPICS_HEADER}\ncommon,,,work,仕事,Work,false,false\ncommon,,,private,,,false,true\n"
        "common,,,career,キャリア,Career,yes please,false\n",
        encoding="utf-8",
    )
    refused = run("topics", "import", str(edited))
    assert refused.exit_code == 1
    output = text(refused)
    assert "line 3 (common/private): missing_label" in output
    assert "line 4 (common/career): bad_flag" in output
    assert "nothing was imported" in output
    with sqlite3.connect(db_path) as conn:
        label = conn.execute(
            "SELECT label_ja FROM topic JOIN topic_set ON topic_set.id = topic.topic_set_id "
            "WHERE topic_set.key = 'common' AND topic.key = 'work'"
        ).fetchone()[0]
    assert label == "業務"
