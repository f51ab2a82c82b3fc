"""The benchmarks still run end to end (tiny sizes; their speed is not checked here)."""

from __future__ import annotations

import pytest

from bench import bench_org_import, bench_slash_command, bench_teams_command
from tests.schemas import validate_adaptive_card


def test_slash_command_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench_slash_command.main(
        [
            "--people",
            "60",
            "--slots",
            "300",
            "--requests",
            "40",
            "--concurrency",
            "4",
            "--pool",
            "20",
            "--leaders",
            "0.1",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "ratio (ours/bare):" in out
    assert "300 past slots" in out
    assert "verdict:" in out


def test_org_import_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench_org_import.main(["--people", "50"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "first import" in out


def test_fuzz_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import bench_fuzz

    status = bench_fuzz.main(["--requests", "200", "--seed", "3"])

    out = capsys.readouterr().out
    assert "200 requests" in out
    assert "5xx 0, 404 from a lost ack 0, tracebacks 0" in out
    assert status == 0


def test_teams_command_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    status = bench_teams_command.main(
        [
            "--people",
            "40",
            "--slots",
            "60",
            "--requests",
            "16",
            "--concurrency",
            "4",
            "--pool",
            "8",
            "--rounds",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"command: {bench_teams_command.COMMAND!r}" in out
    assert "8 of them on Teams, 60 past slots" in out
    assert "reply_to_activity 1.00" in out
    assert "ratio (ours/bare):" in out
    assert "verdict:" in out


def test_the_bare_teams_bots_card_is_a_valid_card() -> None:
    validate_adaptive_card(bench_teams_command.bare_card("1on1ボットの使い方"))
