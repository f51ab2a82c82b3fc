"""Every action, callback and block id the Slack surface uses, in one place."""

import re

COMMAND = "/1on1"

# The member's picker modal
PICKER_CALLBACK = "picks_picker"
PICKER_TOPICS = "picks_topics"
PICKER_TOPICS_BLOCK = "picks_topics_"  # + group number (10 options per checkbox group)
PICKER_EXPECTATION = "picks_expectation"
PICKER_EXPECTATION_BLOCK = "picks_exp_"  # + topic id, or "free"
PICKER_NOTE = "picks_note"
PICKER_NOTE_BLOCK = "picks_note_"  # + topic id, or "free"
PICKER_FREE = "picks_free"
PICKER_FREE_BLOCK = "picks_free"

# Choosing a pair, and reading picks
CHOOSER_CALLBACK = "picks_chooser"
PICKS_VIEW_CALLBACK = "picks_view"
OPEN_PICKER = "open_picker"  # value: pair id
VIEW_PICKS = "view_picks"  # value: pair id
VIEW_PICKS_SELECT = "view_picks_select_"  # + select number; selected value: pair id
VIEW_PICKS_SELECT_RE = re.compile(f"^{VIEW_PICKS_SELECT}[0-9]+$")

# Shared between features: the digest's "start" button opens the memo thread (value: slot id)
MEMO_START = "memo_start"

# Memos, TODOs and reflections (issue 5)
MEMO_OPEN = "memo_open"  # App Home button: the memo modal (chooser or the one pair)
MEMO_CHOOSER_CALLBACK = "memo_chooser"
MEMO_PAIR = "memo_pair"  # value: pair id
MEMO_PAIR_SELECT = "memo_pair_select_"  # + select number; selected value: pair id
MEMO_PAIR_SELECT_RE = re.compile(f"^{MEMO_PAIR_SELECT}[0-9]+$")
MEMO_HISTORY_CALLBACK = "memo_history"  # private_metadata: {"pair_id", "page"}
MEMO_PAGE = "memo_page"  # value: page number
MEMO_ADD = "memo_add"  # value: pair id
MEMO_ADD_CALLBACK = "memo_add_entry"  # private_metadata: {"pair_id"}
MEMO_ADD_SLOT_BLOCK = "memo_add_slot"
MEMO_ADD_SLOT = "memo_add_slot"
MEMO_ADD_TEXT_BLOCK = "memo_add_text"
MEMO_ADD_TEXT = "memo_add_text"
MEMO_ADD_KIND_BLOCK = "memo_add_kind"
MEMO_ADD_KIND = "memo_add_kind"
MEMO_INFO_CALLBACK = "memo_info"
MAKE_TODO = "make_todo"  # message shortcut on a memo message
TODO_ADD = "todo_add"  # value: pair id
TODO_CALLBACK = "todo_create"  # private_metadata: {"pair_id", "slot_id", "channel", "ts"}
TODO_TEXT_BLOCK = "todo_text"
TODO_TEXT = "todo_text"
TODO_OWNER_BLOCK = "todo_owner"
TODO_OWNER = "todo_owner"
TODO_DUE_BLOCK = "todo_due"
TODO_DUE = "todo_due"
TODO_DONE = "todo_done"  # App Home checkbox; option value: item id
TODO_DONE_BLOCK = "todo_done_"  # + item id
REFLECTION_OPEN = "reflection_open"  # value: slot id
REFLECTION_CALLBACK = "reflection"  # private_metadata: {"slot_id"}
REFLECTION_ITEM_BLOCK = "refl_item_"  # + agenda item id
REFLECTION_SCORE = "refl_score"
REFLECTION_OVERALL_BLOCK = "refl_overall"
REFLECTION_COMMENT_BLOCK = "refl_comment"
REFLECTION_COMMENT = "refl_comment"
REFLECTION_SHARE_BLOCK = "refl_share"
REFLECTION_SHARE = "refl_share"

# Schedule (issue 4): cadences, "did it happen?", moved slots
SCHEDULE_OPEN = "schedule_open"  # value: pair id (opens the cadence modal)
SCHEDULE_CHOOSE = "schedule_choose"  # selected value: pair id
SCHEDULE_CHOOSER_CALLBACK = "schedule_chooser"
SCHEDULE_CALLBACK = "schedule_cadence"  # private_metadata: {"pair_id"}
SCHEDULE_SAVED_CALLBACK = "schedule_saved"
SCHEDULE_FREQ_BLOCK = "schedule_freq"
SCHEDULE_FREQ = "schedule_freq"
SCHEDULE_WEEK_BLOCK = "schedule_week"
SCHEDULE_WEEK = "schedule_week"
SCHEDULE_WEEKDAY_BLOCK = "schedule_weekday"
SCHEDULE_WEEKDAY = "schedule_weekday"
SCHEDULE_TIME_BLOCK = "schedule_time"
SCHEDULE_TIME = "schedule_time"
SCHEDULE_DURATION_BLOCK = "schedule_duration"
SCHEDULE_DURATION = "schedule_duration"
SCHEDULE_ZONE_BLOCK = "schedule_zone"
SCHEDULE_ZONE = "schedule_zone"
SCHEDULE_START_BLOCK = "schedule_start"
SCHEDULE_START = "schedule_start"
SLOT_HELD = "slot_held"  # value: slot id
SLOT_SKIPPED = "slot_skipped"  # value: slot id
SLOT_MOVED = "slot_moved"  # value: slot id (opens the move modal)
SLOT_RESCHEDULE = "slot_reschedule"  # value: slot id (from the nudge; opens the move modal)
MOVE_CALLBACK = "slot_move"  # private_metadata: {"slot_id"}
MOVE_DATE_BLOCK = "slot_move_date"
MOVE_DATE = "slot_move_date"
MOVE_TIME_BLOCK = "slot_move_time"
MOVE_TIME = "slot_move_time"

# Tips (issue 6). Input blocks use their action id as block id.
TIP_FORM_CALLBACK = "tips_form"  # private_metadata: {"tip_id"} when editing
TIP_TOPIC = "tips_topic"
TIP_FREE_TOPIC = "tips_free_topic"
TIP_EXPECTATION = "tips_expectation"
TIP_TITLE = "tips_title"
TIP_BODY = "tips_body"
TIP_ACTIONS_BLOCK = "tips_actions_"  # + tip id
TIP_HELPFUL = "tips_helpful"  # value: tip id
TIP_MENU = "tips_menu"  # overflow; option values "edit:<tip id>" / "delete:<tip id>"
TIP_DELETE_CALLBACK = "tips_delete"  # private_metadata: {"tip_id"}
TIP_POST_AGAIN = "tips_post_again"  # value: tip id
TIPS_BROWSE_CALLBACK = "tips_browse"  # private_metadata: the last query
TIPS_WORDS = "tips_words"
TIPS_FILTER_TOPIC = "tips_filter_topic"
TIPS_FILTER_EXPECTATION = "tips_filter_expectation"
TIPS_PAGE_PREV = "tips_page_prev"  # value: page number
TIPS_PAGE_NEXT = "tips_page_next"  # value: page number
TIPS_CONFIG_CALLBACK = "tips_config"
TIPS_CONFIG_CHANNEL = "tips_config_channel"
TIPS_CONFIG_WEEKDAY = "tips_config_weekday"
TIPS_CONFIG_TIME = "tips_config_time"
TIPS_CONFIG_TIMEZONE = "tips_config_timezone"
