"""Rendering a turn's answers as one short SMS, safe to leave in a shared phone's inbox.

Every answer of one turn becomes a single text (one send, counted as a whole), worded for SMS:
each question of the flow has a compact form here, keyed by its step and its choices' ids,
and choices are numbered on one line ("Reply 1 Yes, 2 No"). Nothing in a rendered SMS
repeats what the person reported: the summary is not shown back, confirmations of what was
read are not asked (`AUTOMATIC`), and acknowledgements that would name a place or a
category are replaced or left out. The first SMS to a number says so and
how to erase the thread. Commands become keywords (`/status` -> `STATUS`).

The renderer is pure: the channel decides whether this is a first reply and how many
segments a reply may take.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.channels.sms_segments import cost, fit, fold_to_gsm
from bot.messages import Choice, OutboundMessage
from locales.i18n import N_, Translator

SAFETY_NOTICE = N_(
    "Encrypted. We never repeat your report by SMS: delete this thread. STOP to end."
)
REPLY_WITH = N_("Reply {choices}.")
RECEIVED = N_("Received. Ref {reference}. For news: STATUS {reference}. Delete this thread.")
STATUS_LINE = N_("{reference}: {status}.")
PLACE_AS_WRITTEN = N_("Place noted as you wrote it.")
URGENT = N_("Marked urgent. If you can, go somewhere safe.")
HELP = N_(
    "Write what happened to report it. STATUS ref: news of a report. DELETE: erase your data. "
    "STOP: no more SMS."
)
OPTED_OUT = N_("You will get no more SMS from us. Write again at any time to report.")

# (step, the ids of its choices) -> the compact question and shorter choice labels
QUESTIONS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("describe", ""): (
        N_("What happened? Say what was done, to whom, by whom, where and when."),
        {},
    ),
    ("category", "cat"): (N_("Kind of incident?"), {}),
    ("place", "skip"): (N_("Where did it happen? Write the town or village."), {}),
    ("when", "today unknown yesterday"): (N_("When did it happen? Write it, or:"), {}),
    ("affected", "unknown"): (N_("Who was affected, how many? Write it, or:"), {}),
    ("force", "force"): (N_("Who did it? Write the unit, or:"), {}),
    ("danger", "no unknown yes"): (N_("Is anyone in danger now?"), {}),
    ("contact", "anonymous contact"): (
        N_("May staff send you questions by SMS? They never see your number."),
        {"contact": N_("Yes"), "anonymous": N_("No")},
    ),
    ("summary", "cancel change send"): (
        N_("Send your report?"),
        {"send": N_("Send"), "change": N_("Change"), "cancel": N_("Cancel")},
    ),
    ("summary", "cancel change send send_contact"): (
        N_("Send your report?"),
        {
            "send": N_("Send"),
            "send_contact": N_("Send, staff may ask"),
            "change": N_("Change"),
            "cancel": N_("Cancel"),
        },
    ),
    ("summary", "edit"): (N_("What to change?"), {}),
    ("resume", "continue restart"): (N_("Continue your unfinished report?"), {}),
    ("erase", "erase keep"): (
        N_("Erase all your reports and data?"),
        {"erase": N_("Yes"), "keep": N_("No")},
    ),
    ("language", "lang"): (N_("Language?"), {}),
}
SUMMARY = QUESTIONS[("summary", "cancel change send")]

# Questions an SMS cannot ask: what the phone cannot send (files), and confirmations of what
# was read from the person's words, which the SMS may not show back (a blind "is that right?"
# tells nothing). The channel answers them with this choice; the reading stays marked as the
# NLU's (its confidence, "gazetteer" as the place's source) for staff to verify, and the
# person can still change it from the summary.
AUTOMATIC: dict[tuple[str, str], str] = {
    ("review", "no yes"): "yes",  # "I understood: <what was read>. Is that right?"
    ("media", "done"): "done",
    ("category", "no yes"): "yes",
    ("place", "no yes"): "yes",
    ("place", "none place"): "place:0",  # the gazetteer's best reading of what was typed
}

ENGINE_WELCOME = (
    "Welcome. Here you can report abuses by soldiers, police or other armed forces, safely and "
    "in your own language.\nWhat you send is encrypted. We never share who you are: you can stay "
    "anonymous and erase your data at any time with /delete. Send /help to see what I can do."
)
# engine messages that would repeat what the person reported -> an SMS wording (None: omit)
ECHOES: dict[str, str | None] = {
    "Noted: {place}.": None,
    "Noted: near {place}.": None,
    "I could not find “{place}” on the map; I noted it as you wrote it.": PLACE_AS_WRITTEN,
    "{reference} ({date}): {category}. Status: {status}.": STATUS_LINE,
    "We will mark this report as urgent. If you can, move to a safe place and contact people "
    "you trust.": URGENT,
    ENGINE_WELCOME: None,  # the safety notice takes its place
    "You can tell me what happened at any time, and I will guide you through a report.\n"
    "/start – start a new report\n/status REF – see what happened to a report\n"
    "/add REF – add details or files to a report\n/language – change the language\n"
    "/delete – erase your reports and data\n/cancel – stop the report in progress\n"
    "/help – this message": HELP,
}

_REFERENCE = re.compile(r"\bTX-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
_COMMAND = re.compile(r"(?<![\w/])/(start|help|language|status|add|delete|cancel)\b")
_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")
_ISOLATES = re.compile("[\u2066\u2067\u2068\u2069\u200e\u200f]")


def _kind(choices: Sequence[Choice]) -> str:
    """The ids of a question's choices, prefixes only ("cat:beating" -> "cat"), sorted."""
    return " ".join(sorted({choice.id.split(":", 1)[0] for choice in choices}))


