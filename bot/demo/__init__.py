"""`make demo`: a full 1on1 cycle on the local Slack stand-in and a fresh SQLite file.

Prints a transcript of what each person sees. It must always finish and exit 0 on success,
so every step checks what it expects and the demo fails loudly if the product does not do it.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from bot.demo import forms
from bot.demo import memos as memos_chapter
from bot.demo import schedule as schedule_chapter
from bot.demo import tips as tips_chapter
from bot.demo.render import render_blocks, render_view
from bot.standin.stack import LocalStack

Print = Callable[[str], None]
Chapter = Callable[[LocalStack, Print], Awaitable[None]]

# Later chapters of the story, in order. Each feature keeps its chapter in its own module
# (`async def chapter(stack, out)`), sets up what it needs, and checks what it shows.
CHAPTERS: list[Chapter] = []
CHAPTERS.append(schedule_chapter.chapter)
CHAPTERS.append(memos_chapter.chapter)
CHAPTERS.append(tips_chapter.chapter)


class DemoError(Exception):
    pass


def sample_org_csv() -> str:
    return resources.files("bot.demo").joinpath("sample_org.csv").read_text(encoding="utf-8")


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise DemoError(what)


async def run_demo(out: Print = print) -> int:
    with tempfile.TemporaryDirectory(prefix="oneonone-demo-") as tmp:
        db_path = Path(tmp) / "demo.db"
        async with LocalStack(f"sqlite:///{db_path}") as stack:
            try:
                await _story(stack, out)
            except DemoError as exc:
                out(f"\nDEMO FAILED: {exc}")
                return 1
    out("\nデモ完了 / demo finished.")
    return 0


async def _story(stack: LocalStack, out: Print) -> None:
    standin, driver = stack.standin, stack.driver
    out("== 1on1 bot demo (local Slack stand-in, fresh SQLite) ==\n")

    report = await stack.import_org(sample_org_csv())
    out(
        f"HR imports the org CSV: {report.people_created} people, "
        f"{report.pairs_created} manager pairs.\n"
    )
    _expect(report.people_created == 7, "the sample org should create 7 people")

    names = {u["id"]: u["real_name"] for u in standin.users.values() if not u["is_bot"]}
    for user_id, name in names.items():
        published = len(standin.calls_to("views.publish"))
        response = await driver.app_home_opened(user_id)
        _expect(response.status == 200, f"app_home_opened for {name} answered {response.status}")
        await standin.wait_for("views.publish", count=published + 1)
        out(f"--- {name} opens the bot's Home tab ---")
        out(render_view(standin.home_tabs[user_id]))
        out("")

    await _picks(stack, out, names)
    for chapter in CHAPTERS:
        await chapter(stack, out)

    member = "U01MEM0004"
    stack.standin.clear()
    response = await driver.slash_command(member, "help")
    _expect(response.status == 200, "/1on1 help should answer")
    # Acked at once; the help itself follows through the response URL.
    (reply,) = await stack.standin.wait_for("response_url")
    out(f"--- {names[member]} types `/1on1 help` (English speaker) ---")
    out(render_blocks(reply.args["blocks"]))


async def _picks(stack: LocalStack, out: Print, names: dict[str, str]) -> None:
    """A member picks two topics with different expectations; the leader sees them."""
    standin, driver = stack.standin, stack.driver
    member, leader = "U01MEM0001", "U01LEAD001"

    await driver.slash_command(member, "")
    view = (await standin.wait_for("views.open"))[-1].response["view"]
    out(f"--- {names[member]} types `/1on1`: the picker opens ---")
    out(render_view(view))

    chosen: dict[str, tuple[str | None, str | None]] = {
        "商談の進め方": ("advice", "A社への提案、価格の出し方を相談したい"),
        "キャリア": ("listen", None),
    }
    await driver.block_actions(
        member,
        [{"action_id": "picks_topics", "block_id": "picks_topics_0"}],
        view=view,
        values=forms.values(view, {label: (None, None) for label in chosen}),
    )
    view = (await standin.wait_for("views.update"))[-1].response["view"]
    out(f"\n--- {names[member]} ticks 商談の進め方 and キャリア: a response to choose for each ---")
    out(render_view(view))

    answer = await driver.view_submission(member, view, forms.values(view, chosen))
    _expect(answer.status == 200, "submitting the picks should be accepted")
    confirmation = await _post_to(stack, member)
    out(f"\n--- {names[member]} saves; the bot confirms in a DM ---")
    out(render_blocks(confirmation["blocks"]))

    notice = await _post_to(stack, leader)
    out(f"\n--- {names[leader]} (the leader) gets one notice right away ---")
    out(render_blocks(notice["blocks"]))
    button = notice["blocks"][0]["accessory"]
    dm = standin.dm_channel_id(leader)
    message = {
        "type": "message",
        "ts": standin.next_ts(),
        "text": notice["text"],
        "blocks": notice["blocks"],
    }
    standin.add_message(dm, user=standin.bot_user_id, ts=message["ts"], text=message["text"])
    await driver.block_actions(leader, [button], message=message, channel_id=dm)
    shown = (await standin.wait_for("views.open", count=2))[-1]
    _expect(shown.ok, "the leader's picks view should open")
    out(f"\n--- {names[leader]} presses [選択を見る]: topics, expected responses and hints ---")
    out(render_view(shown.response["view"]))
    out("")


async def _post_to(stack: LocalStack, user_id: str) -> dict[str, Any]:
    for _ in range(250):
        for call in stack.standin.calls_to("chat.postMessage"):
            if call.args.get("channel") == user_id:
                return call.args
        await asyncio.sleep(0.02)
    raise DemoError(f"no message reached {user_id}")
