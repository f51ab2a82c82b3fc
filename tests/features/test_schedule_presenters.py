"""The schedule's notices as neutral Messages: what each says, in Japanese and English, which
actions it offers and that the privacy line sits in the tail (never cut by a surface)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import actions
from bot.core.message import (
    Actions,
    Button,
    Heading,
    Lines,
    Message,
    Note,
    Style,
    Text,
    present,
)
from bot.features.picks import pick_lines
from bot.features.schedule import MemberReminder
from bot.i18n import t
from tests.features.schedule_notices import (
    CAREER,
    DIGEST_EMPTY,
    DIGEST_FULL,
    FREE,
    NEW_YORK,
    NUDGE_WITH_NEXT,
    NUDGE_WITHOUT_NEXT,
    REMINDER_TODAY,
    REMINDER_WITH_PICKS,
    REMINDER_WITHOUT_PICKS,
    STARTS,
    STREAK_WITH_HISTORY,
    STREAK_WITHOUT_HISTORY,
    TOKYO,
)

PRIVACY_JA = Note(
    ":lock: 1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。"
    "人事評価には使われません。"
)
PRIVACY_EN = Note(
    ":lock: What you share for a 1on1 (topics, memos) is visible only to the two of you. "
    "It is never used for performance evaluation."
)


def buttons(message: Message) -> list[Button]:
    found: list[Button] = []
    for element in (*message.body, *message.tail):
        if isinstance(element, Actions):
            found += [item for item in element.items if isinstance(item, Button)]
        elif isinstance(element, Text) and element.action is not None:
            found.append(element.action)
    return found


# --- the member's reminder ------------------------------------------------------------------


def test_the_reminder_shows_the_picks_and_open_items_and_offers_to_change_them() -> None:
    message = present(REMINDER_WITH_PICKS, "ja", TOKYO)

    title = ":calendar: 佐藤 &lt;リーダー&gt;さんとの1on1は *明日 10:00* から(30分)です。"
    assert message.fallback == title
    assert message.body == (
        Text(title),
        Note("あなたが選んだ話したいこと:"),
        Lines(pick_lines([CAREER, FREE], "ja")),
        Text("*前回からのアクションアイテム(未完了)*"),
        Lines(("• 資料を&lt;共有&gt;する(田中 &amp; 伊藤)", "• Read the book(Sato)")),
    )
    assert message.tail == (
        Actions((Button("選び直す", actions.OPEN_PICKER, "11"),)),
        PRIVACY_JA,
    )


def test_without_picks_the_reminder_asks_for_them_in_english_too() -> None:
    message = present(REMINDER_WITHOUT_PICKS, "en", NEW_YORK)

    # Monday 21:00 in New York, three days after it was sent: the date, not "tomorrow".
    title = ":calendar: Your 1on1 with Sato is *Mon, Jun 2 at 21:00* (45 min)."
    assert message.fallback == title
    assert message.body[0] == Text(title)
    assert message.body[1] == Text(t("en", "schedule.reminder.no_picks"))
    assert message.body[2] == Text("*Open action items*")
    items = message.body[3]
    assert isinstance(items, Lines)
    # Ten items and a count of the rest.
    assert items.lines[0] == "• item 0 (Sato)"
    assert items.lines[-1] == "…and 2 more"
    assert len(items.lines) == 11
    assert message.tail == (
        Actions((Button("Choose topics", actions.OPEN_PICKER, "12", Style.primary),)),
        PRIVACY_EN,
    )


@pytest.mark.parametrize(
    ("before", "locale", "day"),
    [
        (timedelta(hours=2), "ja", "今日"),
        (timedelta(hours=2), "en", "today"),
        (timedelta(days=1), "ja", "明日"),
        (timedelta(days=1), "en", "tomorrow"),
        (timedelta(days=2), "ja", "6月3日(火)"),
        (timedelta(days=2), "en", "Tue, Jun 3"),
    ],
)
def test_the_reminder_counts_days_from_when_it_arrives(
    before: timedelta, locale: str, day: str
) -> None:
    notice = MemberReminder(
        pair_id=13,
        slot_id=23,
        leader_name="Sato",
        starts_at=STARTS,
        duration_minutes=30,
        picks=(),
        action_items=(),
        sent_at=STARTS - before,
    )

    assert f"*{day} " in present(notice, locale, TOKYO).fallback


def test_a_reminder_without_open_items_has_no_items_title() -> None:
    message = present(REMINDER_TODAY, "ja", TOKYO)

    assert len(message.body) == 2
    assert message.tail[-1] == PRIVACY_JA


# --- the leader's digest ------------------------------------------------------------------------


def test_the_digest_gives_the_leader_the_picks_with_hints_items_focus_and_tips() -> None:
    message = present(DIGEST_FULL, "ja", TOKYO)

    member = "田中 &lt;たなか&gt;"
    assert message.fallback == f"まもなく{member}さんとの1on1です(10:00〜)"
    assert message.body[:4] == (
        # The heading is plain text: the name exactly as written.
        Heading("まもなく 田中 <たなか>さんとの1on1(10:00〜)"),
        Text("10:00から30分。始める前に、少しだけ目を通しておきましょう。"),
        Text(f"*{member}さんが話したいこと* と、期待している関わり方"),
        Lines(pick_lines([CAREER, FREE], "ja", with_hints=True)),
    )
    assert message.body[4:6] == (
        Text("*前回からのアクションアイテム(未完了)*"),
        Lines(("• 資料を&lt;共有&gt;する(田中 &amp; 伊藤)", "• Read the book(Sato)")),
    )
    assert message.body[6] == Text(
        "*前回決めた「次回までに意識すること」*\n"
        "> 相手の話を&lt;最後まで&gt;聞く\n> &amp; 要約して返す"
    )
    assert message.body[7] == Text("*ほかのリーダーのヒント*")
    tips = message.body[8]
    assert isinstance(tips, Lines)
    assert tips.lines[0] == "• *まず&lt;要約&gt;*\n" + "本文" * 149 + "本…"
    assert tips.lines[1] == "• *Ask first*\nShort &amp; sweet"
    assert len(message.body) == 9
    assert message.tail == (
        Actions((Button("1on1を始める(メモを開く)", actions.MEMO_START, "31", Style.primary),)),
        Note(f":lock: この内容はあなたと{member}さんだけが見られます。人事評価には使われません。"),
    )


def test_a_digest_without_picks_suggests_an_opening_question() -> None:
    message = present(DIGEST_EMPTY, "en", NEW_YORK)

    assert message.fallback == "Your 1on1 with Emily starts soon (21:00)"
    assert message.body == (
        Heading("Coming up: 1on1 with Emily (21:00)"),
        Text("21:00, 45 min. Take a moment to look this over before you start."),
        Text(
            "Emily hasn't picked any topics this time. You could open with a question like:\n"
            "> Is there anything you'd like me to do more of, or differently?"
        ),
    )
    assert message.tail == (
        Actions(
            (Button("Start the 1on1 (open the memo)", actions.MEMO_START, "32", Style.primary),)
        ),
        Note(":lock: Only you and Emily can see this. It is never used for evaluation."),
    )


# --- after a skipped 1on1 -----------------------------------------------------------------------


def test_the_nudge_offers_another_time_before_the_next_regular_one() -> None:
    message = present(NUDGE_WITH_NEXT, "ja", TOKYO)

    assert message.fallback.startswith(
        "田中 &lt;たなか&gt;さんとの1on1(6月3日(火) 10:00)は実施できませんでした。"
        "次の定例(6月17日(火) 10:00)"
    )
    assert message.body == (
        Text(message.fallback, Button("別の日時を決める", actions.SLOT_RESCHEDULE, "41")),
    )
    assert message.tail == ()


def test_a_nudge_without_a_next_regular_one() -> None:
    message = present(NUDGE_WITHOUT_NEXT, "en", NEW_YORK)

    assert message.fallback == (
        "Your 1on1 with Sato (Mon, Jun 2 21:00) didn't happen. Could you find even 15 minutes soon?"
    )
    assert buttons(message) == [Button("Pick another time", actions.SLOT_RESCHEDULE, "42")]


def test_the_streak_note_is_for_the_leader_alone_and_offers_the_cadence() -> None:
    message = present(STREAK_WITH_HISTORY, "ja", TOKYO)

    assert message.fallback.startswith("田中 &lt;たなか&gt;さんとの1on1が、3回続けて")
    assert message.fallback.endswith("次回は 6月17日(火) 10:00 の予定です。")
    assert message.body == (
        Text(
            f"{message.fallback}\n最後に実施したのは 4月22日(火) 10:00 です。",
            Button("周期を変更", actions.SCHEDULE_OPEN, "11"),
        ),
    )
    assert message.tail == (Note(":lock: このメッセージはあなたにだけ届いています。"),)


def test_a_streak_note_without_history_in_english() -> None:
    message = present(STREAK_WITHOUT_HISTORY, "en", NEW_YORK)

    assert "haven't happened 2 times in a row" in message.fallback
    text = message.body[0]
    assert isinstance(text, Text)
    assert text.markup.endswith("\nNone has been recorded as held yet.")
    assert buttons(message) == [Button("Change cadence", actions.SCHEDULE_OPEN, "12")]
    assert message.tail == (Note(":lock: Only you receive this message."),)
