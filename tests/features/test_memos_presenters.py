"""The memos feature's neutral messages, and their Block Kit (the same as before they moved)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import bot.features.memos  # noqa: F401  (registers the presenters)
from bot.core import actions
from bot.core.message import Button, Lines, Message, Note, Style, Text, present
from bot.features.memos import OpenActionItem
from bot.i18n import t
from handlers.slack.blocks import MAX_MESSAGE_BLOCKS, context, lines_as_sections, section
from handlers.slack.message import render_message
from tests.features import samples
from tests.features.slack_memos_expected import EXPECTED

TOKYO = "Asia/Tokyo"
LONDON = "Europe/London"


def test_memo_parent_in_japanese() -> None:
    message = present(samples.MEMO_PARENT, "ja", LONDON)

    assert message.fallback == "1on1メモ 3月4日(水) 10:30(Sato <lead>さん × Tanaka & Coさん)"
    title, picks, todos, focus = message.body
    # The notice's own time zone wins over the reader's.
    assert title == Text(
        ":memo: *1on1メモ* ・ 3月4日(水) 10:30\nSato &lt;lead&gt;さん × Tanaka &amp; Coさん"
    )
    assert picks == Lines(
        (
            "*今日話したいこと*(メンバーが選んだ話題と、期待する関わり方)",
            "• *キャリア* — ただ聞いてほしい\n> Two lines:\n> &lt;b&gt; &amp; more",
            "• *自由 &lt;tag&gt;* — アドバイスがほしい",
        )
    )
    assert todos == Lines(
        (
            "*前回からのTODO*",
            "• Send the &lt;deck&gt;(担当: Sato &amp; Coさん)",
            "• Book a room(担当: Tanakaさん)",
        ),
        max_parts=20,
    )
    assert focus == Text("*前回決めた「次回までに意識すること」*\n> Focus on\n> &lt;growth&gt;")
    assert message.tail == (
        Note(t("ja", "memo.parent_howto")),
        Note(
            ":lock: 1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。"
            "人事評価には使われません。"
        ),
    )


def test_memo_parent_in_english_without_picks_todos_or_focus() -> None:
    message = present(samples.MEMO_PARENT_EMPTY, "en", LONDON)

    # No time zone of its own: the reader's.
    assert message.fallback == "1on1 memo Wed, Mar 4 01:30 (Sato × Tanaka)"
    assert message.body == (
        Text(":memo: *1on1 memo* · Wed, Mar 4 01:30\nSato × Tanaka"),
        Note("No topics were picked for this 1on1."),
    )
    assert message.tail[-1] == Note(
        ":lock: What you share for a 1on1 (topics, memos) is visible only to the two of you. "
        "It is never used for performance evaluation."
    )


def test_memo_parent_cuts_long_notes_and_todos_before_escaping() -> None:
    pick = replace(samples.PICKS[0], note="&" * 600)
    item = OpenActionItem(id=1, text="<" * 400, owner_id=1, owner_name="A")
    notice = replace(samples.MEMO_PARENT, picks=(pick,), open_items=(item,))

    _, picks, todos, _ = present(notice, "en", TOKYO).body

    assert isinstance(picks, Lines)
    assert isinstance(todos, Lines)
    assert picks.lines[1].endswith("> " + "&amp;" * 499 + "…")
    assert todos.lines[1] == "• " + "&lt;" * 299 + "… (owner: A)"


def test_reflection_request_in_both_languages() -> None:
    ja = present(samples.REFLECTION_REQUEST, "ja", TOKYO)
    en = present(samples.REFLECTION_REQUEST, "en", LONDON)

    button = Button("ふりかえる", actions.REFLECTION_OPEN, "42", Style.primary)
    assert ja.fallback == "Sato <lead>さんとの1on1(3月4日(水) 10:30)のふりかえりをお願いします"
    assert ja.body == (
        Text(
            ":sparkles: Sato &lt;lead&gt;さんとの1on1(3月4日(水) 10:30)、おつかれさまでした。"
            "話したいことごとに、期待した関わり方をしてもらえたかを教えてください(1分ほどで終わります)。",
            button,
        ),
    )
    assert ja.tail == (
        Note(
            ":lock: 回答がSato &lt;lead&gt;さんに個別に表示されることはありません。"
            "複数のメンバーの回答がそろったときだけ、誰の回答かわからない形で傾向として伝わります。"
            "人事評価には使われません。"
        ),
    )
    assert en.fallback == "How was your 1on1 with Sato <lead> (Wed, Mar 4 01:30)?"
    (ask,) = en.body
    assert isinstance(ask, Text)
    assert ask.markup.startswith(":sparkles: Thanks for your 1on1 with Sato &lt;lead&gt; (Wed")
    assert ask.action == Button("Reflect", actions.REFLECTION_OPEN, "42", Style.primary)
    assert en.tail == (
        Note(
            ":lock: Sato &lt;lead&gt; never sees your answers one by one. Only once several "
            "members have answered do they see a trend, with no way to tell who said what. "
            "It is never used for performance evaluation."
        ),
    )


def test_reflection_comment_in_both_languages() -> None:
    ja = present(samples.REFLECTION_COMMENT, "ja", TOKYO)
    en = present(samples.REFLECTION_COMMENT, "en", LONDON)

    assert ja.fallback == "Tanaka & Coさんから1on1についてのコメントが届きました"
    assert ja.body == (
        Text(
            ":speech_balloon: *Tanaka &amp; Coさん*から、3月4日(水) 10:30の1on1についての"
            "コメントが届きました。\n> It helped.\n> &lt;really&gt; &amp; truly"
        ),
    )
    assert ja.tail == (
        Note(
            "メンバーが共有を選んだコメントだけが届きます。点数があなたに共有されることはありません。"
        ),
    )
    assert en.fallback == "Tanaka & Co shared a comment on your 1on1"
    assert en.body == (
        Text(
            ":speech_balloon: *Tanaka &amp; Co* shared a comment on the 1on1 of "
            "Wed, Mar 4 01:30.\n> It helped.\n> &lt;really&gt; &amp; truly"
        ),
    )
    assert en.tail == (
        Note("Only comments members choose to share reach you. Their scores are never shared."),
    )


# --- Slack: the same blocks as the renderers these presenters replaced ---------------------------


@pytest.mark.parametrize(("name", "locale"), sorted(EXPECTED))
def test_slack_blocks_are_unchanged(name: str, locale: str) -> None:
    timezone = TOKYO if locale == "ja" else LONDON
    message = present(getattr(samples, name), locale, timezone)

    assert render_message(message) == EXPECTED[(name, locale)]


def _rendered(message: Message) -> list[dict[str, object]]:
    return render_message(message)[1]


def test_slack_memo_parent_shows_at_most_twenty_parts_of_todos() -> None:
    items = tuple(
        OpenActionItem(id=i, text=f"{i:03} " + "x" * 396, owner_id=1, owner_name="A")
        for i in range(300)
    )
    notice = replace(samples.MEMO_PARENT_EMPTY, open_items=items)

    blocks = _rendered(present(notice, "en", TOKYO))

    todo_lines = [t("en", "memo.parent_todos")] + [
        f"• {item.text[:299]}… (owner: A)" for item in items
    ]
    assert blocks == [
        section(":memo: *1on1 memo* · Wed, Mar 4 10:30\nSato × Tanaka"),
        context(t("en", "memo.parent_no_picks")),
        *lines_as_sections(todo_lines)[:20],
        context(t("en", "memo.parent_howto")),
        context(t("en", "privacy.notice")),
    ]


def test_slack_memo_parent_cuts_many_picks_and_keeps_the_privacy_line() -> None:
    pick = replace(samples.PICKS[0], note="n" * 600)
    notice = replace(samples.MEMO_PARENT_EMPTY, picks=(pick,) * 400)

    blocks = _rendered(present(notice, "ja", TOKYO))

    assert len(blocks) == MAX_MESSAGE_BLOCKS
    pick_line = "• *キャリア* — ただ聞いてほしい\n> " + "n" * 499 + "…"
    picks = lines_as_sections([t("ja", "memo.parent_picks"), *[pick_line] * 400])
    assert blocks[1:48] == picks[:47]
    assert blocks[-2:] == [
        context(t("ja", "memo.parent_howto")),
        context(t("ja", "privacy.notice")),
    ]
