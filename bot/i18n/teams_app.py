"""What the Teams app package says about the bot (the app's name and descriptions in the Teams
store and admin center, the command menu), Japanese and English side by side (merged in
ja.py/en.py). Limits from the manifest schema: short name 30, full name 100, short description
80, full description 4000, command description 128 characters."""

# ruff: noqa: E501  (one sentence per line reads better than wrapped literals)

JA: dict[str, str] = {
    "teams_app.name.short": "1on1",
    "teams_app.name.full": "1on1 ミーティング支援",
    "teams_app.description.short": "話したいテーマと求める関わり方を選び、1on1を実りあるものに",
    "teams_app.description.full": "リーダーとメンバーの1on1を支えるボットです。メンバーは1on1の前に「話したいテーマ」と「リーダーに求める関わり方」(助言がほしい、一緒に考えてほしい、聞いてほしいなど)を選び、リーダーは直前に要点とほかのリーダーのヒントを受け取ります。メモとTODOは二人だけが見られる場所に残り、終了後の振り返りからリーダー自身の強みと課題がわかります。1on1の内容は二人以外には見えず、人事評価には使われません。人事が見られるのは実施率などの集計だけです。",
    "teams_app.command.1on1": "次の1on1の準備(話したいテーマと求める関わり方を選ぶ)",
    "teams_app.command.home": "次の1on1、準備の状況、未完了のTODOをまとめて見る",
    "teams_app.command.help": "使い方を表示する",
    "teams_app.command.memo": "1on1のメモとTODOを開く(二人だけが見られます)",
    "teams_app.command.schedule": "1on1の予定と頻度を確認・変更する",
    "teams_app.command.tip": "うまくいった1on1の工夫をリーダー同士で共有する",
    "teams_app.command.tips": "他のリーダーのヒントを探す(例: tips 傾聴)",
    "teams_app.command.config": "ヒントの共有チャネルなどを設定する(管理者のみ)",
    "teams_app.action.make_todo": "TODOにする",
    "teams_app.action.make_todo.description": "1on1のメモのメッセージから、担当者と内容を決めてTODOを作ります",
}

EN: dict[str, str] = {
    "teams_app.name.short": "1on1",
    "teams_app.name.full": "1on1 meeting assistant",
    "teams_app.description.short": "Members choose topics and the response they want; 1on1s that work",
    "teams_app.description.full": "A bot that makes 1on1 meetings between leaders and members work. Before each 1on1 the member picks what they want to talk about and the kind of response they want from their leader (advice, thinking it through together, just listening, ...); just before the meeting the leader gets a short digest with tips from other leaders. Memos and TODOs stay where only the two of them can see them, and the member's reflections show the leader their own strengths and weak spots. 1on1 content is visible only to the pair and is never used for performance evaluation; HR sees completion rates and other aggregates only.",
    "teams_app.command.1on1": "Prepare your next 1on1 (choose topics and the response you want)",
    "teams_app.command.home": "Your next 1on1s, how prepared they are, and open TODOs",
    "teams_app.command.help": "Show how to use the bot",
    "teams_app.command.memo": "Open the 1on1 memo and TODOs (only the two of you can see them)",
    "teams_app.command.schedule": "See or change when and how often you meet",
    "teams_app.command.tip": "Share something that worked in a 1on1 with other leaders",
    "teams_app.command.tips": "Search other leaders' tips (e.g. tips listening)",
    "teams_app.command.config": "Settings such as the tips channel (admins only)",
    "teams_app.action.make_todo": "Make a TODO",
    "teams_app.action.make_todo.description": "Turn a message of the 1on1 memo into a TODO with an owner",
}
