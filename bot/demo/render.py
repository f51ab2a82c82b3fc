"""Block Kit as plain text, the way a person would read it in Slack (for the demo)."""

from __future__ import annotations

from typing import Any


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return ""


def _element(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{_text(element.get('text'))}]"
    if kind in ("checkboxes", "radio_buttons", "static_select", "multi_static_select"):
        options = element.get("options") or [
            o for g in element.get("option_groups", []) for o in g.get("options", [])
        ]
        chosen = {o.get("value") for o in element.get("initial_options", [])}
        if element.get("initial_option"):
            chosen.add(element["initial_option"].get("value"))
        marks = ["☑" if o.get("value") in chosen else "☐" for o in options]
        return "  ".join(f"{m} {_text(o.get('text'))}" for m, o in zip(marks, options, strict=True))
    if kind == "datepicker":
        return f"[📅 {element.get('initial_date', '…')}]"
    if kind == "timepicker":
        return f"[🕙 {element.get('initial_time', '…')}]"
    if kind == "plain_text_input":
        return f"[{element.get('initial_value', '') or '…'}]"
    return _text(element)


def render_blocks(blocks: list[dict[str, Any]], indent: str = "  │ ") -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"■ {_text(block.get('text'))}")
        elif kind == "section":
            if block.get("text"):
                lines.extend(_text(block["text"]).splitlines())
            for field in block.get("fields", []):
                lines.append(_text(field))
            if block.get("accessory"):
                lines.append(_element(block["accessory"]))
        elif kind == "context":
            lines.append(" ".join(_text(e) for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "actions":
            lines.append(" ".join(_element(e) for e in block.get("elements", [])))
        elif kind == "input":
            lines.append(f"{_text(block.get('label'))}: {_element(block.get('element', {}))}")
    return "\n".join(indent + line for line in lines)


def render_view(view: dict[str, Any]) -> str:
    title = _text(view.get("title"))
    head = f"  ┌ {title}" if title else ""
    body = render_blocks(view.get("blocks", []))
    return f"{head}\n{body}" if head else body
