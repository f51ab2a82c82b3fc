"""The schedule's notices in Block Kit: their neutral Messages, laid out by the Slack surface,
are exactly the blocks and text the hand-written Slack renderers produced, block for block
(written down from them before they were removed)."""

# Golden blocks: Slack texts read better whole than wrapped.
# ruff: noqa: E501

from __future__ import annotations

from typing import Any

import pytest

import bot.container  # noqa: F401  (imports every feature, so every presenter is registered)
from bot.core.message import present, presented_types
from bot.ports import Notice
from handlers.slack.blocks import context, section
from handlers.slack.message import render_message
from handlers.slack.renderers import render
from tests.features.schedule_notices import (
    DIGEST_EMPTY,
    DIGEST_FULL,
    NEW_YORK,
    NUDGE_WITH_NEXT,
    NUDGE_WITHOUT_NEXT,
    REMINDER_TODAY,
    REMINDER_TOO_LONG,
    REMINDER_WITH_PICKS,
    REMINDER_WITHOUT_PICKS,
    STREAK_WITH_HISTORY,
    STREAK_WITHOUT_HISTORY,
    TOKYO,
)

TIP_BODY = "本文" * 149 + "本…"  # a tip body is cut at 300 characters

CASES: list[tuple[str, Notice, str, str, str, list[dict[str, Any]]]] = [
    (
        "reminder_with_picks",
        REMINDER_WITH_PICKS,
        "ja",
        TOKYO,
        ":calendar: 佐藤 &lt;リーダー&gt;さんとの1on1は *明日 10:00* から(30分)です。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":calendar: 佐藤 &lt;リーダー&gt;さんとの1on1は *明日 10:00* から(30分)です。",
                },
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "あなたが選んだ話したいこと:"}],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• *キャリア* — ただ聞いてほしい\n> 転職 &lt;考えて&gt; います\n> &amp; 迷っています\n• *&lt;自由&gt;な話題* — アドバイスがほしい",
                },
            },
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "*前回からのアクションアイテム(未完了)*"},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• 資料を&lt;共有&gt;する(田中 &amp; 伊藤)\n• Read the book(Sato)",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "選び直す", "emoji": True},
                        "action_id": "open_picker",
                        "value": "11",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: 1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    (
        "reminder_without_picks",
        REMINDER_WITHOUT_PICKS,
        "en",
        NEW_YORK,
        ":calendar: Your 1on1 with Sato is *Mon, Jun 2 at 21:00* (45 min).",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":calendar: Your 1on1 with Sato is *Mon, Jun 2 at 21:00* (45 min).",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "You haven't picked what to talk about, or the response you'd like from your leader, yet. It takes a minute and makes the conversation much easier.",
                },
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Open action items*"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• item 0 (Sato)\n• item 1 (Sato)\n• item 2 (Sato)\n• item 3 (Sato)\n• item 4 (Sato)\n• item 5 (Sato)\n• item 6 (Sato)\n• item 7 (Sato)\n• item 8 (Sato)\n• item 9 (Sato)\n…and 2 more",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Choose topics", "emoji": True},
                        "action_id": "open_picker",
                        "value": "12",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: What you share for a 1on1 (topics, memos) is visible only to the two of you. It is never used for performance evaluation.",
                    }
                ],
            },
        ],
    ),
    (
        "reminder_today",
        REMINDER_TODAY,
        "ja",
        TOKYO,
        ":calendar: Satoさんとの1on1は *今日 10:00* から(30分)です。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":calendar: Satoさんとの1on1は *今日 10:00* から(30分)です。",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "話したいことと、リーダーに期待する関わり方をまだ選んでいません。1分で選べます。選んでおくと、1on1がぐっと話しやすくなります。",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "話したいことを選ぶ", "emoji": True},
                        "action_id": "open_picker",
                        "value": "13",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: 1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    (
        "digest_full",
        DIGEST_FULL,
        "ja",
        TOKYO,
        "まもなく田中 &lt;たなか&gt;さんとの1on1です(10:00〜)",
        [
            {
                "type": "header",
                "text": {
                    "type": "plain_text",
                    "text": "まもなく 田中 <たなか>さんとの1on1(10:00〜)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "10:00から30分。始める前に、少しだけ目を通しておきましょう。",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*田中 &lt;たなか&gt;さんが話したいこと* と、期待している関わり方",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• *キャリア* — ただ聞いてほしい\n> 転職 &lt;考えて&gt; います\n> &amp; 迷っています\n_関わり方のヒント: 途中で助言せず最後まで聞きましょう。返す前に「つまり〜ということですね」と要約して受け止めます。_\n• *&lt;自由&gt;な話題* — アドバイスがほしい\n_関わり方のヒント: まず本人がすでに試したことを聞き、そのうえで具体的な案を一つに絞って伝えましょう。ご自身の失敗談も参考になります。_",
                },
            },
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "*前回からのアクションアイテム(未完了)*"},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• 資料を&lt;共有&gt;する(田中 &amp; 伊藤)\n• Read the book(Sato)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*前回決めた「次回までに意識すること」*\n> 相手の話を&lt;最後まで&gt;聞く\n> &amp; 要約して返す",
                },
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": "*ほかのリーダーのヒント*"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• *まず&lt;要約&gt;*\n"
                    + TIP_BODY
                    + "\n• *Ask first*\nShort &amp; sweet",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": "1on1を始める(メモを開く)",
                            "emoji": True,
                        },
                        "action_id": "memo_start",
                        "value": "31",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: この内容はあなたと田中 &lt;たなか&gt;さんだけが見られます。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    (
        "digest_empty",
        DIGEST_EMPTY,
        "en",
        NEW_YORK,
        "Your 1on1 with Emily starts soon (21:00)",
        [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "Coming up: 1on1 with Emily (21:00)"},
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "21:00, 45 min. Take a moment to look this over before you start.",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Emily hasn't picked any topics this time. You could open with a question like:\n> Is there anything you'd like me to do more of, or differently?",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {
                            "type": "plain_text",
                            "text": "Start the 1on1 (open the memo)",
                            "emoji": True,
                        },
                        "action_id": "memo_start",
                        "value": "32",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: Only you and Emily can see this. It is never used for evaluation.",
                    }
                ],
            },
        ],
    ),
    (
        "nudge_with_next",
        NUDGE_WITH_NEXT,
        "ja",
        TOKYO,
        "田中 &lt;たなか&gt;さんとの1on1(6月3日(火) 10:00)は実施できませんでした。次の定例(6月17日(火) 10:00)を待たずに、今回の周期のうちに15分だけでも時間を取りませんか？",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "田中 &lt;たなか&gt;さんとの1on1(6月3日(火) 10:00)は実施できませんでした。次の定例(6月17日(火) 10:00)を待たずに、今回の周期のうちに15分だけでも時間を取りませんか？",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "別の日時を決める", "emoji": True},
                    "action_id": "slot_reschedule",
                    "value": "41",
                },
            }
        ],
    ),
    (
        "nudge_without_next",
        NUDGE_WITHOUT_NEXT,
        "en",
        NEW_YORK,
        "Your 1on1 with Sato (Mon, Jun 2 21:00) didn't happen. Could you find even 15 minutes soon?",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Your 1on1 with Sato (Mon, Jun 2 21:00) didn't happen. Could you find even 15 minutes soon?",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Pick another time", "emoji": True},
                    "action_id": "slot_reschedule",
                    "value": "42",
                },
            }
        ],
    ),
    (
        "streak_with_history",
        STREAK_WITH_HISTORY,
        "ja",
        TOKYO,
        "田中 &lt;たなか&gt;さんとの1on1が、3回続けて実施できていないようです。忙しい時期は、15分の短い1on1でも十分効果があります。次回は 6月17日(火) 10:00 の予定です。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "田中 &lt;たなか&gt;さんとの1on1が、3回続けて実施できていないようです。忙しい時期は、15分の短い1on1でも十分効果があります。次回は 6月17日(火) 10:00 の予定です。\n最後に実施したのは 4月22日(火) 10:00 です。",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "周期を変更", "emoji": True},
                    "action_id": "schedule_open",
                    "value": "11",
                },
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": ":lock: このメッセージはあなたにだけ届いています。"}
                ],
            },
        ],
    ),
    (
        "streak_without_history",
        STREAK_WITHOUT_HISTORY,
        "en",
        NEW_YORK,
        "Your 1on1s with Emily haven't happened 2 times in a row. In busy weeks, even a 15-minute 1on1 helps. The next one isn't scheduled yet.",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Your 1on1s with Emily haven't happened 2 times in a row. In busy weeks, even a 15-minute 1on1 helps. The next one isn't scheduled yet.\nNone has been recorded as held yet.",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Change cadence", "emoji": True},
                    "action_id": "schedule_open",
                    "value": "12",
                },
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": ":lock: Only you receive this message."}],
            },
        ],
    ),
]


