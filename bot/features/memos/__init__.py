"""The shared memo of each 1on1, its TODOs, the member's reflection and the leader's insight.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

# Registers the memos' presenters with the core.
from bot.features.memos import presenters as presenters
from bot.features.memos.action_items import (
    TODO_MAX,
    ActionItemService,
    AlreadyTodo,
    InvalidTodo,
    NotInMemoThread,
    PersonItem,
    TodoDraft,
    TodoError,
)
from bot.features.memos.feature import MemosFeature, build
from bot.features.memos.memos import (
    ENTRY_MAX,
    NEXT_FOCUS,
    AddForm,
    EntryView,
    InvalidEntry,
    MemoHistory,
    MemoParent,
    MemoService,
    StartResult,
    StartState,
)
from bot.features.memos.reflections import (
    COMMENT_MAX,
    MIN_MEMBERS,
    MIN_REFLECTIONS,
    Insight,
    InvalidReflection,
    Level,
    MemberHistory,
    ReflectionClosed,
    ReflectionCommentShared,
    ReflectionError,
    ReflectionForm,
    ReflectionRequest,
    ReflectionService,
    Trend,
)
from storage.queries import OpenActionItem

__all__ = [
    "COMMENT_MAX",
    "ENTRY_MAX",
    "MIN_MEMBERS",
    "MIN_REFLECTIONS",
    "NEXT_FOCUS",
    "TODO_MAX",
    "ActionItemService",
    "AddForm",
    "AlreadyTodo",
    "EntryView",
    "Insight",
    "InvalidEntry",
    "InvalidReflection",
    "InvalidTodo",
    "Level",
    "MemberHistory",
    "MemoHistory",
    "MemoParent",
    "MemoService",
    "MemosFeature",
    "NotInMemoThread",
    "OpenActionItem",
    "PersonItem",
    "ReflectionClosed",
    "ReflectionCommentShared",
    "ReflectionError",
    "ReflectionForm",
    "ReflectionRequest",
    "ReflectionService",
    "StartResult",
    "StartState",
    "TodoDraft",
    "TodoError",
    "Trend",
    "build",
]
