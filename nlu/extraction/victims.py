"""To whom and how many: affected groups and victim counts.

A count sits just before the noun in most languages ("3 femmes", "ثلاثة أطفال") and just after
it in Swahili ("watoto watatu"), so both sides are read. Group words feed `affected_groups`;
generic words ("people", "civils", "watu") and casualty words ("killed", "morts") only feed the
total, which is the larger of the two readings so "5 people including 2 women" says 5.
"""

from __future__ import annotations

from nlu.extraction.lexicon import words
from nlu.extraction.numbers import read_number
from nlu.result import VictimReading
from nlu.text import arabic_stems, tokens

GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "women": words(
        "women; woman; wife; wives; mother; mothers; femme; femmes; epouse; mere; "
        "meres; mujer; mujeres; madre; mulher; mulheres; mae; esposa; wanawake; "
        "mwanamke; mama; akina mama; نساء; امراه; امراتين; سيدات; سيده; النساء; زوجه; "
        "ام"
    ),
    "men": words(
        "men; man; husband; youths; young men; hommes; homme; jeunes; jeunes hommes; "
        "mari; hombres; hombre; jovenes; homens; homem; jovens; wanaume; mwanaume; "
        "vijana; رجال; رجل; رجلين; شبان; شباب; الرجال"
    ),
    "children": words(
        "children; child; kids; kid; boys; boy; girls; girl; minors; minor; teenagers "
        "; teenager; pupils; schoolchildren; baby; babies; enfants; enfant; gamins; "
        "garcons; garcon; filles; fille; fillette; fillettes; mineurs; mineure; mineur "
        "; eleves; bebe; ninos; nino; ninas; nina; menores; criancas; crianca; meninos "
        "; menino; meninas; menina; watoto; mtoto; wasichana; msichana; wavulana; "
        "mvulana; wanafunzi; اطفال; طفل; طفلين; طفله; اولاد; ولد; بنات; بنت; فتاه; "
        "فتيات; قاصرين; قاصر; تلاميذ"
    ),
    "elderly": words(
        "elderly; old man; old woman; old people; old men; old women; vieux; vieille; "
        "vieillard; vieillards; personnes agees; ancianos; anciano; idosos; idoso; idosa "
        "; wazee; mzee; مسن; مسنين; كبار السن; عجوز; شيخ مسن"
    ),
    "disabled": words(
        "disabled; handicapped; blind; deaf; handicape; handicapes; handicapee; aveugle "
        "; sourd; discapacitados; discapacitado; deficiente; deficientes; walemavu; "
        "mlemavu; معاق; معاقين; ذوي الاحتياجات; ذوي الاعاقه; كفيف"
    ),
    "minority": words(
        "minority; minorities; minorite; minorites; minoria; minorias; wachache; اقليه; "
        "اقليات; peuls; peulhs; peul; fulani; fulanis; rohingya; touaregs; tuaregs; "
        "tuareg; hazara; yazidis; yezidis; banyamulenge; ethnic minority; albinos; "
        "albino"
    ),
    "refugee_idp": words(
        "refugees; refugee; displaced; idps; idp; refugies; refugie; deplaces; deplace "
        "; deplacees; refugiados; refugiado; desplazados; deslocados; wakimbizi; mkimbizi "
        "; لاجئين; لاجئ; نازحين; نازح; النازحين; اللاجئين"
    ),
    "journalist_hrd": words(
        "journalist; journalists; reporter; reporters; activist; activists; blogger; "
        "human rights defender; human rights defenders; journaliste; journalistes; "
        "activiste; activistes; militant des droits; defenseur; defenseurs; blogueur; "
        "periodista; periodistas; activista; activistas; jornalista; jornalistas; "
        "ativista; ativistas; mwandishi wa habari; waandishi wa habari; wanahabari; "
        "mwanahabari; mwanaharakati; wanaharakati; صحفي; صحفيين; صحفيه; الصحفي; ناشط; "
        "ناشطين; ناشطه; مدون; حقوقي"
    ),
}

# Words that count people without saying which group: they only feed the total.
PEOPLE_WORDS: tuple[str, ...] = words(
    "people; persons; person; civilians; civilian; villagers; herders; farmers; traders "
    "; passengers; students; residents; bodies; dead; killed; wounded; injured; victims "
    "; others; personnes; civils; villageois; eleveurs; cultivateurs; commercants; morts "
    "; tues; blesses; corps; victimes; autres; gens; habitants; personas; civiles; "
    "muertos; heridos; victimas; pessoas; civis; mortos; feridos; vitimas; watu; raia "
    "; wanakijiji; wafugaji; wakulima; majeruhi; miili; اشخاص; شخص; شخصين; مدنيين; "
    "مدنيا; قتلى; جرحى; ضحايا; قرويين; مواطنين; افراد"
)


