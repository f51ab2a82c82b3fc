"""Messages for the memos feature, Japanese and English side by side (merged in ja.py/en.py).

Memos, TODOs, reflections and the leader's insight.
"""

JA: dict[str, str] = {
    # /1on1 help
    "memo.help": "• `/1on1 memo` … 1on1のメモとTODOを見る・書く",
    "memo.not_saved": (
        "このメモは一時的な問題で保存できませんでした。少し時間をおいて、"
        "同じ内容をこのスレッドにもう一度投稿してください。これまでのメモは失われていません。"
    ),
    # The memo thread
    "memo.parent_title": ":memo: *1on1メモ* ・ {when}\n{leader}さん × {member}さん",
    "memo.parent_picks": "*今日話したいこと*(メンバーが選んだ話題と、期待する関わり方)",
    "memo.parent_no_picks": "今回は話したいことが選ばれていません。",
    "memo.parent_todos": "*前回からのTODO*",
    "memo.parent_focus": "*前回決めた「次回までに意識すること」*",
    "memo.parent_howto": (
        "このスレッドに返信すると、2人で見られるメモとして保存されます"
        "(保存されると :memo: が付きます)。"
        "「次回:」で始めると、次回までに意識することとして残ります。"
        "メッセージのメニューの「TODOにする」で、TODOにもできます。"
    ),
    "memo.parent_fallback": "1on1メモ {when}({leader}さん × {member}さん)",
    "memo.todo_line": "• {text}(担当: {owner}さん)",
    "memo.started": ":memo: メモのスレッドを作りました。グループDMをご覧ください。",
    "memo.already_started": "メモのスレッドはすでにあります。グループDMをご覧ください。",
    "memo.starting": "メモのスレッドを準備しています。まもなくグループDMに表示されます。",
    "memo.start_failed": (
        "メモのスレッドを作れませんでした。少し時間をおいてもう一度お試しください。"
    ),
    "memo.not_startable": "この1on1は中止または日程変更されたため、メモのスレッドは作れません。",
    "memo.not_in_thread": (
        "TODOにできるのは、1on1メモのスレッドへの返信だけです。"
        "スレッド内のメッセージからもう一度お試しください。"
    ),
    # /1on1 memo
    "memo.title": "1on1メモ",
    "memo.choose_pair": "*どの1on1のメモを開きますか？*",
    "memo.choose_placeholder": "相手を選ぶ",
    "memo.open_button": "メモを開く",
    "memo.pair_with_member": "{name}さん({kind})",
    "memo.pair_with_leader": "{name}さん({kind})",
    "memo.history_title": "*{leader}さん × {member}さん* の1on1メモ(新しい順)",
    "memo.add_button": "メモを追加",
    "memo.open_todos": "*未完了のTODO*",
    "memo.last_focus": "*次回までに意識すること*",
    "memo.slot_heading": "*{when}*",
    "memo.slot_empty": "この回のメモはありません。",
    "memo.no_slots": "まだ1on1の記録がありません。",
    "memo.truncated": (
        "この画面に収まらないメモがあります。すべてのメモは、その回の1on1メモのスレッドで読めます。"
    ),
    "memo.entry": "• *{author}*: {text}",
    "memo.entry_focus": "• :dart: *{author}*(次回までに): {text}",
    "memo.edited": "_(編集済み)_",
    "memo.newer": "← 新しいメモ",
    "memo.older": "古いメモ →",
    "memo.add_title": "メモを追加",
    "memo.add_intro": "*{leader}さん × {member}さん* の1on1にメモを残します。",
    "memo.add_no_slot": (
        "まだこの1on1の予定がありません。予定が決まると、メモを残せるようになります。"
    ),
    "memo.add_slot_label": "どの回の1on1のメモですか",
    "memo.add_text_label": "メモ",
    "memo.add_text_placeholder": "要点を短く。議事録ではなく、2人で覚えておきたいことを。",
    "memo.add_kind_label": "種類",
    "memo.add_kind_option": "次回までに意識すること として残す",
    "memo.save": "保存",
    "memo.error_empty": "メモを入力してください。",
    "memo.error_too_long": "メモは{limit}文字以内で入力してください。",
    "memo.error_slot": "どの回のメモかを選んでください。",
    "memo.home_button": "メモとTODOを開く",
    "memo.trend_up": ":arrow_upper_right: 上向き",
    "memo.trend_flat": ":arrow_right: 横ばい",
    "memo.trend_down": ":arrow_lower_right: 下向き",
    # TODOs
    "todo.title": "TODOにする",
    "todo.add_button": "TODOを追加",
    "todo.intro": "*{leader}さん × {member}さん* の1on1のTODO",
    "todo.text_label": "やること",
    "todo.text_placeholder": "例: 来週までに提案書のたたき台を共有する",
    "todo.owner_label": "担当",
    "todo.owner_option": "{name}さん",
    "todo.due_label": "期限(任意)",
    "todo.due_hint": "空欄のときは「次回の1on1まで」になります。",
    "todo.footer": "TODOは2人のホームタブと次回のメモに表示され、完了するまで引き継がれます。",
    "todo.error_empty": "やることを入力してください。",
    "todo.error_too_long": "やることは{limit}文字以内で入力してください。",
    "todo.error_owner": "担当を選んでください。",
    "todo.error_past": "期限には今日以降の日付を選んでください。",
    "todo.already": "このメッセージはすでにTODOになっています。ホームタブで確認できます。",
    "todo.home_title": "*TODO(未完了)*",
    "todo.home_line": "{text}\n_担当: {owner}さん ・ {other}さんとの1on1 ・ 期限: {due}_",
    "todo.home_more": "ほかに{count}件あります。`/1on1 memo` で確認できます。",
    "todo.home_none": "未完了のTODOはありません。",
    "todo.done_option": "完了",
    "todo.due_next": "次回の1on1",
    # Reflections
    "reflection.title": "1on1のふりかえり",
    "reflection.request": (
        ":sparkles: {leader}さんとの1on1({when})、おつかれさまでした。"
        "話したいことごとに、期待した関わり方をしてもらえたかを教えてください(1分ほどで終わります)。"
    ),
    "reflection.request_fallback": "{leader}さんとの1on1({when})のふりかえりをお願いします",
    "reflection.open_button": "ふりかえる",
    "reflection.privacy": (
        ":lock: 回答が{leader}さんに個別に表示されることはありません。"
        "複数のメンバーの回答がそろったときだけ、誰の回答かわからない形で傾向として伝わります。"
        "人事評価には使われません。"
    ),
    "reflection.intro": "*{leader}さんとの1on1*({when})はいかがでしたか？",
    "reflection.item_label": "「{topic}」で「{expectation}」に応えてもらえましたか？",
    "reflection.overall_label": "1on1全体の満足度",
    "reflection.score_placeholder": "選んでください",
    "reflection.score_5": "5 — 十分に得られた",
    "reflection.score_4": "4 — おおむね得られた",
    "reflection.score_3": "3 — どちらともいえない",
    "reflection.score_2": "2 — あまり得られなかった",
    "reflection.score_1": "1 — 得られなかった",
    "reflection.satisfaction_5": "5 — とても満足",
    "reflection.satisfaction_4": "4 — 満足",
    "reflection.satisfaction_3": "3 — どちらともいえない",
    "reflection.satisfaction_2": "2 — やや不満",
    "reflection.satisfaction_1": "1 — 不満",
    "reflection.comment_label": "ひとこと(任意)",
    "reflection.comment_placeholder": "よかったこと、次に期待することなど",
    "reflection.share_label": "コメントの共有",
    "reflection.share_option": "このコメントを{leader}さんに共有する(点数は共有されません)",
    "reflection.submit": "送信",
    "reflection.answered": "回答済みです。{until}まで変更できます。",
    "reflection.closed": "回答の変更期限({until})を過ぎたため、変更できません。",
    "reflection.closed_short": "回答の変更期限(回答から7日間)を過ぎたため、変更できません。",
    "reflection.thanks": ":white_check_mark: ふりかえりを受け付けました。ありがとうございました。",
    "reflection.thanks_shared": "コメントはリーダーに届けます。",
    "reflection.error_score": "1〜5から選んでください。",
    "reflection.error_comment": "コメントは{limit}文字以内で入力してください。",
    "reflection.comment_shared": (
        ":speech_balloon: *{member}さん*から、{when}の1on1についてのコメントが届きました。"
    ),
    "reflection.comment_fallback": "{member}さんから1on1についてのコメントが届きました",
    "reflection.comment_footer": (
        "メンバーが共有を選んだコメントだけが届きます。点数があなたに共有されることはありません。"
    ),
    # The leader's insight and the member's history (App Home)
    "insight.title": "*あなたの関わり方の傾向*(あなたにだけ表示されます)",
    "insight.not_yet": (
        "{members}人以上のメンバーから{reflections}件以上のふりかえりが集まると、"
        "ここにあなたの強みと伸びしろが表示されます。誰の回答か分からないよう、"
        "ふりかえりは少し時間をおいて、まとめて反映されます。"
    ),
    "insight.line": "• *{expectation}* {mean}/5(期待どおり {met}%) — {level} {trend}",
    "insight.overall": "• 1on1全体の満足度 {mean}/5 {trend}",
    "insight.strong": "強み",
    "insight.steady": "安定",
    "insight.weak": "伸びしろ",
    "insight.hint": "「{expectation}」のヒント: {hint}",
    "insight.thin": "まだ傾向が出ていない関わり方: {expectations}",
    "insight.separator": "、",
    "insight.footer": (
        "複数のメンバーのふりかえりをまとめて集計し、週に一度更新しています。"
        "誰がどう答えたかは表示されません。"
    ),
    "insight.member_title": "*あなたのふりかえり*(あなたにだけ表示されます)",
    "insight.member_topics": "よく選ぶ話題: {topics}",
    "insight.topic_count": "{topic}({count}回)",
    "insight.member_met": "• {expectation}: {total}回中{met}回が期待どおり",
    "insight.member_empty": "1on1のあとのふりかえりに答えると、ここに記録がたまっていきます。",
}

