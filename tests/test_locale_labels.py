"""A reader whose locale is "en-US" (as Slack and Teams send it) reads English throughout: the
topic and expectation labels and the hints of a picker, a leader's digest, the tip form and
App Home are the same as for "en", with no Japanese twin mixed in."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

import bot.container  # noqa: F401  (imports every feature, so every presenter is registered)
from bot.catalog import Expectation, expectation_def
from bot.core.message import present
from bot.features.memos.reflections import (
    ExpectationStat,
    Insight,
    Level,
    MemberHistory,
    TopicCount,
)
from bot.features.org import Party
from bot.features.picks import PairPicks, Pick
from bot.features.schedule import LeaderDigest
from bot.i18n import localized
from handlers.slack.memo_blocks import history_blocks, insight_blocks
from handlers.slack.message import render_message
from handlers.slack.picks_blocks import PickerState, picker_view, picks_view
from handlers.slack.tips_blocks import TipForm, tip_form_view
from storage.models import Topic

TOKYO = "Asia/Tokyo"
STARTS = datetime(2031, 6, 3, 1, 0, tzinfo=UTC)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

LEADER = Party(1, "Olivia Lee", "Sales", "U1", "en-US", TOKYO)
MEMBER = Party(2, "Emily Clark", "Sales", "U2", "en-US", TOKYO)
TOPICS = [
    Topic(id=1, topic_set_id=1, key="career", label_ja="キャリア", label_en="Career"),
    Topic(id=2, topic_set_id=1, key="deals", label_ja="商談の進め方", label_en="Running deals"),
]
CAREER = Pick(1, "career", "キャリア", "Career", Expectation.LISTEN, "Thinking it over")
DEALS = Pick(2, "deals", "商談の進め方", "Running deals", Expectation.ADVICE, None)
PICKS = PairPicks(11, LEADER, MEMBER, 21, STARTS, TOPICS, [CAREER, DEALS])


def japanese_in(value: Any) -> list[str]:
    """Every piece of text in a view or message that has a Japanese character in it."""
    found: list[str] = []
    if isinstance(value, str):
        if JAPANESE.search(value):
            found.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            found += japanese_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found += japanese_in(item)
    return found


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "en"), ("en-US", "en"), ("en_GB", "en"), ("EN", "en"), ("ja-JP", "ja"), ("", "ja")],
)
def test_localized_reads_the_locale_as_t_does(locale: str, expected: str) -> None:
    assert localized(locale, "ja", "en") == expected


def test_the_picker_is_english_for_an_en_us_member() -> None:
    state = PickerState.from_saved(PICKS)

    view = picker_view(PICKS, state, locale="en-US", timezone=TOKYO)

    assert japanese_in(view) == []
    assert view == picker_view(PICKS, state, locale="en", timezone=TOKYO)
    text = json.dumps(view, ensure_ascii=False)
    assert '"text": "Career"' in text
    assert "Running deals" in text
    assert expectation_def(Expectation.LISTEN).en in text


def test_the_leaders_view_of_the_picks_is_english_with_english_hints() -> None:
    view = picks_view(PICKS, locale="en-US", timezone=TOKYO, for_leader=True)

    assert japanese_in(view) == []
    assert view == picks_view(PICKS, locale="en", timezone=TOKYO, for_leader=True)
    assert expectation_def(Expectation.LISTEN).hint_en in json.dumps(view, ensure_ascii=False)


def test_the_digest_is_english_for_an_en_us_leader() -> None:
    digest = LeaderDigest(
        slot_id=21,
        pair_id=11,
        member_name="Emily Clark",
        starts_at=STARTS,
        duration_minutes=30,
        picks=(CAREER, DEALS),
        action_items=(),
        next_focus=None,
        tips=(),
        opener=0,
    )

    text, blocks = render_message(present(digest, "en-US", TOKYO))

    assert japanese_in([text, blocks]) == []
    assert (text, blocks) == render_message(present(digest, "en", TOKYO))
    rendered = json.dumps(blocks, ensure_ascii=False)
    assert "*Career*" in rendered
    assert "*Running deals*" in rendered
    assert expectation_def(Expectation.ADVICE).hint_en in rendered


def test_the_tip_forms_topics_and_groups_are_english_for_an_en_us_leader() -> None:
    form = TipForm(topic_key="career", expectation=Expectation.LISTEN.value)

    view = tip_form_view(form, locale="en-US")

    assert japanese_in(view) == []
    assert view == tip_form_view(form, locale="en")
    assert '"text": "Career"' in json.dumps(view, ensure_ascii=False)


def test_app_home_history_and_insight_are_english_for_an_en_us_reader() -> None:
    history = MemberHistory(topics=(TopicCount("キャリア", "Career", 3),), reflections=3)
    insight = Insight(
        ready=True,
        overall_mean=3.0,
        stats=(ExpectationStat(Expectation.FEEDBACK, 2.0, 0.2, Level.weak, None),),
        thin=(Expectation.LISTEN,),
    )

    blocks = history_blocks(history, "en-US") + insight_blocks(insight, "en-US")

    assert japanese_in(blocks) == []
    assert blocks == history_blocks(history, "en") + insight_blocks(insight, "en")
    assert expectation_def(Expectation.FEEDBACK).hint_en in json.dumps(blocks, ensure_ascii=False)
