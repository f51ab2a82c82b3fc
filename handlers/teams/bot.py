"""The Teams bot: for now, help in a personal chat (the product's features come later)."""

from __future__ import annotations

import re

from botbuilder.core import ActivityHandler, MessageFactory, TurnContext

from bot.i18n import normalize_locale, t

HELP_WORDS = frozenset({"help", "ヘルプ"})
# The catalog is written in Slack's mrkdwn; Teams reads Markdown.
_SLACK_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_EMOJI = {":lock:": "🔒"}


def help_text(locale: str) -> str:
    """The same help the Slack surface shows, as Teams Markdown."""
    parts = (t(locale, "help.title"), t(locale, "help.body"), t(locale, "privacy.notice"))
    return "\n\n".join(to_teams_markdown(part) for part in parts)


def to_teams_markdown(text: str) -> str:
    text = _SLACK_BOLD.sub(r"**\1**", text)
    for code, emoji in _EMOJI.items():
        text = text.replace(code, emoji)
    # Teams keeps single line breaks only inside paragraphs written with two spaces or <br>.
    return text.replace("\n", "\n\n")


class OneOnOneTeamsBot(ActivityHandler):  # type: ignore[misc]
    def __init__(self, default_locale: str) -> None:
        self._default_locale = default_locale

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        conversation_type = getattr(activity.conversation, "conversation_type", None)
        if conversation_type not in (None, "personal"):
            return
        words = (TurnContext.remove_recipient_mention(activity) or activity.text or "").strip()
        if words.lower() not in HELP_WORDS:
            return
        locale = normalize_locale(activity.locale, self._default_locale)
        await turn_context.send_activity(MessageFactory.text(help_text(locale)))
