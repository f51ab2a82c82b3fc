"""Ids of the actions the core's messages offer (buttons, menus).

Every surface routes these ids to the same service calls; the values they carry (pair, slot
and tip ids) are checked against the acting person again when they come back.
"""

OPEN_PICKER = "open_picker"  # value: pair id
VIEW_PICKS = "view_picks"  # value: pair id
MEMO_START = "memo_start"  # value: slot id (the digest's "start" opens the memo thread)
REFLECTION_OPEN = "reflection_open"  # value: slot id
SCHEDULE_OPEN = "schedule_open"  # value: pair id (the cadence form)
SLOT_HELD = "slot_held"  # value: slot id
SLOT_SKIPPED = "slot_skipped"  # value: slot id
SLOT_MOVED = "slot_moved"  # value: slot id (asks for the new date and time)
SLOT_RESCHEDULE = "slot_reschedule"  # value: slot id (from the nudge; the same form)
TIP_HELPFUL = "tips_helpful"  # value: tip id
TIP_MENU = "tips_menu"  # choices "edit:<tip id>" / "delete:<tip id>"
TIP_ACTIONS_GROUP = "tips_actions_"  # + tip id: the row holding a tip's helpful button
TIP_POST_AGAIN = "tips_post_again"  # value: tip id
