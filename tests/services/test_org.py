"""The org import, against SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.features.org.importer import (
    ImportReport,
    OrgImportError,
    RowError,
    import_org,
    import_org_file,
    parse_org_csv,
)
from storage.db import Database
from storage.models import Pair, PairKind, Person, Role

HEADER = "email,name,department,manager_email,slack_id,teams_id,role,locale,timezone"

BOSS = "boss@example.com,山田 太郎,営業部,,U001,,admin,ja-JP,Asia/Tokyo"
SATO = "sato@example.com,佐藤 花子,営業部,boss@example.com,U002,,,,"
TANAKA = "tanaka@example.com,田中 一郎,営業部,sato@example.com,,T003,hr,en_US,Europe/London"


def org(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


async def people(db: Database) -> dict[str, Person]:
    async with db.read() as session:
        return {p.email: p for p in (await session.exec(select(Person))).all()}


async def manager_pairs(db: Database) -> set[tuple[str, str, bool]]:
    """(leader e-mail, member e-mail, active) of every manager pair."""
    async with db.read() as session:
        by_id = {p.id: p.email for p in (await session.exec(select(Person))).all()}
        pairs = (await session.exec(select(Pair).where(Pair.kind == PairKind.manager))).all()
    return {(by_id[p.leader_id], by_id[p.member_id], p.active) for p in pairs}


async def dump(db: Database) -> tuple[list[Any], list[Any]]:
    """Every stored column of people and pairs, to prove that nothing changed."""
    async with db.read() as session:
        persons = (await session.exec(select(Person).order_by(col(Person.id)))).all()
        pairs = (await session.exec(select(Pair).order_by(col(Pair.id)))).all()
    return [p.model_dump() for p in persons], [p.model_dump() for p in pairs]


async def refused(db: Database, text: str) -> list[tuple[int, str]]:
    with pytest.raises(OrgImportError) as caught:
        await import_org(db, text)
    return [(e.line, e.reason) for e in caught.value.errors]


# --- the happy path -------------------------------------------------------------------------


async def test_creates_people_and_manager_pairs(db: Database) -> None:
    report = await import_org(db, org(BOSS, SATO, TANAKA))

    assert report == ImportReport(people_created=3, pairs_created=2)
    stored = await people(db)
    assert set(stored) == {"boss@example.com", "sato@example.com", "tanaka@example.com"}
    boss, sato, tanaka = (stored[f"{n}@example.com"] for n in ("boss", "sato", "tanaka"))
    assert (boss.name, boss.department, boss.slack_id, boss.teams_id) == (
        "山田 太郎",
        "営業部",
        "U001",
        None,
    )
    assert (boss.role, boss.locale, boss.timezone) == (Role.admin, "ja", "Asia/Tokyo")
    assert (sato.role, sato.locale, sato.timezone) == (Role.member, None, None)
    assert (tanaka.slack_id, tanaka.teams_id) == (None, "T003")
    assert (tanaka.role, tanaka.locale, tanaka.timezone) == (Role.hr, "en", "Europe/London")
    assert all(p.active for p in stored.values())
    assert await manager_pairs(db) == {
        ("boss@example.com", "sato@example.com", True),
        ("sato@example.com", "tanaka@example.com", True),
    }


async def test_reimport_with_identical_content_changes_nothing(db: Database) -> None:
    text = org(BOSS, SATO, TANAKA)
    await import_org(db, text)
    before = await dump(db)

    report = await import_org(db, text)

    assert report == ImportReport(people_unchanged=3)
    assert await dump(db) == before


async def test_update_is_applied_and_stamped(db: Database) -> None:
    await import_org(db, org(BOSS, SATO, TANAKA))
    before = await people(db)

    renamed = "sato@example.com,鈴木 花子,開発部,boss@example.com,U002,,,en,"
    report = await import_org(db, org(BOSS, renamed, TANAKA))

    assert report == ImportReport(people_updated=1, people_unchanged=2)
    after = await people(db)
    sato = after["sato@example.com"]
    assert (sato.name, sato.department, sato.locale) == ("鈴木 花子", "開発部", "en")
    assert sato.id == before["sato@example.com"].id
    assert sato.created_at == before["sato@example.com"].created_at
    assert sato.updated_at > before["sato@example.com"].updated_at
    assert after["boss@example.com"].updated_at == before["boss@example.com"].updated_at
    assert len(after) == 3


async def test_manager_change_moves_the_pair_and_keeps_history(db: Database) -> None:
    await import_org(db, org(BOSS, SATO, TANAKA))
    to_boss = TANAKA.replace("sato@example.com", "boss@example.com", 1)
    assert "tanaka@example.com" in to_boss

    report = await import_org(db, org(BOSS, SATO, to_boss))

    assert (report.pairs_created, report.pairs_deactivated, report.pairs_reactivated) == (1, 1, 0)
    assert (report.people_updated, report.people_unchanged) == (0, 3)
    assert await manager_pairs(db) == {
        ("boss@example.com", "sato@example.com", True),
        ("sato@example.com", "tanaka@example.com", False),
        ("boss@example.com", "tanaka@example.com", True),
    }

    back = await import_org(db, org(BOSS, SATO, TANAKA))

    assert (back.pairs_created, back.pairs_deactivated, back.pairs_reactivated) == (0, 1, 1)
    assert await manager_pairs(db) == {
        ("boss@example.com", "sato@example.com", True),
        ("sato@example.com", "tanaka@example.com", True),
        ("boss@example.com", "tanaka@example.com", False),
    }


async def test_emptied_manager_cell_ends_the_manager_pair(db: Database) -> None:
    await import_org(db, org(BOSS, SATO))

    report = await import_org(db, org(BOSS, SATO.replace("boss@example.com", "", 1)))

    assert report.pairs_deactivated == 1
    assert await manager_pairs(db) == {("boss@example.com", "sato@example.com", False)}


async def test_other_pair_kinds_are_left_alone(db: Database) -> None:
    await import_org(db, org(BOSS, SATO, TANAKA))
    stored = await people(db)
    boss_id, tanaka_id = stored["boss@example.com"].id, stored["tanaka@example.com"].id
    assert boss_id is not None
    assert tanaka_id is not None
    async with db.write() as session:
        session.add(Pair(leader_id=boss_id, member_id=tanaka_id, kind=PairKind.mentor))

    to_boss = TANAKA.replace("sato@example.com", "boss@example.com", 1)
    await import_org(db, org(BOSS, SATO, to_boss))
    await import_org(db, org(BOSS, SATO, TANAKA))

    async with db.read() as session:
        mentor = (await session.exec(select(Pair).where(Pair.kind == PairKind.mentor))).one()
    assert (mentor.leader_id, mentor.member_id, mentor.active) == (boss_id, tanaka_id, True)


async def test_people_absent_from_a_partial_file_are_left_as_they_are(db: Database) -> None:
    await import_org(db, org(BOSS, SATO, TANAKA))
    before = await dump(db)

    report = await import_org(db, org(SATO))

    assert report == ImportReport(people_unchanged=1)
    assert await dump(db) == before


async def test_manager_already_in_the_database_is_known(db: Database) -> None:
    await import_org(db, org(BOSS))

    report = await import_org(db, org(SATO))

    assert report == ImportReport(people_created=1, pairs_created=1)
    assert await manager_pairs(db) == {("boss@example.com", "sato@example.com", True)}


async def test_empty_cells_keep_what_is_stored_but_role_defaults_to_member(db: Database) -> None:
    await import_org(db, org(BOSS, "kato@example.com,加藤,営業部,,U009,T009,admin,en,UTC"))

    report = await import_org(db, org(BOSS, "kato@example.com,加藤,営業部,,,T009,,,"))

    assert report == ImportReport(people_updated=1, people_unchanged=1)
    kato = (await people(db))["kato@example.com"]
    assert (kato.slack_id, kato.teams_id, kato.locale, kato.timezone) == (
        "U009",
        "T009",
        "en",
        "UTC",
    )
    assert kato.role == Role.member


async def test_email_is_matched_case_insensitively(db: Database) -> None:
    await import_org(db, org(BOSS.replace("boss@example.com", "Boss@Example.COM", 1)))

    report = await import_org(db, org(BOSS))

    assert report == ImportReport(people_unchanged=1)
    assert list(await people(db)) == ["boss@example.com"]


async def test_inactive_person_in_the_file_is_reactivated(db: Database) -> None:
    await import_org(db, org(BOSS, SATO))
    async with db.write() as session:
        sato = (await session.exec(select(Person).where(Person.email == "sato@example.com"))).one()
        sato.active = False
        session.add(sato)

    report = await import_org(db, org(BOSS, SATO))

    assert report == ImportReport(people_updated=1, people_unchanged=1)
    assert (await people(db))["sato@example.com"].active


async def test_slack_ids_can_be_swapped_in_one_file(db: Database) -> None:
    await import_org(db, org(BOSS, SATO))

    swapped = org(BOSS.replace("U001", "U002"), SATO.replace("U002", "U001"))
    report = await import_org(db, swapped)

    assert report == ImportReport(people_updated=2)
    stored = await people(db)
    assert stored["boss@example.com"].slack_id == "U002"
    assert stored["sato@example.com"].slack_id == "U001"


async def test_bom_is_handled(db: Database, tmp_path: Path) -> None:
    report = await import_org(db, "\ufeff" + org(BOSS))
    assert report.people_created == 1

    path = tmp_path / "org.csv"
    path.write_bytes(org(BOSS, SATO).encode("utf-8-sig"))
    report = await import_org_file(db, path)
    assert report == ImportReport(people_created=1, people_unchanged=1, pairs_created=1)


async def test_crlf_file_imports(db: Database) -> None:
    report = await import_org(db, org(BOSS, SATO).replace("\n", "\r\n"))
    assert report == ImportReport(people_created=2, pairs_created=1)


async def test_shift_jis_file_is_refused_clearly(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_bytes(org(BOSS, SATO).encode("cp932"))

    with pytest.raises(OrgImportError) as caught:
        await import_org_file(db, path)

    [error] = caught.value.errors
    assert (error.line, error.reason) == (1, "not_utf8")
    assert "line 2" in error.detail
    assert "Shift_JIS" in error.detail
    assert await people(db) == {}


async def test_progress_reports_batches_and_the_end(db: Database) -> None:
    rows = [f"p{i:04d}@example.com,社員{i},営業部,,U{i:08d},,,," for i in range(450)]
    calls: list[tuple[int, int]] = []

    await import_org(db, org(*rows), progress=lambda done, total: calls.append((done, total)))

    assert calls == [(200, 450), (400, 450), (450, 450)]


# --- refusals -------------------------------------------------------------------------------

GOOD = "ok@example.com,良子,営業部,,U100,,,,"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [GOOD, ",名無し,営業部,,U101,,,,"], [(3, "missing_email")], id="missing_email"
        ),
        pytest.param([GOOD, "nobody-at-all,名無し,,,U101,,,,"], [(3, "invalid_email")], id="email"),
        pytest.param(
            [GOOD, "x@example.com,名前,,not an email,U101,,,,"],
            [(3, "invalid_email")],
            id="manager_email",
        ),
        pytest.param([GOOD, "x@example.com,,営業部,,U101,,,,"], [(3, "missing_name")], id="name"),
        pytest.param([GOOD, "x@example.com,名前,,,,,,,"], [(3, "no_chat_id")], id="no_chat_id"),
        pytest.param(
            [GOOD, "x@example.com,名前,,,U101,,,,", "X@example.com,別人,,,U102,,,,"],
            [(4, "duplicate_email")],
            id="duplicate_email",
        ),
        pytest.param(
            [GOOD, "x@example.com,名前,,,U100,,,,"], [(3, "duplicate_slack_id")], id="dup_slack"
        ),
        pytest.param(
            [
                "a@example.com,名前,,,,T1,,,",
                "b@example.com,名前,,,,T2,,,",
                "c@example.com,名前,,,,T1,,,",
            ],
            [(4, "duplicate_teams_id")],
            id="dup_teams",
        ),
        pytest.param(
            [GOOD, "x@example.com,名前,,ghost@example.com,U101,,,,"],
            [(3, "unknown_manager")],
            id="unknown_manager",
        ),
        pytest.param(
            [GOOD, "x@example.com,名前,,X@example.com,U101,,,,"],
            [(3, "self_manager")],
            id="self_manager",
        ),
        pytest.param(
            [
                GOOD,
                "a@example.com,名前,,b@example.com,U1,,,,",
                "b@example.com,名前,,a@example.com,U2,,,,",
            ],
            [(3, "manager_cycle"), (4, "manager_cycle")],
            id="manager_cycle",
        ),
        pytest.param(
            [GOOD, "x@example.com,名前,,,U101,,,,Asia/Nowhere"], [(3, "bad_timezone")], id="tz"
        ),
        pytest.param([GOOD, "x@example.com,名前,,,U101,,boss,,"], [(3, "bad_role")], id="role"),
        pytest.param([GOOD, "x@example.com,名前,,,U101,,,fr-FR,"], [(3, "bad_locale")], id="loc"),
        pytest.param(
            [GOOD, "x@example.com," + "名" * 201 + ",,,U101,,,,"], [(3, "too_long")], id="long"
        ),
        pytest.param(
            [GOOD, "x@example.com,Sato, Taro,営業部,,U101,,,,"], [(3, "bad_csv")], id="comma"
        ),
    ],
)
async def test_each_problem_is_reported_on_its_line(
    db: Database, rows: list[str], expected: list[tuple[int, str]]
) -> None:
    assert await refused(db, org(*rows)) == expected
    assert await people(db) == {}


async def test_header_problem_is_line_one(db: Database) -> None:
    text = "email,name,department,manager_email,slack_id,teams_id,role,locale\n" + GOOD + "\n"

    errors = await refused(db, text)

    assert errors == [(1, "missing_column")]


async def test_every_bad_row_is_reported_at_once(db: Database) -> None:
    text = org(
        BOSS,
        "a@example.com,名前,,,U201,,,,",
        ",名無し,,,U202,,,,",
        "b@example.com,名前,,boss@example.com,U203,,,,",
        "c@example.com,名前,,,U204,,chief,,",
        "",
        "d@example.com,名前,,nobody@example.com,,,,xx,Mars/Base",
    )

    errors = await refused(db, text)

    assert errors == [
        (4, "missing_email"),
        (6, "bad_role"),
        (8, "no_chat_id"),
        (8, "bad_locale"),
        (8, "bad_timezone"),
        (8, "unknown_manager"),
    ]


async def test_nothing_is_written_when_any_row_is_bad(db: Database) -> None:
    await import_org(db, org(BOSS, SATO))
    before = await dump(db)

    text = org(
        BOSS.replace("山田 太郎", "山田 次郎"),
        SATO.replace("boss@example.com", "", 1),
        "new@example.com,新人,営業部,boss@example.com,U300,,,,",
        "bad@example.com,名前,,,U301,,,,Nowhere/Zone",
    )
    assert await refused(db, text) == [(5, "bad_timezone")]

    assert await dump(db) == before


async def test_three_person_cycle_reports_each_person_once(db: Database) -> None:
    text = org(
        GOOD,
        "a@example.com,A,,b@example.com,U1,,,,",
        "b@example.com,B,,c@example.com,U2,,,,",
        "c@example.com,C,,a@example.com,U3,,,,",
        "d@example.com,D,,a@example.com,U4,,,,",
    )

    with pytest.raises(OrgImportError) as caught:
        await import_org(db, text)

    assert [(e.line, e.email, e.reason, e.detail) for e in caught.value.errors] == [
        (
            3,
            "a@example.com",
            "manager_cycle",
            "a@example.com -> b@example.com -> c@example.com -> a@example.com",
        ),
        (
            4,
            "b@example.com",
            "manager_cycle",
            "b@example.com -> c@example.com -> a@example.com -> b@example.com",
        ),
        (
            5,
            "c@example.com",
            "manager_cycle",
            "c@example.com -> a@example.com -> b@example.com -> c@example.com",
        ),
    ]
    assert str(caught.value.errors[0]).startswith("line 3 (a@example.com): manager_cycle — a@")


async def test_cycle_through_someone_only_in_the_database(db: Database) -> None:
    await import_org(db, org(BOSS, SATO))

    errors = await refused(db, org(BOSS.replace(",,U001", ",sato@example.com,U001", 1)))

    assert errors == [(2, "manager_cycle")]


async def test_slack_id_of_another_person_in_the_database_is_taken(db: Database) -> None:
    await import_org(db, org(BOSS))

    with pytest.raises(OrgImportError) as caught:
        await import_org(db, org("kim@example.com,金,,,U001,,,,"))

    [error] = caught.value.errors
    assert (error.line, error.reason) == (2, "slack_id_taken")
    assert "boss@example.com" in error.detail
    assert list(await people(db)) == ["boss@example.com"]


async def test_teams_id_of_another_person_in_the_database_is_taken(db: Database) -> None:
    await import_org(db, org(TANAKA.replace("sato@example.com", "", 1)))

    assert await refused(db, org("kim@example.com,金,,,,T003,,,")) == [(2, "teams_id_taken")]


async def test_id_kept_by_an_empty_cell_is_still_taken(db: Database) -> None:
    await import_org(db, org(BOSS.replace(",,admin", ",T001,admin", 1)))

    text = org(
        BOSS.replace("U001", "").replace(",,admin", ",T001,admin", 1),
        "kim@example.com,金,,,U001,,,,",
    )

    assert await refused(db, text) == [(3, "slack_id_taken")]


async def test_inactive_manager_is_unknown(db: Database) -> None:
    await import_org(db, org(BOSS))
    async with db.write() as session:
        boss = (await session.exec(select(Person))).one()
        boss.active = False
        session.add(boss)

    assert await refused(db, org(SATO)) == [(2, "unknown_manager")]


# --- parsing on its own ---------------------------------------------------------------------


def test_parse_normalizes_values() -> None:
    rows = parse_org_csv(
        org(
            " Boss@Example.com ,山田,営業部,,U001,,ADMIN,JA,asia/tokyo",
            '"sato@example.com","佐藤, 花子",営業部,BOSS@example.com,,T2,,en-us,',
        )
    )

    assert [(r.line, r.email, r.role, r.locale, r.timezone) for r in rows] == [
        (2, "boss@example.com", Role.admin, "ja", "Asia/Tokyo"),
        (3, "sato@example.com", Role.member, "en", None),
    ]
    assert rows[1].name == "佐藤, 花子"
    assert rows[1].manager_email == "boss@example.com"
    assert (rows[1].slack_id, rows[1].teams_id) == (None, "T2")


def test_parse_counts_physical_lines() -> None:
    text = HEADER + "\n\n" + GOOD + "\n\nx@example.com,名前,,,,,,,\n"

    with pytest.raises(OrgImportError) as caught:
        parse_org_csv(text)

    assert [(e.line, e.reason) for e in caught.value.errors] == [(5, "no_chat_id")]


def test_parse_reports_a_file_local_cycle_but_not_outside_managers() -> None:
    rows = parse_org_csv(org("a@example.com,A,,elsewhere@example.com,U1,,,,"))
    assert rows[0].manager_email == "elsewhere@example.com"

    with pytest.raises(OrgImportError):
        parse_org_csv(
            org("a@example.com,A,,b@example.com,U1,,,,", "b@example.com,B,,a@example.com,U2,,,,")
        )


def test_long_cycle_is_abbreviated_and_everyone_reported() -> None:
    n = 2_000
    rows = [f"p{i}@example.com,P{i},,p{(i + 1) % n}@example.com,U{i},,,," for i in range(n)]

    with pytest.raises(OrgImportError) as caught:
        parse_org_csv(org(*rows))

    errors = caught.value.errors
    assert len(errors) == n
    assert {e.reason for e in errors} == {"manager_cycle"}
    assert errors[0].detail.endswith("... (1994 more) -> p0@example.com")
    assert len(str(caught.value).splitlines()) == OrgImportError.SHOWN + 2


def test_row_error_text() -> None:
    error = RowError(7, "sato@example.com", "unknown_manager", "ghost@example.com")
    assert str(error) == "line 7 (sato@example.com): unknown_manager — ghost@example.com"
    assert str(RowError(3, "", "missing_email")) == "line 3: missing_email"


def test_empty_file_reports_missing_columns() -> None:
    with pytest.raises(OrgImportError) as caught:
        parse_org_csv("")
    assert {e.reason for e in caught.value.errors} == {"missing_column"}
    assert len(caught.value.errors) == 9
