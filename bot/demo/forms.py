"""Fill in the picker modal the way a person does: the state.values Slack would send."""

from __future__ import annotations

from typing import Any

from handlers.slack import ids

JSON = dict[str, Any]


def topic_options(view: JSON) -> dict[str, str]:
    """Label -> option value for every topic checkbox in the picker."""
    found: dict[str, str] = {}
    for block in view["blocks"]:
        if block.get("block_id", "").startswith(ids.PICKER_TOPICS_BLOCK):
            for option in block["element"]["options"]:
                found[option["text"]["text"]] = option["value"]
    return found


def values(
    view: JSON,
    picks: dict[str, tuple[str | None, str | None]],
    *,
    free: str | None = None,
    free_pick: tuple[str | None, str | None] = (None, None),
) -> JSON:
    """state.values for choosing `picks` (topic label -> (expectation, note))."""
    options = topic_options(view)
    chosen = {options[label]: pick for label, pick in picks.items()}
    out: JSON = {}
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        if block_id.startswith(ids.PICKER_TOPICS_BLOCK):
            selected = [
                {"text": o["text"], "value": o["value"]}
                for o in block["element"]["options"]
                if o["value"] in chosen
            ]
            out[block_id] = {
                ids.PICKER_TOPICS: {"type": "checkboxes", "selected_options": selected}
            }
    for value, (expectation, note) in chosen.items():
        _answer(out, value, expectation, note)
    if free is not None:
        out[ids.PICKER_FREE_BLOCK] = {ids.PICKER_FREE: {"type": "plain_text_input", "value": free}}
        _answer(out, "free", *free_pick)
    return out


def _answer(out: JSON, key: str, expectation: str | None, note: str | None) -> None:
    out[f"{ids.PICKER_EXPECTATION_BLOCK}{key}"] = {
        ids.PICKER_EXPECTATION: {
            "type": "static_select",
            "selected_option": {"value": expectation} if expectation else None,
        }
    }
    out[f"{ids.PICKER_NOTE_BLOCK}{key}"] = {
        ids.PICKER_NOTE: {"type": "plain_text_input", "value": note}
    }


def block_ids(view: JSON) -> list[str]:
    return [b.get("block_id", "") for b in view["blocks"]]
