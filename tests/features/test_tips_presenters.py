"""The tips feature's neutral messages, and their Block Kit (the same as before they moved)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import bot.features.tips  # noqa: F401  (registers the presenters)
from bot.core import actions
from bot.core.message import (
    Actions,
    Button,
    Choice,
    Heading,
    Menu,
    Note,
    Style,
    Text,
    present,
)
from bot.features.tips import ShareOutcome, TipPost
from bot.features.tips.presenters import helpful_button, tags_line
from bot.i18n import t
from handlers.slack.blocks import MAX_MESSAGE_BLOCKS, context, header, section
from handlers.slack.message import render_message
from tests.features import samples
from tests.features.slack_tips_expected import EXPECTED

TOKYO = "Asia/Tokyo"
LONDON = "Europe/London"


def test_tip_post_in_japanese() -> None:
    message = present(samples.TIP_POST, "ja", TOKYO)

    assert message.fallback == "リーダーのヒント: Ask <first>"
    assert message.body == (
        Text("*Ask &lt;first&gt;*\nThen listen &amp; wait.\nSecond line"),
        Note(
            "テーマ: キャリア ・ 関わり方: ただ聞いてほしい ・ Sato &lt;lead&gt;さん"
            " ・ :bulb: 参考になった 3"
        ),
    )
    assert message.tail == (
        Actions(
            (
                Button("参考になった 3", actions.TIP_HELPFUL, "5"),
                Menu(
                    actions.TIP_MENU, (Choice("編集する", "edit:5"), Choice("削除する", "delete:5"))
                ),
            ),
            group="tips_actions_5",
        ),
    )


def test_starter_tip_post_in_english() -> None:
    message = present(samples.TIP_POST_STARTER, "en", LONDON)

    assert message.fallback == "A leader's tip: Ask <first>"
    assert message.body[1] == Note(
        "Topic: Own &lt;topic&gt; ・ Starter tip (shipped) ・ :bulb: Helpful 3"
    )
    assert message.tail == (
        Actions(
            (
                Button("Helpful 3", actions.TIP_HELPFUL, "6"),
                Menu(actions.TIP_MENU, (Choice("Edit", "edit:6"), Choice("Delete", "delete:6"))),
            ),
            group=f"{actions.TIP_ACTIONS_GROUP}6",
        ),
    )


def test_tip_post_shows_the_new_helpful_count_when_it_is_updated() -> None:
    message = present(TipPost(replace(samples.card(), helpful_count=4)), "en", TOKYO)

    (row,) = message.tail
    assert isinstance(row, Actions)
    assert row.items[0] == Button("Helpful 4", actions.TIP_HELPFUL, "5")
    assert message.body[1] == Note(
        "Topic: Career ・ Response: Just listen ・ by Sato &lt;lead&gt; ・ :bulb: Helpful 4"
    )


def test_the_helpful_button_once_marked_and_an_unknown_expectation() -> None:
    card = samples.card(expectation="no-such-thing", author_name=None, topic_key=None)

    assert helpful_button(card, "ja", marked=True) == Button(
        "参考になった 3 ✓", actions.TIP_HELPFUL, "5", Style.primary
    )
    assert tags_line(card, "en") == ":bulb: Helpful 3"


def test_tip_gone() -> None:
    assert present(samples.TIP_GONE, "ja", TOKYO).body == (Note("このヒントは削除されました。"),)
    en = present(samples.TIP_GONE, "en", TOKYO)
    assert en.fallback == "This tip was deleted."
    assert en.body == (Note("This tip was deleted."),)


def test_tip_shared_and_not_shared() -> None:
    posted = present(samples.TIP_SHARED, "ja", TOKYO)
    assert (
        posted.fallback
        == ":white_check_mark: ヒント「Ask &lt;first&gt;」を <#C0TIPS> に共有しました。"
    )
    assert posted.body == (Text(posted.fallback),)
    assert posted.tail == ()

    not_posted = present(samples.TIP_NOT_SHARED, "en", TOKYO)
    assert not_posted.fallback.startswith(
        ":warning: Your tip “Ask &lt;first&gt;” is saved, but the bot is not a member of <#C0TIPS>"
    )
    assert not_posted.body == (Text(not_posted.fallback),)
    assert not_posted.tail == (
        Actions((Button("Post again", actions.TIP_POST_AGAIN, "5", Style.primary),)),
        Note("Your tip is saved and can be found with `/1on1 tips`."),
    )


@pytest.mark.parametrize("outcome", list(ShareOutcome))
def test_every_share_outcome_has_a_text(outcome: ShareOutcome) -> None:
    message = present(replace(samples.TIP_SHARED, outcome=outcome), "en", TOKYO)

    assert "Ask &lt;first&gt;" in message.fallback
    assert (message.tail == ()) is (outcome is ShareOutcome.posted)


def test_tips_welcome() -> None:
    ja = present(samples.TIPS_WELCOME, "ja", LONDON)
    en = present(samples.TIPS_WELCOME, "en", LONDON)

    assert ja.body[0] == Text(
        ":wave: このチャンネルに、リーダーの「1on1でうまくいった工夫」が共有されます。"
        "毎週月曜 09:00(Asia/Tokyo)、その週に参考になったヒントをまとめてお届けします。"
    )
    assert en.fallback == (
        ":wave: Leaders share what worked in their 1on1s in this channel. Every Monday at "
        "09:00 (Asia/Tokyo), the week's most helpful tips are collected here."
    )
    assert en.body == (Text(en.fallback), Note(t("en", "tips.welcome_howto")))


def test_tips_config_saved() -> None:
    check = present(samples.CONFIG_SAVED_CHECK, "ja", TOKYO)
    assert check.fallback == (
        ":white_check_mark: ヒントの設定を保存しました。共有チャンネル: <#C0TIPS> ・ "
        "週次まとめ: 毎週月曜 09:00(Asia/Tokyo)"
    )
    assert check.body == (
        Text(check.fallback),
        Text(
            ":warning: ボットが <#C0TIPS> に参加していないため、投稿できません。"
            "チャンネルで `/invite @1on1` を実行してボットを招待してください。"
        ),
    )
    pending = present(samples.CONFIG_SAVED_PENDING, "en", TOKYO)
    assert pending.body[1:] == (Note("Posted 2 tips that were waiting for a channel."),)
    none = present(samples.CONFIG_SAVED_NO_CHANNEL, "en", TOKYO)
    assert none.body == (
        Text(
            ":white_check_mark: Tips settings saved. Channel: not set · "
            "Weekly digest: Every Friday at 17:30 (UTC)"
        ),
    )


def test_tips_weekly_in_the_digest_time_zone() -> None:
    ja = present(samples.TIPS_WEEKLY, "ja", LONDON)
    en = present(samples.TIPS_WEEKLY, "en", LONDON)

    assert ja.fallback == "今週のヒント(2月23日〜3月1日)"
    assert en.body[:2] == (
        Heading("This week's tips (2/23–3/1)"),
        Note("The tips shared this week, most helpful first."),
    )
    # A preview: the body is cut to 200 characters.
    assert en.body[2] == Text("*Ask &lt;first&gt;*\n" + "x" * 199 + "…")
    assert en.body[3] == Note(
        "Topic: Career ・ Response: Just listen ・ by Sato &lt;lead&gt; ・ :bulb: Helpful 3"
    )
    assert len(en.body) == 6
    assert en.tail == (Note(t("en", "tips.weekly.footer")),)


def test_tip_thanks() -> None:
    ja = present(samples.TIP_THANKS, "ja", TOKYO)
    en = present(samples.TIP_THANKS, "en", TOKYO)

    assert ja.fallback == (
        ":sparkles: 今週、あなたのヒントに「参考になった」が4件つきました。ありがとうございます。"
    )
    assert ja.body[1] == Text("• Ask &lt;first&gt; … 3件\n• Listen &amp; wait … 1件")
    assert en.body == (
        Text(":sparkles: This week your tips were marked helpful 4 times. Thank you!"),
        Text("• Ask &lt;first&gt; … 3\n• Listen &amp; wait … 1"),
    )
    assert en.tail == (Note(t("en", "tips.thanks.footer")),)


# --- Slack: the same blocks as the renderers these presenters replaced ---------------------------


@pytest.mark.parametrize(("name", "locale"), sorted(EXPECTED))
def test_slack_blocks_are_unchanged(name: str, locale: str) -> None:
    timezone = TOKYO if locale == "ja" else LONDON
    message = present(getattr(samples, name), locale, timezone)

    assert render_message(message) == EXPECTED[(name, locale)]


def test_slack_weekly_cuts_many_tips_and_keeps_the_footer() -> None:
    cards = tuple(samples.card(i, title=f"Tip {i}", body="b") for i in range(40))
    notice = replace(samples.TIPS_WEEKLY, cards=cards)

    text, blocks = render_message(present(notice, "en", TOKYO))

    assert text == "This week's tips (2/23–3/1)"
    assert len(blocks) == MAX_MESSAGE_BLOCKS
    assert blocks[:4] == [
        header(text),
        context(t("en", "tips.weekly.intro")),
        section("*Tip 0*\nb"),
        context(tags_line(cards[0], "en")),
    ]
    # The body is cut at the block limit, even between a tip and its tags line.
    assert blocks[46:49] == [
        section("*Tip 22*\nb"),
        context(tags_line(cards[22], "en")),
        section("*Tip 23*\nb"),
    ]
    assert blocks[-1] == context(t("en", "tips.weekly.footer"))


def test_slack_thanks_lists_twenty_tips_in_one_section() -> None:
    items = tuple((f"Tip {i}", i) for i in range(25))
    notice = replace(samples.TIP_THANKS, total=300, items=items)

    text, blocks = render_message(present(notice, "ja", TOKYO))

    assert blocks == [
        section(text),
        section("\n".join(f"• Tip {i} … {i}件" for i in range(20))),
        context(t("ja", "tips.thanks.footer")),
    ]
