"""Admins in chat: adding and ending 1on1 pairs, and the organisation's topic catalogs.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

from bot.features.admin.feature import AdminFeature, build
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