EN: dict[str, str] = {
    # /1on1 help
    "memo.help": "• `/1on1 memo` … read and write your 1on1 memos and TODOs",
    "memo.not_saved": (
        "This memo could not be saved because of a temporary problem. Please post it to this "
        "thread again in a little while. Earlier memos are safe."
    ),
    # The memo thread
    "memo.parent_title": ":memo: *1on1 memo* · {when}\n{leader} × {member}",
    "memo.parent_picks": "*What we'll talk about* (the member's topics and the response they want)",
    "memo.parent_no_picks": "No topics were picked for this 1on1.",
    "memo.parent_todos": "*TODOs carried over*",
    "memo.parent_focus": "*What we said to keep in mind until this 1on1*",
    "memo.parent_howto": (
        "Reply in this thread to keep a memo you can both see (a :memo: shows it was saved). "
        'Start a reply with "Next:" to keep it in mind until the next 1on1. '
        '"Make a TODO" in a message\'s menu turns it into a TODO.'
    ),
    "memo.parent_fallback": "1on1 memo {when} ({leader} × {member})",
    "memo.todo_line": "• {text} (owner: {owner})",
    "memo.started": ":memo: The memo thread is ready. Have a look at the group DM.",
    "memo.already_started": "The memo thread already exists. Have a look at the group DM.",
    "memo.starting": "The memo thread is on its way; it will appear in the group DM shortly.",
    "memo.start_failed": "The memo thread could not be created. Please try again in a moment.",
    "memo.not_startable": "This 1on1 was skipped or moved, so it gets no memo thread.",
    "memo.not_in_thread": (
        "Only replies in a 1on1 memo thread can become TODOs. "
        "Please try again on a message inside the thread."
    ),
    # /1on1 memo
    "memo.title": "1on1 memos",
    "memo.choose_pair": "*Whose 1on1 memos do you want to open?*",
    "memo.choose_placeholder": "Choose a person",
    "memo.open_button": "Open memos",
    "memo.pair_with_member": "{name} ({kind})",
    "memo.pair_with_leader": "{name} ({kind})",
    "memo.history_title": "*{leader} × {member}*: 1on1 memos (newest first)",
    "memo.add_button": "Add a memo",
    "memo.open_todos": "*Open TODOs*",
    "memo.last_focus": "*To keep in mind until next time*",
    "memo.slot_heading": "*{when}*",
    "memo.slot_empty": "No memos for this 1on1.",
    "memo.no_slots": "No 1on1s recorded yet.",
    "memo.truncated": (
        "Some memos do not fit here. Every memo can be read in that 1on1's memo thread."
    ),
    "memo.entry": "• *{author}*: {text}",
    "memo.entry_focus": "• :dart: *{author}* (until next time): {text}",
    "memo.edited": "_(edited)_",
    "memo.newer": "← Newer",
    "memo.older": "Older →",
    "memo.add_title": "Add a memo",
    "memo.add_intro": "A memo for the 1on1 of *{leader} × {member}*.",
    "memo.add_no_slot": (
        "This 1on1 has no date yet. Once one is scheduled, you can leave memos for it."
    ),
    "memo.add_slot_label": "Which 1on1 is it for?",
    "memo.add_text_label": "Memo",
    "memo.add_text_placeholder": "Keep it short: what you both want to remember, not minutes.",
    "memo.add_kind_label": "Kind",
    "memo.add_kind_option": "Keep in mind until the next 1on1",
    "memo.save": "Save",
    "memo.error_empty": "Please write the memo.",
    "memo.error_too_long": "Please keep the memo within {limit} characters.",
    "memo.error_slot": "Please choose which 1on1 the memo is for.",
    "memo.home_button": "Open memos and TODOs",
    "memo.trend_up": ":arrow_upper_right: rising",
    "memo.trend_flat": ":arrow_right: steady",
    "memo.trend_down": ":arrow_lower_right: falling",
    # TODOs
    "todo.title": "Make a TODO",
    "todo.add_button": "Add a TODO",
    "todo.intro": "A TODO from the 1on1 of *{leader} × {member}*",
    "todo.text_label": "What to do",
    "todo.text_placeholder": "e.g. Share a first draft of the proposal by next week",
    "todo.owner_label": "Owner",
    "todo.owner_option": "{name}",
    "todo.due_label": "Due (optional)",
    "todo.due_hint": 'Leave it empty for "by the next 1on1".',
    "todo.footer": (
        "TODOs show in both Home tabs and in the next memo thread until they are done."
    ),
    "todo.error_empty": "Please say what to do.",
    "todo.error_too_long": "Please keep it within {limit} characters.",
    "todo.error_owner": "Please choose an owner.",
    "todo.error_past": "Please choose today or a later date.",
    "todo.already": "This message is already a TODO. You can find it in the Home tab.",
    "todo.home_title": "*Open TODOs*",
    "todo.home_line": "{text}\n_Owner: {owner} · 1on1 with {other} · due: {due}_",
    "todo.home_more": "{count} more: see `/1on1 memo`.",
    "todo.home_none": "No open TODOs.",
    "todo.done_option": "Done",
    "todo.due_next": "next 1on1",
    # Reflections
    "reflection.title": "1on1 reflection",
    "reflection.request": (
        ":sparkles: Thanks for your 1on1 with {leader} ({when}). "
        "For each topic, did you get the response you wanted? It takes about a minute."
    ),
    "reflection.request_fallback": "How was your 1on1 with {leader} ({when})?",
    "reflection.open_button": "Reflect",
    "reflection.privacy": (
        ":lock: {leader} never sees your answers one by one. Only once several members have "
        "answered do they see a trend, with no way to tell who said what. "
        "It is never used for performance evaluation."
    ),
    "reflection.intro": "How was your *1on1 with {leader}* ({when})?",
    "reflection.item_label": '"{topic}": did you get the response you wanted ({expectation})?',
    "reflection.overall_label": "Overall satisfaction with the 1on1",
    "reflection.score_placeholder": "Choose",
    "reflection.score_5": "5 — fully",
    "reflection.score_4": "4 — mostly",
    "reflection.score_3": "3 — so-so",
    "reflection.score_2": "2 — not really",
    "reflection.score_1": "1 — not at all",
    "reflection.satisfaction_5": "5 — very satisfied",
    "reflection.satisfaction_4": "4 — satisfied",
    "reflection.satisfaction_3": "3 — neutral",
    "reflection.satisfaction_2": "2 — somewhat dissatisfied",
    "reflection.satisfaction_1": "1 — dissatisfied",
    "reflection.comment_label": "A few words (optional)",
    "reflection.comment_placeholder": "What went well, what you'd like next time",
    "reflection.share_label": "Sharing the comment",
    "reflection.share_option": "Share this comment with {leader} (scores are never shared)",
    "reflection.submit": "Send",
    "reflection.answered": "Answered. You can change it until {until}.",
    "reflection.closed": "The answer can no longer be changed (the deadline was {until}).",
    "reflection.closed_short": "Answers can be changed for 7 days only; this one is closed.",
    "reflection.thanks": ":white_check_mark: Thank you, your reflection is saved.",
    "reflection.thanks_shared": "Your comment is on its way to your leader.",
    "reflection.error_score": "Please choose 1 to 5.",
    "reflection.error_comment": "Please keep the comment within {limit} characters.",
    "reflection.comment_shared": (
        ":speech_balloon: *{member}* shared a comment on the 1on1 of {when}."
    ),
    "reflection.comment_fallback": "{member} shared a comment on your 1on1",
    "reflection.comment_footer": (
        "Only comments members choose to share reach you. Their scores are never shared."
    ),
    # The leader's insight and the member's history (App Home)
    "insight.title": "*How you respond* (only you see this)",
    "insight.not_yet": (
        "Once {reflections} or more reflections from at least {members} members are in, your "
        "strengths and room to grow show here. So that no answer can be traced to anyone, "
        "reflections are added after a while and several at a time."
    ),
    "insight.line": "• *{expectation}* {mean}/5 (met {met}%) — {level} {trend}",
    "insight.overall": "• Overall 1on1 satisfaction {mean}/5 {trend}",
    "insight.strong": "a strength",
    "insight.steady": "steady",
    "insight.weak": "room to grow",
    "insight.hint": 'A hint for "{expectation}": {hint}',
    "insight.thin": "No trend yet for: {expectations}",
    "insight.separator": ", ",
    "insight.footer": (
        "Summed up from several members' reflections and updated once a week. "
        "Who answered what is never shown."
    ),
    "insight.member_title": "*Your reflections* (only you see this)",
    "insight.member_topics": "Topics you pick most: {topics}",
    "insight.topic_count": "{topic} ({count}×)",
    "insight.member_met": "• {expectation}: met {met} of {total} times",
    "insight.member_empty": (
        "Answer the short reflection after a 1on1 and your history builds up here."
    ),
}
