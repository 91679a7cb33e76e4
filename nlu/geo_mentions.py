"""Finding the words of a text that name gazetteer entries, longest name first.

This runs on every message, so it is built for speed: each distinct word is folded, hashed
and looked up once per process (a bounded cache; words follow Zipf's law, so most words of a
new message were seen before), and the keys of longer windows are extended word by word with
running CRC-32/Adler-32 values instead of re-hashing every window. Longer windows are only
tried where the gazetteer says a longer name can start.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from nlu.gazetteer import Gazetteer
from nlu.gazetteer_build import KIND_COUNTRY
from nlu.gazetteer_keys import MAX_NAME_TOKENS
from nlu.text import arabic_stems, fold

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def folded_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in text.split())


CUE_WORDS = folded_words(
    """
    in at near from around outside inside to village town city of commune locality area region
    province district county a à au aux dans pres près vers de du des en sur localite localité
    ville quartier cercle departement département em no na do da perto cerca desde aldeia
    cidade en cerca cerca de pueblo ciudad kwa huko karibu katika mjini kijiji kata wilaya
    mkoa في قرب من الى بلده مدينه قريه حي منطقه محافظه ولايه ناحيه بالقرب
    """
)
AREA_WORDS = folded_words(
    """region regions province district county state governorate department prefecture
    cercle commune municipality division zone région préfecture département provincia
    departamento estado mkoa wilaya kaunti محافظه ولايه منطقه اقليم قضاء"""
)
# Prepositions of place that, written in lower case, begin no place name ("in Salah al-Din")
PREPOSITIONS = folded_words(
    """
    in at near from to into a à au aux dans en sur vers de du des em no na do da kwa katika huko
    """
)
# A capitalised word after a title or a common first name is part of a person's name, not a
# place ("Ibrahim Keita" is no village Keïta, "Colonel Kaya" no town Kaya). Words that also
# begin place names (saint, san, sidi, el, port, mount) are deliberately not titles.
PERSON_CUES = folded_words(
    """
    mr mrs ms miss dr doctor m mme mlle monsieur madame sir madam colonel col captain capt
    capitaine lieutenant lt sergeant sgt sergent general gen général commandant major corporal
    caporal chief chef imam sheikh cheikh pastor pasteur father pere père president président
    minister ministre mayor maire hon honourable sr sra senhor senhora bwana mzee السيد الشيخ
    الامام العقيد الرقيب
    ibrahim ibrahima moussa musa mamadou amadou ousmane oumar omar ali abdoulaye abdou
    abdullahi boubacar seydou souleymane issa yacouba hamidou aliou bakary modibo sekou salif
    idrissa ismael ismail hassan hussein mohamed mohammed muhammad mahamat ahmed ahmad yusuf
    youssouf fatoumata aminata mariam mariama awa kadiatou aissata hawa oumou fatima khadija
    aisha zeinab joseph jean pierre paul john mary peter james samuel daniel grace esther
    """
)
# First words of Arabic place names ("Ain Issa", "Ras al-Ain", "Beit Hanoun", "Kafr Nabl"):
# before another capitalised word they begin a name the gazetteer may not hold, and alone
# they name some far-off place ("Ain", a French département).
NAME_PREFIXES = folded_words(
    """
    ain ayn aïn bir ras tell tal tel wadi oued jebel jabal djebel deir dayr kafr kfar beit bayt
    khan qasr ksar bab umm abu hay hai
    """
)
# Articles inside Arabic place names as transliterated ("Ras al-Ain", "Bir el-Ater")
NAME_ARTICLES = frozenset({"al", "el", "ad", "an", "ar", "as", "ash", "az", "ez", "es", "ed"})
# French elisions before a name ("d'Abidjan", "l'Ouémé") and the English possessive
# ("Nairobi's"): the name is the part after, or before, the apostrophe.
ELISIONS = frozenset({"d", "l", "qu", "jusqu", "lorsqu", "puisqu"})
BARE_ANSWER_WORDS = 4
# A word this long after a preposition of place may be the start of a name ("à ouaga").
SHORTENED_MIN_LETTERS = 4
WORD_CACHE_SIZE = 100_000


@dataclass
class Mention:
    """An n-gram of the text that names one or more gazetteer entries."""

    start: int
    size: int
    words: str
    owners: list[tuple[int, int]]
    looks_like_name: bool
    # "Mopti region", "province du Bam", "محافظة حلب": the words call it an area
    says_area: bool = False
    # "in Kaya", "à Kaya", "في حلب": a preposition of place stands just before
    cued: bool = False


class WordInfo:
    """What the gazetteer knows about one folded word, computed once."""

    __slots__ = (
        "adler", "begins", "countries", "crc", "data", "elided", "inner", "key", "names", "stems"
    )  # fmt: skip

    def __init__(self, word: str, gazetteer: Gazetteer, common: frozenset[str]) -> None:
        self.data = word.encode()
        self.crc = zlib.crc32(self.data)
        self.adler = zlib.adler32(self.data)
        self.key = self.crc << 32 | self.adler
        self.names = gazetteer.has(self.key)
        self.begins = gazetteer.begins_longer(self.key)
        # Arabic words without their clitics ("بالموصل" -> "موصل"), and the name inside
        # "d'abidjan" or "nairobi's"
        self.stems: list[int] = []
        if "\u0600" <= word[:1] <= "\u06ff":
            for stem in arabic_stems(word)[1:]:
                key = _key(stem)
                if len(stem) >= 3 and stem not in common and gazetteer.has(key):
                    self.stems.append(key)
        self.inner: tuple[int, bool] | None = None  # (key, the name is the tail?)
        # the checksums of the word after an elision that begins a longer name ("l'extreme")
        self.elided: tuple[int, int] | None = None
        head, apostrophe, tail = word.partition("'")
        if apostrophe and head in ELISIONS and tail:
            data = tail.encode()
            if gazetteer.begins_longer(_key(tail)):
                self.elided = (zlib.crc32(data), zlib.adler32(data))
        if apostrophe and not self.names:
            part = tail if head in ELISIONS else head if tail == "s" else ""
            if len(part) >= 3 and part not in common and gazetteer.has(_key(part)):
                self.inner = (_key(part), part == tail)
        self.countries: list[tuple[int, int]] | None = None

    @property
    def useful(self) -> bool:
        return (
            self.names
            or self.begins
            or bool(self.stems)
            or self.inner is not None
            or self.elided is not None
        )


def _key(word: str) -> int:
    data = word.encode()
    return zlib.crc32(data) << 32 | zlib.adler32(data)


class MentionFinder:
    """Text -> the longest-first, non-overlapping mentions of gazetteer names."""

    def __init__(self, gazetteer: Gazetteer, common_words: frozenset[str]) -> None:
        self.gazetteer = gazetteer
        # Words of time ("dawn", "midi", "الصباح") are never a place, in any case.
        self.common = common_words | gazetteer.time_words
        self._infos: dict[str, WordInfo] = {}
        self._folds: dict[str, str] = {}

    def words(self, text: str) -> tuple[list[str], list[str]]:
        """(original words, folded words) of a text."""
        originals = WORD.findall(text)
        if text.isascii():
            return originals, WORD.findall(text.lower())
        folds = self._folds
        if len(folds) > WORD_CACHE_SIZE:
            folds.clear()
        words = []
        for original in originals:
            folded = folds.get(original)
            if folded is None:
                folded = folds[original] = fold(original)
            words.append(folded)
        return originals, words

    def info(self, word: str) -> WordInfo:
        info = self._infos.get(word)
        if info is None:
            if len(self._infos) > WORD_CACHE_SIZE:
                self._infos.clear()
            info = self._infos[word] = WordInfo(word, self.gazetteer, self.common)
        return info

    def find(self, text: str) -> list[Mention]:
        return self.find_in(*self.words(text), text=text)

    def find_in(
        self, originals: list[str], words: list[str], *, text: str | None = None
    ) -> list[Mention]:
        """The mentions among a text's (original, folded) words; with the `text` they came
        from, a comma or a bracket ends a person's name ("Ain Issa, Raqqa": Raqqa is a town)."""
        infos = [self.info(word) for word in words]
        bare = len(words) <= BARE_ANSWER_WORDS
        mentions: list[Mention] = []
        i, count = 0, len(words)
        while i < count:
            mention = (
                self._mention_at(words, originals, infos, i, bare)
                if infos[i].useful
                and not (after_person_cue(words, originals, i) and not _punctuated(text, i))
                else None
            )
            if mention is None:
                # the words of an Arabic name the gazetteer does not hold name nothing alone
                i += prefixed_name_size(words, originals, i) or 1
                continue
            mentions.append(mention)
            i += mention.size
        return mentions

    def _mention_at(
        self, words: list[str], originals: list[str], infos: list[WordInfo], i: int, bare: bool
    ) -> Mention | None:
        info = infos[i]
        cue = i > 0 and (
            is_cue(words, originals, i - 1) or (i > 1 and is_cue(words, originals, i - 2))
        )
        # "in Salah al-Din" is no "In Salah": a preposition written in lower case begins no name
        if info.begins and not (words[i] in PREPOSITIONS and originals[i][:1].islower()):
            mention = self._longer_name(words, originals, infos, i, info.crc, info.adler, cue, bare)
            if mention is not None:
                return mention
        if info.elided is not None:  # "dans l'Extrême-Nord", "de l'Ouham-Pendé"
            crc, adler = info.elided
            mention = self._longer_name(words, originals, infos, i, crc, adler, cue, bare)
            if mention is not None:
                return mention
        # A word in lower case (or in a script without case) among other words is read only
        # as a notable place: every common word of every language names some hamlet.
        alone = len(words) == 1
        plain = not originals[i][:1].isupper()
        if prefixed_name_size(words, originals, i):
            return None  # the first word of a longer name that the gazetteer does not hold
        if info.names:
            if self._single_word_ok(words[i], originals[i], cue, bare):
                owners = self._owners(info.key, notable_only=plain and not alone)
                if owners:
                    return self._mention(words, originals, i, 1, owners, cue, bare)
            countries = self._country_owners(info)
            if countries:  # "l'armée malienne": adjectives are lower case in French
                return Mention(i, 1, originals[i], countries, True)
        for key in info.stems:  # "بالموصل"
            owners = self._owners(key, notable_only=not alone)
            if owners:
                return Mention(i, 1, originals[i], owners, True)
        if info.inner is not None:
            key, tail = info.inner
            name = re.split("['’]", originals[i], maxsplit=1)[1 if tail else 0]
            capital = name[:1].isupper()
            if capital or cue or bare:
                owners = self._owners(key, notable_only=not capital and not alone)
                if owners:
                    return Mention(i, 1, originals[i], owners, True)
        return None

    def _longer_name(
        self,
        words: list[str],
        originals: list[str],
        infos: list[WordInfo],
        i: int,
        crc: int,
        adler: int,
        cue: bool,
        bare: bool,
    ) -> Mention | None:
        """The longest name of two words or more that begins at word `i`, whose first word's
        running checksums are `crc` and `adler`."""
        keys = []
        for j in range(i + 1, min(i + MAX_NAME_TOKENS, len(words))):
            data = b" " + infos[j].data
            crc, adler = zlib.crc32(data, crc), zlib.adler32(data, adler)
            keys.append(crc << 32 | adler)
        for size in range(len(keys) + 1, 1, -1):
            key = keys[size - 2]
            if self.gazetteer.has(key) and not all(w in self.common for w in words[i : i + size]):
                # "la frontera", "in the gold coast": as for one word in lower case
                plain = size < len(words) and not any(
                    w[:1].isupper() for w in originals[i : i + size]
                )
                owners = self._owners(key, notable_only=plain)
                if owners:
                    return self._mention(words, originals, i, size, owners, cue, bare)
        return None

    def _owners(self, key: int, *, notable_only: bool) -> list[tuple[int, int]]:
        """The owners of a name key; only the notable ones (areas, countries, larger places,
        the deployment's own villages) when `notable_only`."""
        owners = self.gazetteer.lookup(key)
        if not notable_only:
            return owners
        notable = self.gazetteer.view.notable
        return [(entry, flags) for entry, flags in owners if notable[entry]]

    def _mention(
        self,
        words: list[str],
        originals: list[str],
        i: int,
        size: int,
        owners: list[tuple[int, int]],
        cue: bool,
        bare: bool,
    ) -> Mention:
        capital = originals[i][:1].isupper()
        return Mention(
            i,
            size,
            " ".join(originals[i : i + size]),
            owners,
            cue or bare or capital,
            says_area(words, i, size),
            cue,
        )

    def _single_word_ok(self, word: str, original: str, cue: bool, bare: bool) -> bool:
        if len(word) < 3 or word in self.common or word.isdigit():
            return False
        if bare or cue:
            return True
        return original[:1].isupper()

    def _country_owners(self, info: WordInfo) -> list[tuple[int, int]]:
        """The country entries among the owners of a word (looked up once per word)."""
        if info.countries is None:
            kind = self.gazetteer.view.kind
            owners = self.gazetteer.lookup(info.key)
            info.countries = [(e, f) for e, f in owners if kind[e] == KIND_COUNTRY]
        return info.countries

    def spelled(self, text: str) -> list[Mention]:
        """A bare answer that named nothing exactly: a prefix ("Ouaga") or a typo ("Mpoti")."""
        words = [fold(w) for w in WORD.findall(text)]
        if not words or len(words) > 2 or any(w in self.common for w in words):
            return []
        owners = self.gazetteer.by_spelling(" ".join(words))
        if not owners:
            return []
        # Flags as for an alternate name of one word: found, but less sure than exact.
        return [Mention(0, len(words), text.strip(), [(e, 2) for e, _ in owners], False)]

    def shortened(self, originals: list[str], words: list[str]) -> list[Mention]:
        """A sentence that named nothing exactly: a word right after a preposition of place
        that begins the name of a larger place ("à ouaga hier" -> Ouagadougou)."""
        for i in range(1, len(words)):
            word = words[i]
            if (
                not is_cue(words, originals, i - 1)
                or len(word) < SHORTENED_MIN_LETTERS
                or word in self.common
                or not word.isalpha()
            ):
                continue
            found = self.gazetteer.by_spelling(word, typos=False)
            if found:
                owners = [(entry, 2) for entry, _ in found]
                return [Mention(i, 1, originals[i], owners, False, cued=True)]
        return []


