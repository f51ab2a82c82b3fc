"""The picks as lines of Markup, the same wherever they are shown."""

from __future__ import annotations

from bot.catalog import Expectation
from bot.features.picks import Pick, pick_lines

CAREER = Pick(
    topic_id=1,
    topic_key="career",
    label_ja="キャリア",
    label_en="Career",
    expectation=Expectation.LISTEN,
    note="転職 <考えて> います\n& 迷っています",
)
FREE = Pick(
    topic_id=None,
    topic_key=None,
    label_ja="<自由>な話題",
    label_en="<自由>な話題",
    expectation=Expectation.ADVICE,
    note=None,
    free=True,
)


def test_a_line_per_pick_with_the_note_quoted_and_escaped() -> None:
    assert pick_lines([CAREER, FREE], "ja") == (
        "• *キャリア* — ただ聞いてほしい\n> 転職 &lt;考えて&gt; います\n> &amp; 迷っています",
        "• *&lt;自由&gt;な話題* — アドバイスがほしい",
    )


def test_english_labels_and_the_leaders_hints() -> None:
    lines = pick_lines([CAREER, FREE], "en", with_hints=True)

    assert lines[0].startswith("• *Career* — Just listen\n> 転職 &lt;考えて&gt; います\n")
    assert lines[0].endswith(
        "\n_How to respond: Let them finish and hold back advice. "
        "Before you reply, sum up what you heard in your own words._"
    )
    assert lines[1].startswith("• *&lt;自由&gt;な話題* — Advice\n_How to respond: Ask first")


def test_no_picks_no_lines() -> None:
    assert pick_lines([], "ja") == ()
