"""Admins in chat: adding and ending 1on1 pairs, and the organisation's topic catalogs.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

# Registers the admin feature's presenters with the core.
from bot.features.admin import presenters as presenters
from bot.features.admin.feature import AdminFeature, build
from bot.features.admin.notices import PairChanged
from bot.features.admin.service import (
    AddedPair,
    AdminFieldError,
    AdminService,
    CatalogScreen,
    EndedPair,
    InvalidAdminInput,
    PairDraft,
    PairForm,
    PairsOfPerson,
    PairSummary,
    SetDraft,
    TopicDraft,
)
from bot.features.org import SetView, TopicView

__all__ = [
    "AddedPair",
    "AdminFeature",
    "AdminFieldError",
    "AdminService",
    "CatalogScreen",
    "EndedPair",
    "InvalidAdminInput",
    "PairChanged",
    "PairDraft",
    "PairForm",
    "PairSummary",
    "PairsOfPerson",
    "SetDraft",
    "SetView",
    "TopicDraft",
    "TopicView",
    "build",
]
