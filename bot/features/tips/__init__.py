"""Leaders' "this worked for me" tips: writing, sharing, searching, the weekly digest.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

# Registers the tips' presenters with the core.
from bot.features.tips import presenters as presenters
from bot.features.tips.catalog import TOPIC_GROUPS
from bot.features.tips.feature import TipsFeature, build
from bot.features.tips.service import (
    BODY_MAX,
    FREE_TOPIC_MAX,
    TITLE_MAX,
    ConfigInput,
    InvalidInput,
    OwnTip,
    SearchPage,
    ShareOutcome,
    TipCard,
    TipDraft,
    TipFieldError,
    TipGone,
    TipNotFound,
    TipPost,
    TipQuery,
    TipsConfig,
    TipsConfigSaved,
    TipShared,
    TipsService,
    TipsWeekly,
    TipsWelcome,
    TipThanks,
)
from bot.features.tips.starter import ensure_starter_tips
from bot.features.tips.weekly import (
    KIND_THANKS,
    KIND_WEEKLY,
    TipsWeeklyProducer,
    TipsWeeklySender,
    TipThanksProducer,
    TipThanksSender,
)

__all__ = [
    "BODY_MAX",
    "FREE_TOPIC_MAX",
    "KIND_THANKS",
    "KIND_WEEKLY",
    "TITLE_MAX",
    "TOPIC_GROUPS",
    "ConfigInput",
    "InvalidInput",
    "OwnTip",
    "SearchPage",
    "ShareOutcome",
    "TipCard",
    "TipDraft",
    "TipFieldError",
    "TipGone",
    "TipNotFound",
    "TipPost",
    "TipQuery",
    "TipShared",
    "TipThanks",
    "TipThanksProducer",
    "TipThanksSender",
    "TipsConfig",
    "TipsConfigSaved",
    "TipsFeature",
    "TipsService",
    "TipsWeekly",
    "TipsWeeklyProducer",
    "TipsWeeklySender",
    "TipsWelcome",
    "build",
    "ensure_starter_tips",
]
