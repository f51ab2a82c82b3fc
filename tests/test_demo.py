"""`make demo` is a contract (README, DESIGN.md): it must keep running the whole cycle."""

from __future__ import annotations

from bot.demo import run_demo


async def test_the_demo_runs_the_whole_cycle() -> None:
    lines: list[str] = []

    assert await run_demo(out=lines.append) == 0

    transcript = "\n".join(lines)
    assert "DEMO FAILED" not in transcript
    for step in (
        # picks (a member picks two topics with different expectations; the leader sees them)
        "ticks 商談の進め方 and キャリア",
        "(the leader) gets one notice right away",
        "topics, expected responses and hints",
        # the recurring slot: cadence, reminder, digest, did it happen, moved
        "the cadence modal, pre-filled with every other week, 30 min",
        "田中's reminder",
        "佐藤's digest, the picks with a hint for each response",
        "presses [実施した]",
        "presses [日時を変更した]",
        # memo thread, TODO, reflection, insight
        "the bot opens a group DM of 佐藤, 田中 and itself",
        "「TODOにする」",
        "田中 presses [ふりかえる]",
        "his insight",
        # tips
        "the tip appears in #managers",
        "searches `/1on1 tips キャリア`",
        "鈴木's digest before that 1on1",
        # English is complete
        "How to use the 1on1 bot",
    ):
        assert step in transcript, step
    assert transcript.rstrip().endswith("デモ完了 / demo finished.")
