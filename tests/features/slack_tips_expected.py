"""The Block Kit the Slack renderers of the tips notices produced for the shared samples
(tests/features/samples.py), recorded before the notices moved to neutral presenters."""

# Recorded Japanese texts do not wrap at the line limit.
# ruff: noqa: E501

from typing import Any

EXPECTED: dict[tuple[str, str], tuple[str, list[dict[str, Any]]]] = {
    ("TIP_POST", "ja"): (
        "リーダーのヒント: Ask <first>",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "テーマ: キャリア ・ 関わり方: ただ聞いてほしい ・ Sato &lt;lead&gt;さん ・ "
                        ":bulb: 参考になった 3",
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": "tips_actions_5",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "参考になった 3", "emoji": True},
                        "action_id": "tips_helpful",
                        "value": "5",
                    },
                    {
                        "type": "overflow",
                        "action_id": "tips_menu",
                        "options": [
                            {
                                "text": {"type": "plain_text", "text": "編集する", "emoji": True},
                                "value": "edit:5",
                            },
                            {
                                "text": {"type": "plain_text", "text": "削除する", "emoji": True},
                                "value": "delete:5",
                            },
                        ],
                    },
                ],
            },
        ],
    ),
    ("TIP_POST", "en"): (
        "A leader's tip: Ask <first>",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Topic: Career ・ Response: Just listen ・ by Sato "
                        "&lt;lead&gt; ・ :bulb: Helpful 3",
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": "tips_actions_5",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Helpful 3", "emoji": True},
                        "action_id": "tips_helpful",
                        "value": "5",
                    },
                    {
                        "type": "overflow",
                        "action_id": "tips_menu",
                        "options": [
                            {
                                "text": {"type": "plain_text", "text": "Edit", "emoji": True},
                                "value": "edit:5",
                            },
                            {
                                "text": {"type": "plain_text", "text": "Delete", "emoji": True},
                                "value": "delete:5",
                            },
                        ],
                    },
                ],
            },
        ],
    ),
    ("TIP_POST_STARTER", "ja"): (
        "リーダーのヒント: Ask <first>",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "テーマ: Own &lt;topic&gt; ・ はじめてのヒント(同梱) ・ "
                        ":bulb: 参考になった 3",
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": "tips_actions_6",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "参考になった 3", "emoji": True},
                        "action_id": "tips_helpful",
                        "value": "6",
                    },
                    {
                        "type": "overflow",
                        "action_id": "tips_menu",
                        "options": [
                            {
                                "text": {"type": "plain_text", "text": "編集する", "emoji": True},
                                "value": "edit:6",
                            },
                            {
                                "text": {"type": "plain_text", "text": "削除する", "emoji": True},
                                "value": "delete:6",
                            },
                        ],
                    },
                ],
            },
        ],
    ),
    ("TIP_POST_STARTER", "en"): (
        "A leader's tip: Ask <first>",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Topic: Own &lt;topic&gt; ・ Starter tip "
                        "(shipped) ・ :bulb: Helpful 3",
                    }
                ],
            },
            {
                "type": "actions",
                "block_id": "tips_actions_6",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Helpful 3", "emoji": True},
                        "action_id": "tips_helpful",
                        "value": "6",
                    },
                    {
                        "type": "overflow",
                        "action_id": "tips_menu",
                        "options": [
                            {
                                "text": {"type": "plain_text", "text": "Edit", "emoji": True},
                                "value": "edit:6",
                            },
                            {
                                "text": {"type": "plain_text", "text": "Delete", "emoji": True},
                                "value": "delete:6",
                            },
                        ],
                    },
                ],
            },
        ],
    ),
    ("TIP_GONE", "ja"): (
        "このヒントは削除されました。",
        [
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "このヒントは削除されました。"}],
            }
        ],
    ),
    ("TIP_GONE", "en"): (
        "This tip was deleted.",
        [{"type": "context", "elements": [{"type": "mrkdwn", "text": "This tip was deleted."}]}],
    ),
    ("TIP_SHARED", "ja"): (
        ":white_check_mark: ヒント「Ask &lt;first&gt;」を <#C0TIPS> に共有しました。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: ヒント「Ask &lt;first&gt;」を <#C0TIPS> "
                    "に共有しました。",
                },
            }
        ],
    ),
    ("TIP_SHARED", "en"): (
        ":white_check_mark: Your tip “Ask &lt;first&gt;” is shared in <#C0TIPS>.",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: Your tip “Ask &lt;first&gt;” is "
                    "shared in <#C0TIPS>.",
                },
            }
        ],
    ),
    ("TIP_NOT_SHARED", "ja"): (
        ":warning: ヒント「Ask &lt;first&gt;」は保存しましたが、ボットが <#C0TIPS> "
        "に参加していないため投稿できませんでした。チャンネルで `/invite @1on1` "
        "を実行してボットを招待してから、下のボタンを押してください。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":warning: ヒント「Ask &lt;first&gt;」は保存しましたが、ボットが "
                    "<#C0TIPS> に参加していないため投稿できませんでした。チャンネルで `/invite "
                    "@1on1` を実行してボットを招待してから、下のボタンを押してください。",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "もう一度投稿する", "emoji": True},
                        "action_id": "tips_post_again",
                        "value": "5",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "ヒントは保存済みで、`/1on1 tips` からも探せます。"}
                ],
            },
        ],
    ),
    ("TIP_NOT_SHARED", "en"): (
        ":warning: Your tip “Ask &lt;first&gt;” is saved, but the bot is not a "
        "member of <#C0TIPS>, so it couldn't be posted. Invite the bot by "
        "typing `/invite @1on1` in that channel, then press the button below.",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":warning: Your tip “Ask &lt;first&gt;” is saved, "
                    "but the bot is not a member of <#C0TIPS>, so it "
                    "couldn't be posted. Invite the bot by typing "
                    "`/invite @1on1` in that channel, then press the "
                    "button below.",
                },
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Post again", "emoji": True},
                        "action_id": "tips_post_again",
                        "value": "5",
                        "style": "primary",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Your tip is saved and can be found with `/1on1 tips`.",
                    }
                ],
            },
        ],
    ),
    ("TIPS_WELCOME", "ja"): (
        ":wave: このチャンネルに、リーダーの「1on1でうまくいった工夫」が共有されます。毎週月曜 "
        "09:00(Asia/Tokyo)、その週に参考になったヒントをまとめてお届けします。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":wave: このチャンネルに、リーダーの「1on1でうまくいった工夫」が共有されます。毎週月曜 "
                    "09:00(Asia/Tokyo)、その週に参考になったヒントをまとめてお届けします。",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "ヒントを書く: `/1on1 tip` ・ ヒントを探す: `/1on1 tips 言葉` ・ "
                        "役立ったヒントには「参考になった」を押してください。",
                    }
                ],
            },
        ],
    ),
    ("TIPS_WELCOME", "en"): (
        ":wave: Leaders share what worked in their 1on1s in this channel. Every "
        "Monday at 09:00 (Asia/Tokyo), the week's most helpful tips are "
        "collected here.",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":wave: Leaders share what worked in their 1on1s in "
                    "this channel. Every Monday at 09:00 (Asia/Tokyo), "
                    "the week's most helpful tips are collected here.",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Write a tip: `/1on1 tip` · Find tips: `/1on1 "
                        "tips words` · Press “Helpful” on the ones that "
                        "help you.",
                    }
                ],
            },
        ],
    ),
    ("CONFIG_SAVED_CHECK", "ja"): (
        ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: <#C0TIPS> ・ 週次まとめ: 毎週月曜 "
        "09:00(Asia/Tokyo)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: "
                    "<#C0TIPS> ・ 週次まとめ: 毎週月曜 09:00(Asia/Tokyo)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":warning: ボットが <#C0TIPS> "
                    "に参加していないため、投稿できません。チャンネルで `/invite @1on1` "
                    "を実行してボットを招待してください。",
                },
            },
        ],
    ),
    ("CONFIG_SAVED_CHECK", "en"): (
        ":white_check_mark: Tips settings saved. Channel: <#C0TIPS> · "
        "Weekly digest: Every Monday at 09:00 (Asia/Tokyo)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: Tips settings saved. "
                    "Channel: <#C0TIPS> · Weekly digest: Every "
                    "Monday at 09:00 (Asia/Tokyo)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":warning: The bot is not a member of "
                    "<#C0TIPS>, so it can't post there. Invite it "
                    "by typing `/invite @1on1` in that channel.",
                },
            },
        ],
    ),
    ("CONFIG_SAVED_PENDING", "ja"): (
        ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: <#C0TIPS> ・ 週次まとめ: "
        "毎週月曜 09:00(Asia/Tokyo)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: "
                    "<#C0TIPS> ・ 週次まとめ: 毎週月曜 09:00(Asia/Tokyo)",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "投稿を待っていたヒント2件を共有チャンネルに投稿しました。",
                    }
                ],
            },
        ],
    ),
    ("CONFIG_SAVED_PENDING", "en"): (
        ":white_check_mark: Tips settings saved. Channel: <#C0TIPS> · "
        "Weekly digest: Every Monday at 09:00 (Asia/Tokyo)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: Tips settings saved. "
                    "Channel: <#C0TIPS> · Weekly digest: Every "
                    "Monday at 09:00 (Asia/Tokyo)",
                },
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Posted 2 tips that were waiting for a channel."}
                ],
            },
        ],
    ),
    ("CONFIG_SAVED_NO_CHANNEL", "ja"): (
        ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: 未設定 ・ 週次まとめ: 毎週金曜 "
        "17:30(UTC)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: "
                    "未設定 ・ 週次まとめ: 毎週金曜 17:30(UTC)",
                },
            }
        ],
    ),
    ("CONFIG_SAVED_NO_CHANNEL", "en"): (
        ":white_check_mark: Tips settings saved. Channel: not set · "
        "Weekly digest: Every Friday at 17:30 (UTC)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":white_check_mark: Tips settings saved. "
                    "Channel: not set · Weekly digest: Every "
                    "Friday at 17:30 (UTC)",
                },
            }
        ],
    ),
    ("TIPS_WEEKLY", "ja"): (
        "今週のヒント(2月23日〜3月1日)",
        [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "今週のヒント(2月23日〜3月1日)"},
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "今週共有されたヒントを、参考になった数の多い順にお届けします。",
                    }
                ],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\n"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "テーマ: キャリア ・ 関わり方: ただ聞いてほしい ・ Sato &lt;lead&gt;さん "
                        "・ :bulb: 参考になった 3",
                    }
                ],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "テーマ: Own &lt;topic&gt; ・ はじめてのヒント(同梱) ・ :bulb: "
                        "参考になった 3",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "役立ったヒントには「参考になった」を押すと、書いた人に届きます。ヒントを探す: `/1on1 "
                        "tips 言葉`",
                    }
                ],
            },
        ],
    ),
    ("TIPS_WEEKLY", "en"): (
        "This week's tips (2/23–3/1)",
        [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": "This week's tips (2/23–3/1)"},
            },
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "The tips shared this week, most helpful first."}
                ],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\n"
                    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Topic: Career ・ Response: Just listen ・ by Sato "
                        "&lt;lead&gt; ・ :bulb: Helpful 3",
                    }
                ],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Topic: Own &lt;topic&gt; ・ Starter tip (shipped) "
                        "・ :bulb: Helpful 3",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Press “Helpful” on a tip that helped you; its "
                        "author hears about it. Find tips: `/1on1 tips "
                        "words`",
                    }
                ],
            },
        ],
    ),
    ("TIP_THANKS", "ja"): (
        ":sparkles: 今週、あなたのヒントに「参考になった」が4件つきました。ありがとうございます。",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":sparkles: 今週、あなたのヒントに「参考になった」が4件つきました。ありがとうございます。",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• Ask &lt;first&gt; … 3件\n• Listen &amp; wait … 1件",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "あなたの工夫が、他のリーダーの1on1に役立っています。また気づいたことがあれば `/1on1 "
                        "tip` で共有してください。",
                    }
                ],
            },
        ],
    ),
    ("TIP_THANKS", "en"): (
        ":sparkles: This week your tips were marked helpful 4 times. Thank you!",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":sparkles: This week your tips were marked helpful 4 "
                    "times. Thank you!",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "• Ask &lt;first&gt; … 3\n• Listen &amp; wait … 1",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "What you shared is helping other leaders' 1on1s. "
                        "Share the next thing you notice with `/1on1 "
                        "tip`.",
                    }
                ],
            },
        ],
    ),
}
