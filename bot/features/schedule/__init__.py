"""Cadences, slots and what is sent around them: reminders, the digest, "did it happen?".

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

# Registers the schedule's presenters with the core.
from bot.features.schedule import presenters as presenters
from bot.features.schedule.cadence import (
    DEFAULT_DURATION,
    DEFAULT_FREQUENCY,
    DEFAULT_TIME,
    DURATIONS,
    MAX_DURATION,
    MIN_DURATION,
    CadenceError,
    CadenceInput,
    CadenceSpec,
    Frequency,
    cadence_spec,
)
from bot.features.schedule.changes import CadenceChanged, describe_cadence
from bot.features.schedule.digest import DigestService, LeaderDigest
from bot.features.schedule.feature import ScheduleFeature, build
from bot.features.schedule.programs import (
    PROGRAM_CADENCES,
    PairEnds,
    ProgramCadence,
    Repeat,
    program_cadence,
    program_rule,
)
from bot.features.schedule.reminders import (
    DidItHappen,
    MemberReminder,
    RescheduleNudge,
    ScheduleSenders,
    SlotMoved,
    StreakNote,
)
from bot.features.schedule.settings import ScheduleSettings, ScheduleSettingsStore, SettingError
from bot.features.schedule.slots import (
    AnswerResult,
    CadenceResult,
    CadenceView,
    InvalidMove,
    MoveResult,
    Outcome,
    PairHealth,
    PairNotFound,
    ScheduleHome,
    SlotService,
    SlotView,
)
from storage.models import PairKind, SlotState

__all__ = [
    "DEFAULT_DURATION",
    "DEFAULT_FREQUENCY",
    "DEFAULT_TIME",
    "DURATIONS",
    "MAX_DURATION",
    "MIN_DURATION",
    "PROGRAM_CADENCES",
    "AnswerResult",
    "CadenceChanged",
    "CadenceError",
    "CadenceInput",
    "CadenceResult",
    "CadenceSpec",
    "CadenceView",
    "DidItHappen",
    "DigestService",
    "Frequency",
    "InvalidMove",
    "LeaderDigest",
    "MemberReminder",
    "MoveResult",
    "Outcome",
    "PairEnds",
    "PairHealth",
    "PairKind",
    "PairNotFound",
    "ProgramCadence",
    "Repeat",
    "RescheduleNudge",
    "ScheduleFeature",
    "ScheduleHome",
    "ScheduleSenders",
    "ScheduleSettings",
    "ScheduleSettingsStore",
    "SettingError",
    "SlotMoved",
    "SlotService",
    "SlotState",
    "SlotView",
    "StreakNote",
    "build",
    "cadence_spec",
    "describe_cadence",
    "program_cadence",
    "program_rule",
]