def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(template)) + "$", re.S)


class SmsRenderer:
    """Turns the answers of one turn into one SMS in the conversation's language."""

    def __init__(self, max_segments: int = 4) -> None:
        self.max_segments = max_segments
        self._echoes: dict[str, list[tuple[re.Pattern[str], str | None]]] = {}

    def _echo_patterns(self, _: Translator) -> list[tuple[re.Pattern[str], str | None]]:
        if _.language not in self._echoes:
            self._echoes[_.language] = [
                (_pattern(_(source)) if "{" in source else _exact(_(source)), target)
                for source, target in ECHOES.items()
            ]
        return self._echoes[_.language]

    def question(self, message: OutboundMessage, _: Translator) -> str:
        key = (message.step or "", _kind(message.choices))
        known = QUESTIONS.get(key)
        if known is None and key[0] == "summary" and not key[1].startswith("edit"):
            known = SUMMARY  # whatever its choices, the summary itself is never shown
        if known is None:
            text = self.plain(message.text, _)
            if not message.choices:
                return text
            return f"{text} {self._choices(message.choices, {}, _)}"
        text, labels = known
        if not message.choices:
            return _(text)
        return f"{_(text)} {self._choices(message.choices, labels, _)}"

    def _choices(
        self,
        choices: Sequence[Choice],
        labels: dict[str, str],
        _: Translator,
    ) -> str:
        parts = [
            f"{number} {_(labels[choice.id]) if choice.id in labels else _short(choice.label)}"
            for number, choice in enumerate(choices, 1)
        ]
        return _(REPLY_WITH, choices=_list_separator(_).join(parts))

    def plain(self, text: str, _: Translator) -> str:
        """A message that is not a question: an echo replaced, commands as keywords."""
        text = _ISOLATES.sub("", text).strip()
        for pattern, target in self._echo_patterns(_):
            match = pattern.match(text)
            if match:
                return _(target, **match.groupdict()) if target else ""
        return _COMMAND.sub(lambda found: found.group(1).upper(), text)

    def render(self, messages: Sequence[OutboundMessage], *, first: bool = False) -> str:
        """The one SMS for a turn's answers ("" when nothing is left to say)."""
        if not messages:
            return ""
        _ = Translator(messages[-1].language)
        notice = [_(SAFETY_NOTICE)] if first else []
        said: list[str] = []  # acknowledgements: the first to go when the SMS is too long
        asked: list[str] = []
        for message in messages:
            if automatic_choice(message) is not None:
                continue  # answered by the channel: the next question follows
            reference = _REFERENCE.search(message.text) if message.offers_clear_chat else None
            if reference is not None:
                asked.append(_(RECEIVED, reference=reference.group(0)))
            elif message.step is not None or message.choices:
                asked.append(self.question(message, _))
            else:
                said.append(self.plain(message.text, _))
        text = fold_to_gsm("\n".join(part for part in (*notice, *said, *asked) if part))
        if cost(text).segments > self.max_segments and asked:
            text = fold_to_gsm("\n".join(part for part in (*notice, *asked) if part))
        return fit(text, self.max_segments) if text else ""


def automatic_choice(message: OutboundMessage) -> str | None:
    """The choice the channel gives for a question an SMS cannot ask (None: ask it)."""
    return AUTOMATIC.get((message.step or "", _kind(message.choices)))


def _exact(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text) + "$", re.S)


def _short(label: str, limit: int = 28) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "."


def _list_separator(_: Translator) -> str:
    return "، " if _.right_to_left else ", "


def opted_out_text(language: str) -> str:
    return fold_to_gsm(Translator(language)(OPTED_OUT))
