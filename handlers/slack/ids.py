"""Every action, callback and block id the Slack surface uses, in one place."""

import re

# The ids of actions in the core's neutral messages are the core's; Slack uses them as they are.
from bot.core.actions import (
    MEMO_START as MEMO_START,
)
from bot.core.actions import (
    OPEN_PICKER as OPEN_PICKER,
)
from bot.core.actions import (
    REFLECTION_OPEN as REFLECTION_OPEN,
)
from bot.core.actions import (
    SCHEDULE_OPEN as SCHEDULE_OPEN,
)
from bot.core.actions import (
    SLOT_HELD as SLOT_HELD,
)
from bot.core.actions import (
    SLOT_MOVED as SLOT_MOVED,
)
from bot.core.actions import (
    SLOT_RESCHEDULE as SLOT_RESCHEDULE,
)
from bot.core.actions import (
    SLOT_SKIPPED as SLOT_SKIPPED,
)
from bot.core.actions import (
    TIP_ACTIONS_GROUP as TIP_ACTIONS_GROUP,
)
from bot.core.actions import (
    TIP_HELPFUL as TIP_HELPFUL,
)
from bot.core.actions import (
    TIP_MENU as TIP_MENU,
)
from bot.core.actions import (
    TIP_POST_AGAIN as TIP_POST_AGAIN,
)
from bot.core.actions import (
    VIEW_PICKS as VIEW_PICKS,
)

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
VIEW_PICKS_SELECT = "view_picks_select_"  # + select number; selected value: pair id
VIEW_PICKS_SELECT_RE = re.compile(f"^{VIEW_PICKS_SELECT}[0-9]+$")

# Shared between features: the digest's "start" button opens the memo thread (value: slot id)

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
REFLECTION_CALLBACK = "reflection"  # private_metadata: {"slot_id"}
REFLECTION_ITEM_BLOCK = "refl_item_"  # + agenda item id
REFLECTION_SCORE = "refl_score"
REFLECTION_OVERALL_BLOCK = "refl_overall"
REFLECTION_COMMENT_BLOCK = "refl_comment"
REFLECTION_COMMENT = "refl_comment"
REFLECTION_SHARE_BLOCK = "refl_share"
REFLECTION_SHARE = "refl_share"

# Schedule (issue 4): cadences, "did it happen?", moved slots
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
TIP_ACTIONS_BLOCK = TIP_ACTIONS_GROUP
TIP_DELETE_CALLBACK = "tips_delete"  # private_metadata: {"tip_id"}
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

# Admins in chat (issue 12): pairs and topic catalogs. Input blocks use their action id as
# block id.
ADMIN_MENU_CALLBACK = "admin_menu"
ADMIN_OPEN_PAIR = "admin_open_pair"
ADMIN_OPEN_END = "admin_open_end"
ADMIN_OPEN_TOPICS = "admin_open_topics"
ADMIN_PAIR_CALLBACK = "admin_pair"
ADMIN_LEADER = "admin_leader"
ADMIN_MEMBER = "admin_member"
ADMIN_KIND = "admin_kind"
ADMIN_PROGRAM = "admin_program"
ADMIN_TOPIC_SET = "admin_topic_set"
ADMIN_STARTS_ON = "admin_starts_on"
ADMIN_ENDS_ON = "admin_ends_on"
ADMIN_END_CALLBACK = "admin_end"
ADMIN_END_PERSON = "admin_end_person"
ADMIN_END_PAIR = "admin_end_pair"  # selected value: pair id
ADMIN_END_DATE = "admin_end_date"
ADMIN_CATALOG_CALLBACK = "admin_catalog"  # private_metadata: {"set_id"}
ADMIN_CATALOG_SET = "admin_catalog_set"  # selected value: set id
ADMIN_TOPIC_ADD = "admin_topic_add"  # value: set id
ADMIN_TOPIC_EDIT = "admin_topic_edit"  # value: topic id
ADMIN_SET_NEW = "admin_set_new"
ADMIN_TOPIC_CALLBACK = "admin_topic"  # private_metadata: {"topic_id"} or {"set_id"}
ADMIN_TOPIC_LABEL_JA = "admin_topic_label_ja"
ADMIN_TOPIC_LABEL_EN = "admin_topic_label_en"
ADMIN_TOPIC_HIDDEN = "admin_topic_hidden"
ADMIN_SET_CALLBACK = "admin_set"
ADMIN_SET_NAME_JA = "admin_set_name_ja"
ADMIN_SET_NAME_EN = "admin_set_name_en"
ADMIN_SET_COPY = "admin_set_copy"  # selected value: set id