@pytest.mark.parametrize(
    ("notice", "locale", "timezone", "text", "blocks"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_slack_message_is_block_for_block_what_it_was(
    notice: Notice, locale: str, timezone: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    assert type(notice) in presented_types()
    assert render_message(present(notice, locale, timezone)) == (text, blocks)
    # ... and that is what the Slack messenger sends.
    rendered = render(notice, locale, timezone)
    assert rendered.text == text
    assert rendered.blocks == blocks


def test_a_reminder_too_long_for_one_message_is_cut_in_its_body_never_in_its_tail() -> None:
    text, blocks = render_message(present(REMINDER_TOO_LONG, "ja", TOKYO))

    # Each pick (with its long note) fills a section of its own; 50 blocks at most, the
    # button and the privacy line always last.
    picks = [section(f"• *話題{i}* — アドバイスがほしい\n> " + "あ" * 2000) for i in range(60)]
    body = [
        section(":calendar: Satoさんとの1on1は *明日 10:00* から(30分)です。"),
        context("あなたが選んだ話したいこと:"),
        *picks,
    ]
    tail = [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "選び直す", "emoji": True},
                    "action_id": "open_picker",
                    "value": "14",
                }
            ],
        },
        context(
            ":lock: 1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。人事評価には使われません。"
        ),
    ]
    assert text == ":calendar: Satoさんとの1on1は *明日 10:00* から(30分)です。"
    assert len(blocks) == 50
    assert blocks == body[:48] + tail
