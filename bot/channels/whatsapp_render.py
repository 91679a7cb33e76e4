"""Rendering an OutboundMessage as WhatsApp Cloud API message objects, within Meta's limits.

Choices become what fits: up to 3 reply buttons when every label fits a 20-character title,
else up to 10 rows of a list message (24-character titles; a longer label is shortened there
and shown whole in the row's description), else numbered lines the person answers by typing
the number. A location question becomes a location request message (the phone shows a "Send
location" button). Text beyond a message's limit is split at paragraph, line or word
boundaries into several messages, the interactive part last.

Each function returns the type-specific part of a message (`{"type": ..., ...}`); the sender
adds `messaging_product` and the recipient.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.messages import Choice, OutboundMessage
from locales.i18n import N_, Translator

TEXT_LIMIT = 4096
BUTTON_BODY_LIMIT = 1024
LIST_BODY_LIMIT = 4096
LOCATION_BODY_LIMIT = 1024
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
MAX_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
LIST_BUTTON_LIMIT = 20
ID_LIMIT = 200
TEMPLATE_PARAMETER_LIMIT = 900  # the whole template body may not exceed 1024 characters

LIST_BUTTON = N_("Choose an answer")
OR_CHOOSE = N_("Or choose one of these:")

Part = dict[str, Any]


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` at most `limit` characters in: a paragraph, line, then word end."""
    window = text[:limit]
    for separator in ("\n\n", "\n", " "):
        index = window.rfind(separator)
        if index >= limit // 2:
            return index + len(separator)
    return limit


def _tail_cut(text: str, start: int) -> int:
    """The first paragraph, line or word boundary at or after `start` (so the tail fits)."""
    slack = (len(text) - start) // 2
    for separator in ("\n\n", "\n", " "):
        index = text.find(separator, start)
        if index != -1 and index - start <= slack:
            return index + len(separator)
    return start


def split_text(text: str, limit: int = TEXT_LIMIT, last_limit: int | None = None) -> list[str]:
    """Chunks of at most `limit` characters, the last one within `last_limit` (a body)."""
    last_limit = limit if last_limit is None else min(limit, last_limit)
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if len(rest) > last_limit:
        cut = _tail_cut(rest, len(rest) - last_limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return [chunk for chunk in chunks if chunk] or [" "]


def text_part(body: str) -> Part:
    return {"type": "text", "text": {"preview_url": False, "body": body}}


def _fits_buttons(choices: Sequence[Choice]) -> bool:
    labels = [" ".join(choice.label.split()) for choice in choices]
    return (
        len(choices) <= MAX_BUTTONS
        and all(0 < len(label) <= BUTTON_TITLE_LIMIT for label in labels)
        and len(set(labels)) == len(labels)
    )


def _fits_list(choices: Sequence[Choice]) -> bool:
    return len(choices) <= MAX_ROWS and all(
        0 < len(choice.label) <= ROW_DESCRIPTION_LIMIT for choice in choices
    )


def _button(choice: Choice) -> dict[str, Any]:
    return {
        "type": "reply",
        "reply": {"id": choice.id[:ID_LIMIT], "title": " ".join(choice.label.split())},
    }


def _buttons_part(body: str, choices: Sequence[Choice]) -> Part:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {"buttons": [_button(choice) for choice in choices]},
        },
    }


def _row(choice: Choice) -> dict[str, str]:
    label = " ".join(choice.label.split())
    row = {"id": choice.id[:ID_LIMIT], "title": shorten(label, ROW_TITLE_LIMIT)}
    if len(label) > ROW_TITLE_LIMIT:
        row["description"] = label
    return row


def _list_part(body: str, choices: Sequence[Choice], _: Translator) -> Part:
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": shorten(_(LIST_BUTTON), LIST_BUTTON_LIMIT),
                "sections": [{"rows": [_row(choice) for choice in choices]}],
            },
        },
    }


def numbered(text: str, choices: Sequence[Choice]) -> str:
    """The question with its choices as numbered lines; a typed number answers it."""
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(choices, 1)]
    return "\n".join([text, "", *lines]) if text else "\n".join(lines)


def _with_choices(text: str, choices: Sequence[Choice], _: Translator) -> list[Part]:
    if _fits_buttons(choices):
        *lead, body = split_text(text, TEXT_LIMIT, BUTTON_BODY_LIMIT)
        return [*map(text_part, lead), _buttons_part(body, choices)]
    if _fits_list(choices):
        *lead, body = split_text(text, TEXT_LIMIT, LIST_BODY_LIMIT)
        return [*map(text_part, lead), _list_part(body, choices, _)]
    return [text_part(chunk) for chunk in split_text(numbered(text, choices))]


def _location_request(text: str) -> list[Part]:
    *lead, body = split_text(text, TEXT_LIMIT, LOCATION_BODY_LIMIT)
    request = {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }
    return [*map(text_part, lead), request]


def render(message: OutboundMessage) -> list[Part]:
    """The WhatsApp messages that show `message`, in the order to send them."""
    _ = Translator(message.language)
    if message.request_location:
        parts = _location_request(message.text)
        if message.choices:  # a location request message cannot carry buttons
            parts.extend(_with_choices(_(OR_CHOOSE), message.choices, _))
        return parts
    if message.choices:
        return _with_choices(message.text, message.choices, _)
    return [text_part(chunk) for chunk in split_text(message.text)]


def plain_text(part: Part) -> str:
    """What a rendered message says, as one line of text with any choices numbered."""
    if part.get("type") == "text":
        return part["text"]["body"]
    interactive = part.get("interactive") or {}
    body = (interactive.get("body") or {}).get("text", "")
    action = interactive.get("action") or {}
    labels = [button["reply"]["title"] for button in action.get("buttons", [])]
    for section in action.get("sections", []):
        labels.extend(row.get("description") or row["title"] for row in section.get("rows", []))
    choices = [Choice(str(number), label) for number, label in enumerate(labels, 1)]
    return numbered(body, choices)


def template_part(name: str, language_code: str, texts: Sequence[str]) -> Part:
    """A template message whose one body variable carries the text (outside the 24-hour window).

    A template parameter may hold no line breaks, tabs or long runs of spaces, so the text is
    folded into one line.
    """
    folded = " — ".join(" ".join(text.split()) for text in texts if text.strip())
    return {
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": language_code},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": shorten(folded, TEMPLATE_PARAMETER_LIMIT)}
                    ],
                }
            ],
        },
    }
