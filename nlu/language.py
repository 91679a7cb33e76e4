"""Which language a message is in, among the deployment's languages, or "und" when unsure.

lingua (restricted to the deployment's languages, in its fast low-accuracy mode) reads anything
longer than a few words well. Chat messages are often one or two words ("salut", "habari",
"ok"), where any statistical guess is noise, so very short texts lean on greetings and the
channel's hint, and a weak reading answers "und" rather than a confident mistake.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlu.text import fold, is_arabic_script, tokens

GREETINGS: dict[str, str] = {
    fold(word): code
    for code, words in {
        "en": "hello hi hey thanks thank please yes help morning evening sorry what how",
        "fr": "bonjour bonsoir salut merci svp oui stp aide comment quoi pourquoi",
        "es": "hola gracias buenos buenas ayuda porque donde cuando",
        "pt": "olá ola obrigado obrigada bom boa ajuda onde quando sim não",
        "sw": "habari jambo hujambo mambo asante sana ndiyo hapana msaada karibu shikamoo",
        "ar": "مرحبا شكرا السلام سلام نعم لا مساعدة",
    }.items()
    for word in words.split()
}
_FUNCTION_WORDS_BY_LANGUAGE = {
    "en": "the of and in on at to was were by with from his her their they he she it is are "
    "been have has had a an as no this that which who near after during",
    "fr": "le la les des du de et au aux dans sur par un une est sont ont été était qui que il "
    "elle ils leur leurs ces cette près pendant après avec pour",
    "es": "el la los las del de y en por con una un fue fueron que su sus al cerca durante "
    "después para este esta",
    "pt": "o a os as da do dos das de e em com por uma um foi foram que seu sua ao no na nos nas "
    "perto durante depois para este esta",
    "sw": "na ya wa kwa za la katika ni hii huo hiyo walio wakati baada karibu kutoka",
}
FUNCTION_WORDS: dict[str, tuple[str, ...]] = {}
for _code, _text in _FUNCTION_WORDS_BY_LANGUAGE.items():
    for _word in _text.split():
        FUNCTION_WORDS[fold(_word)] = (*FUNCTION_WORDS.get(fold(_word), ()), _code)
SHORT_LETTERS = 20
LINGUA_CHARS = 240
DECISIVE_FUNCTION_WORDS = 8
DECISIVE_SHARE = 0.85
UNSURE_BELOW = 0.4
# Room for rounding in `_settled_by_function_words` (lingua's values may sum to 1 + 1e-7).
SETTLED_MARGIN = 1e-6


def _letters_up_to(text: str, enough: int) -> int:
    """The number of letters in `text`, counted no further than `enough`: only short texts
    are weighed by their length, and a long report is read on every message."""
    count = 0
    for char in text:
        if char.isalpha():
            count += 1
            if count >= enough:
                break
    return count


def _decided_by_function_words(votes: dict[str, float]) -> tuple[str, float] | None:
    """A long sentence whose grammatical words are nearly all of one language needs no model."""
    total = sum(votes.values())
    if total < DECISIVE_FUNCTION_WORDS:
        return None
    best = max(votes, key=lambda code: votes[code])
    share = votes[best] / total
    return (best, round(min(share, 0.99), 4)) if share >= DECISIVE_SHARE else None


def _settled_by_function_words(
    votes: dict[str, float], hint: str | None
) -> tuple[str, float] | None:
    """The language that the grammatical words of a text of twenty letters or more settle
    whatever lingua would say, so lingua (0.2-0.6 ms) need not be asked.

    In `detect` such a text scores (1 - share) * lingua + share * (its function-word
    fraction), plus 0.1 for the hint. lingua's values lie in [0, 1], so the leader of the
    function words wins when its own term alone exceeds the most any other language can
    reach; and it is then never "und". This is arithmetic, not a threshold: the answer is
    the one lingua's reading would give, only the confidence is the words' share.
    """
    total = sum(votes.values())
    if not total:
        return None
    share = min(0.6, total / 8.0)
    best = max(votes, key=lambda code: votes[code])
    floor = share * votes[best] / total
    others = max((value for code, value in votes.items() if code != best), default=0.0)
    claims = 0.1 if hint else 0.0
    ceiling = (1.0 - share) + share * others / total + (claims if hint != best else 0.0)
    if floor <= ceiling + SETTLED_MARGIN or floor / (1.0 + claims) < UNSURE_BELOW + SETTLED_MARGIN:
        return None
    return best, round(min(votes[best] / total, 0.99), 4)


class LanguageDetector:
    """Detects among `languages` (ISO 639-1), combining lingua, greetings and a hint."""

    def __init__(self, languages: Sequence[str]) -> None:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        self.languages = tuple(dict.fromkeys(code.lower() for code in languages))
        known = []
        for code in self.languages:
            try:
                known.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
            except (AttributeError, ValueError):
                continue  # a language lingua does not know is only reachable through the hint
        builder = LanguageDetectorBuilder.from_languages(*known) if len(known) > 1 else None
        self._detector = builder.with_low_accuracy_mode().build() if builder else None
        self._only = known[0].iso_code_639_1.name.lower() if len(known) == 1 else None

    def detect(self, text: str, hint: str | None = None) -> tuple[str, float]:
        """(code or "und", confidence in [0, 1])."""
        hint = hint.lower().split("-")[0] if hint else None
        hint = hint if hint in self.languages else None
        letters = _letters_up_to(text, SHORT_LETTERS)
        if letters == 0:
            return (hint, 0.5) if hint else ("und", 0.0)
        if is_arabic_script(text) and "ar" in self.languages:
            return "ar", 0.99
        weight = min(1.0, letters / SHORT_LETTERS)
        # Short texts: lingua gets `weight` of the mass; the rest goes to greetings and the
        # hint when they speak, and otherwise stays unclaimed, which reads as "unsure".
        function_votes = self._function_word_votes(text)
        decided = _decided_by_function_words(function_votes)
        if decided is None and weight == 1.0:
            decided = _settled_by_function_words(function_votes, hint)
        if decided is not None:
            return decided
        scores = self._statistical(text)
        if function_votes:
            # Names of places and people fool character statistics ("Ouahigouya", "Ségou");
            # the little grammatical words of a sentence do not.
            share = min(0.6, sum(function_votes.values()) / 8.0)
            total = sum(function_votes.values())
            scores = {
                code: (1 - share) * scores.get(code, 0.0)
                + share * function_votes.get(code, 0.0) / total
                for code in set(scores) | set(function_votes)
            }
        scores = {code: value * weight for code, value in scores.items()}
        unclaimed = 1.0 - weight
        votes = self._greeting_votes(text)
        for code, share in votes.items():
            scores[code] = scores.get(code, 0.0) + share * (1.0 - weight)
            unclaimed -= share * (1.0 - weight)
        if hint:
            claim = 0.5 * (1.0 - weight) + 0.1 * weight
            scores[hint] = scores.get(hint, 0.0) + claim
            unclaimed = max(0.0, unclaimed - claim)
        if not scores:
            return ("und", 0.0)
        best = max(scores, key=lambda code: scores[code])
        confidence = scores[best] / (sum(scores.values()) + max(0.0, unclaimed))
        if confidence < UNSURE_BELOW and best != hint:
            return "und", round(confidence, 4)
        return best, round(min(confidence, 0.999), 4)

    def _statistical(self, text: str) -> dict[str, float]:
        if self._only:
            return {self._only: 1.0}
        if self._detector is None:
            return {}
        # The first few hundred characters settle the language; more only costs time.
        values = self._detector.compute_language_confidence_values(text[:LINGUA_CHARS])
        return {v.language.iso_code_639_1.name.lower(): v.value for v in values if v.value > 0}

    def _function_word_votes(self, text: str) -> dict[str, float]:
        """Counts of each language's function words, a word shared by k languages counting 1/k."""
        votes: dict[str, float] = {}
        for word in tokens(text):
            owners = [code for code in FUNCTION_WORDS.get(word, ()) if code in self.languages]
            for code in owners:
                votes[code] = votes.get(code, 0.0) + 1.0 / len(owners)
        return votes

    def _greeting_votes(self, text: str) -> dict[str, float]:
        votes: dict[str, float] = {}
        words = tokens(text)
        for word in words:
            code = GREETINGS.get(word)
            if code in self.languages:
                votes[code] = votes.get(code, 0.0) + 1.0 / len(words)
        return votes
