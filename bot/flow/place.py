"""Where it happened: a pin, `lat,lon`, or a place name checked against the gazetteer."""

from __future__ import annotations

from dataclasses import replace

from bot.draft import PlaceCandidate
from bot.flow.places import (
    describe_candidate,
    describe_candidates,
    impossible_location_text,
    record_candidate,
    record_pin,
    record_words,
)
from bot.flow.step import Step
from bot.flow.turn import Outcome, Reading, Turn, parse_coordinates, typed_coordinates
from bot.flow.words import NO, SKIP, UNKNOWN, YES
from bot.messages import Choice

CONFIRM, ASK, PICK = "confirm", "ask", "pick"
SUGGEST_SCORE = 0.5  # a place found in the account is offered for confirmation above this
CLEAR_SCORE = 0.75  # a typed place is taken without asking above this, when unrivalled
CLEAR_MARGIN = 0.2
OFFER_SCORE = 0.1  # rivals found in the account are offered to choose from above this


def clear_reading(candidates: list[PlaceCandidate]) -> bool:
    """The account names one place without a close rival: worth a plain confirmation."""
    if not candidates or candidates[0].get("score", 0) < SUGGEST_SCORE:
        return False
    runner_up = candidates[1].get("score", 0) if len(candidates) > 1 else 0.0
    return candidates[0]["score"] - runner_up >= CLEAR_MARGIN or runner_up < OFFER_SCORE


class PlaceStep(Step):
    name = "place"
    editable = True
    takes_free_text = True

    def reading(self, turn: Turn) -> Reading:
        """ "I don't know" or "no" skips the question, or refuses the places offered."""
        mode = self._mode(turn)
        meanings = {
            CONFIRM: {YES: "yes", NO: "no"},
            PICK: {NO: "none", UNKNOWN: "none"},
        }.get(mode, {NO: "skip", UNKNOWN: "skip", SKIP: "skip"})
        return replace(super().reading(turn), meanings=meanings)

    def _mode(self, turn: Turn) -> str:
        if turn.session.mode:
            return turn.session.mode
        candidates = turn.draft.place_candidates
        if clear_reading(candidates):
            return CONFIRM
        if len([c for c in candidates if c.get("score", 0) >= OFFER_SCORE]) > 1:
            return PICK  # "in Gao": Gao in Mali, Gao in Burkina Faso, the Gao region
        return ASK

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        mode = turn.session.mode = self._mode(turn)
        candidates = turn.draft.place_candidates
        if mode == CONFIRM:
            place = describe_candidate(candidates[0], turn.language, nlu=turn.services.nlu)
            turn.ask(
                _("Did it happen in {place}?", place=place),
                [Choice("yes", _("Yes")), Choice("no", _("No, somewhere else"))],
            )
        elif mode == PICK:
            offered = [c for c in candidates if c.get("score", 0) >= OFFER_SCORE] or candidates
            turn.draft.place_candidates = offered
            choices = [
                Choice(f"place:{index}", label)
                for index, label in enumerate(
                    describe_candidates(offered, turn.language, turn.services.nlu)
                )
            ]
            choices.append(Choice("none", _("None of these")))
            turn.ask(_("Which of these places do you mean?"), choices)
        else:
            turn.ask(
                _(
                    "Where did it happen? Share a location, or type the name of the town, "
                    "village or area."
                ),
                [Choice("skip", _("I'd rather not say"))],
                request_location=True,
            )

    async def answer(self, turn: Turn) -> Outcome:
        mode = self._mode(turn)
        reply = turn.reply
        candidates = turn.draft.place_candidates
        if mode == CONFIRM:
            if reply.choice == "yes":
                record_candidate(turn.draft, candidates[0], "gazetteer")
                return Outcome.DONE
            if reply.choice == "no":
                turn.session.mode = ASK
                return Outcome.STAY
            if reply.location or reply.text:
                return await self._read_place(turn)
            return Outcome.REPROMPT
        if mode == PICK:
            if reply.choice and reply.choice.startswith("place:"):
                record_candidate(turn.draft, candidates[int(reply.choice[6:])], "gazetteer")
                return Outcome.DONE
            if reply.choice == "none":
                typed = turn.session.context.pop("typed_place", None)
                if typed:
                    record_words(turn.draft, typed)
                    return Outcome.DONE
                turn.session.mode = ASK
                return Outcome.STAY
            if reply.location or reply.text:
                return await self._read_place(turn)
            return Outcome.REPROMPT
        if reply.choice == "skip":
            turn.draft.clear_location()
            return Outcome.DONE
        return await self._read_place(turn)

    async def _read_place(self, turn: Turn) -> Outcome:
        _ = turn._
        reply = turn.reply
        location = reply.location or (parse_coordinates(reply.text) if reply.text else None)
        typed = typed_coordinates(reply.text) if reply.text and location is None else None
        if typed is not None and not typed.possible:
            turn.say(impossible_location_text(_))
            return Outcome.STAY
        nlu = turn.services.nlu
        if location is not None:
            nearest = nlu.reverse_geocode(location.lat, location.lon)
            record_pin(
                turn.draft, location.lat, location.lon, nearest.to_dict() if nearest else None
            )
            if nearest:
                place = describe_candidate(nearest.to_dict(), turn.language, nlu=nlu)
                turn.say(_("Noted: near {place}.", place=place))
            return Outcome.DONE
        if not reply.text:
            return Outcome.REPROMPT
        found = [c.to_dict() for c in nlu.geotag(reply.text, language=turn.language, limit=5)]
        if not found:
            record_words(turn.draft, reply.text)
            turn.say(
                _(
                    "I could not find “{place}” on the map; I noted it as you wrote it.",
                    place=reply.text,
                )
            )
            return Outcome.DONE
        top = found[0]["score"]
        runner_up = found[1]["score"] if len(found) > 1 else 0.0
        if top >= CLEAR_SCORE and top - runner_up >= CLEAR_MARGIN:
            record_candidate(turn.draft, found[0], "gazetteer")
            turn.say(
                _("Noted: {place}.", place=describe_candidate(found[0], turn.language, nlu=nlu))
            )
            return Outcome.DONE
        turn.draft.place_candidates = found
        turn.session.context["typed_place"] = reply.text
        turn.session.mode = PICK
        return Outcome.STAY
