"""The Block Kit the Slack renderers of the memos notices produced for the shared samples
(tests/features/samples.py), recorded before the notices moved to neutral presenters."""

# Recorded Japanese texts do not wrap at the line limit.
# ruff: noqa: E501

from typing import Any

EXPECTED: dict[tuple[str, str], tuple[str, list[dict[str, Any]]]] = {
    ("MEMO_PARENT", "ja"): (
        "1on1メモ 3月4日(水) 10:30(Sato <lead>さん × Tanaka & Coさん)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":memo: *1on1メモ* ・ 3月4日(水) 10:30\n"
                    "Sato &lt;lead&gt;さん × Tanaka &amp; Coさん",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*今日話したいこと*(メンバーが選んだ話題と、期待する関わり方)\n"
                    "• *キャリア* — ただ聞いてほしい\n"
                    "> Two lines:\n"
                    "> &lt;b&gt; &amp; more\n"
                    "• *自由 &lt;tag&gt;* — アドバイスがほしい",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*前回からのTODO*\n"
                    "• Send the &lt;deck&gt;(担当: Sato &amp; Coさん)\n"
                    "• Book a room(担当: Tanakaさん)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*前回決めた「次回までに意識すること」*\n> Focus on\n> &lt;growth&gt;",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "このスレッドに返信すると、2人で見られるメモとして保存されます(保存されると :memo: "
                        "が付きます)。「次回:」で始めると、次回までに意識することとして残ります。メッセージのメニューの「TODOにする」で、TODOにもできます。",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: "
                        "1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    ("MEMO_PARENT", "en"): (
        "1on1 memo Wed, Mar 4 10:30 (Sato <lead> × Tanaka & Co)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":memo: *1on1 memo* · Wed, Mar 4 10:30\n"
                    "Sato &lt;lead&gt; × Tanaka &amp; Co",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*What we'll talk about* (the member's topics and the "
                    "response they want)\n"
                    "• *Career* — Just listen\n"
                    "> Two lines:\n"
                    "> &lt;b&gt; &amp; more\n"
                    "• *Free &lt;tag&gt;* — Advice",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*TODOs carried over*\n"
                    "• Send the &lt;deck&gt; (owner: Sato &amp; Co)\n"
                    "• Book a room (owner: Tanaka)",
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*What we said to keep in mind until this 1on1*\n"
                    "> Focus on\n"
                    "> &lt;growth&gt;",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Reply in this thread to keep a memo you can both "
                        "see (a :memo: shows it was saved). Start a reply "
                        'with "Next:" to keep it in mind until the next '
                        '1on1. "Make a TODO" in a message\'s menu turns '
                        "it into a TODO.",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: What you share for a 1on1 (topics, memos) "
                        "is visible only to the two of you. It is never "
                        "used for performance evaluation.",
                    }
                ],
            },
        ],
    ),
    ("MEMO_PARENT_EMPTY", "ja"): (
        "1on1メモ 3月4日(水) 10:30(Satoさん × Tanakaさん)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":memo: *1on1メモ* ・ 3月4日(水) 10:30\nSatoさん × Tanakaさん",
                },
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "今回は話したいことが選ばれていません。"}],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "このスレッドに返信すると、2人で見られるメモとして保存されます(保存されると "
                        ":memo: "
                        "が付きます)。「次回:」で始めると、次回までに意識することとして残ります。メッセージのメニューの「TODOにする」で、TODOにもできます。",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: "
                        "1on1の内容(話したいこと・メモ)は、この1on1の2人にだけ表示されます。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    ("MEMO_PARENT_EMPTY", "en"): (
        "1on1 memo Wed, Mar 4 01:30 (Sato × Tanaka)",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":memo: *1on1 memo* · Wed, Mar 4 01:30\nSato × Tanaka",
                },
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "No topics were picked for this 1on1."}],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Reply in this thread to keep a memo you "
                        "can both see (a :memo: shows it was "
                        'saved). Start a reply with "Next:" to keep '
                        'it in mind until the next 1on1. "Make a '
                        "TODO\" in a message's menu turns it into a "
                        "TODO.",
                    }
                ],
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: What you share for a 1on1 (topics, "
                        "memos) is visible only to the two of you. "
                        "It is never used for performance "
                        "evaluation.",
                    }
                ],
            },
        ],
    ),
    ("REFLECTION_REQUEST", "ja"): (
        "Sato <lead>さんとの1on1(3月4日(水) 10:30)のふりかえりをお願いします",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":sparkles: Sato &lt;lead&gt;さんとの1on1(3月4日(水) "
                    "10:30)、おつかれさまでした。話したいことごとに、期待した関わり方をしてもらえたかを教えてください(1分ほどで終わります)。",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "ふりかえる", "emoji": True},
                    "action_id": "reflection_open",
                    "value": "42",
                    "style": "primary",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: 回答がSato "
                        "&lt;lead&gt;さんに個別に表示されることはありません。複数のメンバーの回答がそろったときだけ、誰の回答かわからない形で傾向として伝わります。人事評価には使われません。",
                    }
                ],
            },
        ],
    ),
    ("REFLECTION_REQUEST", "en"): (
        "How was your 1on1 with Sato <lead> (Wed, Mar 4 01:30)?",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":sparkles: Thanks for your 1on1 with Sato "
                    "&lt;lead&gt; (Wed, Mar 4 01:30). For each "
                    "topic, did you get the response you wanted? It "
                    "takes about a minute.",
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Reflect", "emoji": True},
                    "action_id": "reflection_open",
                    "value": "42",
                    "style": "primary",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": ":lock: Sato &lt;lead&gt; never sees your "
                        "answers one by one. Only once several "
                        "members have answered do they see a "
                        "trend, with no way to tell who said what. "
                        "It is never used for performance "
                        "evaluation.",
                    }
                ],
            },
        ],
    ),
    ("REFLECTION_COMMENT", "ja"): (
        "Tanaka & Coさんから1on1についてのコメントが届きました",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":speech_balloon: *Tanaka &amp; Coさん*から、3月4日(水) "
                    "10:30の1on1についてのコメントが届きました。\n"
                    "> It helped.\n"
                    "> &lt;really&gt; &amp; truly",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "メンバーが共有を選んだコメントだけが届きます。点数があなたに共有されることはありません。",
                    }
                ],
            },
        ],
    ),
    ("REFLECTION_COMMENT", "en"): (
        "Tanaka & Co shared a comment on your 1on1",
        [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": ":speech_balloon: *Tanaka &amp; Co* shared a "
                    "comment on the 1on1 of Wed, Mar 4 01:30.\n"
                    "> It helped.\n"
                    "> &lt;really&gt; &amp; truly",
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Only comments members choose to share "
                        "reach you. Their scores are never "
                        "shared.",
                    }
                ],
            },
        ],
    ),
}
