"""Block Kit helpers shared by every renderer."""

from __future__ import annotations

from handlers.slack.blocks import MAX_MESSAGE_BLOCKS, context, message_blocks, section


def test_a_long_message_is_cut_in_its_body_never_in_its_tail() -> None:
    body = [section(f"line {n}") for n in range(80)]
    tail = [{"type": "actions", "elements": []}, context("privacy")]

    blocks = message_blocks(body, tail)

    assert len(blocks) == MAX_MESSAGE_BLOCKS
    assert blocks[-2:] == tail
    assert blocks[: MAX_MESSAGE_BLOCKS - 2] == body[: MAX_MESSAGE_BLOCKS - 2]


def test_a_short_message_is_left_whole() -> None:
    body = [section("a"), section("b")]
    tail = [context("privacy")]

    assert message_blocks(body, tail) == [*body, *tail]