def is_cue(words: list[str], originals: list[str], k: int) -> bool:
    """Whether word `k` is a preposition of place (or a place word). French "à" folds to
    "a", which is also the English article and French "has" ("beat a fan", "il a fui"):
    only the accented word counts."""
    word = words[k]
    if word == "a":
        return originals[k] in ("à", "À")
    return word in CUE_WORDS


def after_person_cue(words: list[str], originals: list[str], i: int) -> bool:
    """Whether word `i` continues a person's name: a capitalised word after a capitalised
    title or first name ("Ibrahim Keita", "Colonel Kaya"), or one more such word."""
    if i == 0 or not originals[i][:1].isupper() or not originals[i - 1][:1].isupper():
        return False
    return words[i - 1] in PERSON_CUES or (i > 1 and words[i - 2] in PERSON_CUES)


def prefixed_name_size(words: list[str], originals: list[str], i: int) -> int:
    """How many words, from word `i`, make an Arabic place name begun by a prefix ("Ain
    Issa": 2, "Ras al-Ain": 3), or 0 when word `i` begins none."""
    if words[i] not in NAME_PREFIXES or not originals[i][:1].isupper():
        return 0  # "they went to tell Djibo's chief": a prefix begins a name in capitals only
    following = i + 1
    if following < len(words) and words[following] in NAME_ARTICLES:
        following += 1
    if following < len(words) and originals[following][:1].isupper():
        return following - i + 1
    return 0


# Punctuation that ends a person's name: what follows it is a new phrase
NAME_BREAK = re.compile(r"[,;:()\[\]/|.!?\n]")


def _punctuated(text: str | None, i: int) -> bool:
    """Whether punctuation stands between word `i` and the word before it in `text`."""
    if text is None or i == 0:
        return False
    spans = [m.span() for _, m in zip(range(i + 1), WORD.finditer(text), strict=False)]
    if len(spans) <= i:
        return False
    return NAME_BREAK.search(text, spans[i - 1][1], spans[i][0]) is not None


def says_area(words: list[str], start: int, size: int) -> bool:
    """True when an area word stands right after the name or just before it."""
    after = start + size
    if after < len(words) and words[after] in AREA_WORDS:
        return True
    before = words[max(0, start - 3) : start]
    return any(word in AREA_WORDS for word in before) and (
        not before or before[-1] in AREA_WORDS or before[-1] in {"du", "de", "of", "del", "d"}
    )