# Singular nouns: one person when they close a counted list ("ثلاثة رجال وطفل", "three men
# and a child"), where the writer would have given a number had there been more.
SINGULAR_WORDS = frozenset(
    tokens(
        " ".join(
            (
                "man woman child boy girl baby kid minor teenager pupil student journalist",
                "activist refugee person civilian wife husband mother father son daughter",
                "homme femme enfant garcon fille fillette bebe mineur eleve personne civil",
                "hombre mujer nino nina bebe menor persona homem mulher crianca menino menina",
                "pessoa mwanaume mwanamke mtoto msichana mvulana mtu mzee",
                "رجل امراه طفل طفله ولد بنت فتاه صحفي ناشط شخص مدني لاجئ نازح مسن عجوز قاصر",
            )
        )
    )
)
_LIST_JOINERS = frozenset({"and", "et", "y", "e", "na", "و", "a", "an", "also"})
_ARABIC_AND = "و"


def _index(*tables: dict[str, tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """Token tuples -> label; earlier tables win on the same words."""
    index: dict[tuple[str, ...], str] = {}
    for table in reversed(tables):
        for label, entries in table.items():
            for entry in entries:
                index[tuple(tokens(entry))] = label
    return index


_NOUNS = _index(GROUP_WORDS, {"people": PEOPLE_WORDS})
# Most tokens start no entry: one set look-up skips them before any tuple is built.
_FIRST_TOKENS = frozenset(key[0] for key in _NOUNS)
_DUALS = {"رجلين", "طفلين", "امراتين", "شخصين"}
_MAX_SPAN = 3


def _lookup(words: list[str], i: int) -> tuple[str, int, str] | None:
    """(label, tokens used, the noun's head form) of the longest entry starting at `words[i]`."""
    word = words[i]
    if word in _FIRST_TOKENS:
        for size in range(min(_MAX_SPAN, len(words) - i), 0, -1):
            label = _NOUNS.get(tuple(words[i : i + size]))
            if label is not None:
                return label, size, word
    if "\u0600" <= word[:1] <= "\u06ff":
        for stem in arabic_stems(word)[1:]:
            label = _NOUNS.get((stem,))
            if label is not None:
                return label, 1, stem
    return None


CASUALTY_WORDS = frozenset(
    tokens(
        " ".join(
            (
                "dead killed wounded injured bodies morts tues blesses corps muertos heridos",
                "mortos feridos majeruhi miili قتلى جرحى",
            )
        )
    )
)


def _number_spans(words: list[str]) -> dict[int, tuple[int, int]]:
    """Start index -> (value, end index) of every number in the token list."""
    spans: dict[int, tuple[int, int]] = {}
    i = 0
    while i < len(words):
        reading = read_number(words, i)
        if reading is None:
            i += 1
            continue
        spans[i] = (reading[0], i + reading[1])
        i += reading[1]
    return spans


def _take_count(
    spans: dict[int, tuple[int, int]], used: set[int], start: int, end: int
) -> int | None:
    """The unused number ending at most one word before `start`, else one starting at `end`."""
    for begin, (value, finish) in spans.items():
        if begin not in used and start - 1 <= finish <= start and begin < start:
            used.add(begin)
            return value
    if end in spans and end not in used:
        used.add(end)
        return spans[end][0]
    return None


def _closes_a_counted_list(
    words: list[str], noun: tuple[str, int, int, str], previous: tuple[int, int | None] | None
) -> bool:
    """True when an uncounted singular noun follows a counted one through "and" (or the Arabic
    clitic و glued to it), optionally with an article: "3 men and a child", "ثلاثة رجال وطفل"."""
    _, start, _, head = noun
    if previous is None or previous[1] is None or head not in SINGULAR_WORDS:
        return False
    between = words[previous[0] : start]
    glued = words[start].startswith(_ARABIC_AND) and words[start] != head
    joined = bool(between) and between[0] in _LIST_JOINERS and between[0] not in {"a", "an"}
    return len(between) <= 2 and all(w in _LIST_JOINERS for w in between) and (joined or glued)


def parse_victims(text: str) -> VictimReading:
    """Affected groups with counts (None when a group is named without a number) and a total."""
    words = tokens(text)
    spans = _number_spans(words)
    used: set[int] = set()
    nouns: list[tuple[str, int, int, str]] = []
    i = 0
    while i < len(words):
        hit = _lookup(words, i)
        if hit is None:
            i += 1
            continue
        nouns.append((hit[0], i, i + hit[1], hit[2]))
        i += hit[1]
    # Nouns bind their numbers before casualty words do: "killed 5 people" is 5, not 10.
    counts: dict[int, int | None] = {}
    for _, start, end, _ in sorted(nouns, key=lambda noun: words[noun[1]] in CASUALTY_WORDS):
        count = _take_count(spans, used, start, end)
        if count is None and words[start] in _DUALS:
            count = 2
        counts[start] = count
    groups: dict[str, int | None] = {}
    group_total = people_total = 0
    previous: tuple[int, int | None] | None = None
    for noun in nouns:
        label, start, end, _ = noun
        count = counts[start]
        if count is None and _closes_a_counted_list(words, noun, previous):
            count = 1
        previous = (end, count)
        if label == "people":
            people_total += count or 0
        elif count is not None:
            groups[label] = (groups.get(label) or 0) + count
            group_total += count
        else:
            groups.setdefault(label, None)
    total = max(group_total, people_total) or None
    return VictimReading(groups=groups, total=total)
