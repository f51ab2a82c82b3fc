"""The member's picks for the next 1on1: topics, the expected response, a note.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

# Registers the picks' presenters with the core.
from bot.features.picks import presenters as presenters
from bot.features.picks.feature import PicksFeature, build
from bot.features.picks.notices import LeaderPicksNotice
from bot.features.picks.presenters import pick_lines
from bot.features.picks.service import (
    FREE_TOPIC_MAX,
    NOTE_MAX,
    FieldError,
    InvalidPicks,
    Overview,
    PairPicks,
    Pick,
    PickInput,
    PicksService,
    SaveResult,
    attach_unscheduled_agenda,
    pick_from,
)

__all__ = [
    "FREE_TOPIC_MAX",
    "NOTE_MAX",
    "FieldError",
    "InvalidPicks",
    "LeaderPicksNotice",
    "Overview",
    "PairPicks",
    "Pick",
    "PickInput",
    "PicksFeature",
    "PicksService",
    "SaveResult",
    "attach_unscheduled_agenda",
    "build",
    "pick_from",
    "pick_lines",
]
