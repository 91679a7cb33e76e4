"""Who and how many, read from short answers the NLU's victim reader leaves aside.

At "Who was affected, and how many?" people answer "12", "my brother", "mon oncle et deux
voisins", "une dizaine de personnes" or "beaucoup". A bare number is a count of people, a
relative is one person (a man or a woman when the word says so), and an approximate count
("about ten", "une dizaine") is that many people; "many" is kept in the person's words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.flow.answers import fold

NUMBER_WORDS: dict[str, int] = {
    # en
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "dozen": 12,
    "twenty": 20,
    # fr
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingt": 20,
    "vingtaine": 20,
    "trentaine": 30,
    "centaine": 100,
    # es, pt
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "docena": 12,
    "veinte": 20,
    "um": 1,
    "uma": 1,
    "dois": 2,
    "duas": 2,
    "quatro": 4,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "duzia": 12,
    "dezena": 10,
    "vinte": 20,
    # sw
    "moja": 1,
    "mmoja": 1,
    "mbili": 2,
    "wawili": 2,
    "tatu": 3,
    "watatu": 3,
    "nne": 4,
    "wanne": 4,
    "tano": 5,
    "watano": 5,
    "sita": 6,
    "saba": 7,
    "nane": 8,
    "tisa": 9,
    "kumi": 10,
    "ishirini": 20,
    # ar
    "واحد": 1,
    "اثنان": 2,
    "اثنين": 2,
    "ثلاثه": 3,
    "اربعه": 4,
    "خمسه": 5,
    "سته": 6,
    "سبعه": 7,
    "ثمانيه": 8,
    "تسعه": 9,
    "عشره": 10,
    "عشرين": 20,
    "عشرون": 20,
}

# A word for one person: the group it belongs to ("people" when it says no more).
PERSON_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "brother",
            "brothers",
            "father",
            "son",
            "sons",
            "uncle",
            "husband",
            "nephew",
            "grandfather",
            "man",
            "boy",
            "frere",
            "freres",
            "pere",
            "fils",
            "oncle",
            "mari",
            "neveu",
            "grand pere",
            "homme",
            "garcon",
            "hermano",
            "hermanos",
            "padre",
            "hijo",
            "tio",
            "esposo",
            "marido",
            "sobrino",
            "abuelo",
            "hombre",
            "irmao",
            "irmaos",
            "pai",
            "filho",
            "marido",
            "sobrinho",
            "avo",
            "homem",
            "kaka",
            "baba",
            "mjomba",
            "mume",
            "mwanaume",
            "اخي",
            "اخ",
            "ابي",
            "ابني",
            "ابن",
            "عمي",
            "خالي",
            "زوجي",
            "رجل",
        ),
        "men",
    ),
    **dict.fromkeys(
        (
            "sister",
            "sisters",
            "mother",
            "daughter",
            "aunt",
            "wife",
            "niece",
            "grandmother",
            "woman",
            "girl",
            "soeur",
            "soeurs",
            "mere",
            "fille",
            "tante",
            "femme",
            "niece",
            "hermana",
            "madre",
            "hija",
            "tia",
            "esposa",
            "mujer",
            "irma",
            "mae",
            "filha",
            "esposa",
            "mulher",
            "dada",
            "mama",
            "shangazi",
            "mke",
            "mwanamke",
            "اختي",
            "اخت",
            "امي",
            "ابنتي",
            "بنتي",
            "عمتي",
            "خالتي",
            "زوجتي",
            "امراه",
        ),
        "women",
    ),
    **dict.fromkeys(
        (
            "neighbour",
            "neighbours",
            "neighbor",
            "neighbors",
            "friend",
            "friends",
            "cousin",
            "cousins",
            "person",
            "people",
            "voisin",
            "voisins",
            "voisine",
            "ami",
            "amis",
            "cousine",
            "personne",
            "personnes",
            "gens",
            "vecino",
            "vecinos",
            "amigo",
            "amigos",
            "primo",
            "persona",
            "personas",
            "vizinho",
            "vizinhos",
            "primo",
            "pessoa",
            "pessoas",
            "jirani",
            "rafiki",
            "binamu",
            "mtu",
            "watu",
            "ndugu",
            "جاري",
            "جيران",
            "صديقي",
            "اصدقاء",
            "ابن عمي",
            "شخص",
            "اشخاص",
            "ناس",
        ),
        "people",
    ),
}

# Words for "one" that are also just "a": alone at the end they count nobody.
ARTICLES = frozenset(("a", "an", "un", "une", "uno", "um", "uma"))

# Plural nouns of people, for answers the NLU's reader left aside.
PERSON_WORDS.update(
    dict.fromkeys(
        ("men", "boys", "hommes", "garcons", "hombres", "homens", "wanaume", "رجال"), "men"
    )
)
PERSON_WORDS.update(
    dict.fromkeys(
        ("women", "girls", "femmes", "filles", "mujeres", "mulheres", "wanawake", "نساء"),
        "women",
    )
)

# "Many": a count too vague to write as a number, kept in the person's words.
MANY_WORDS = frozenset(
    (
        "many",
        "lots",
        "a lot",
        "several",
        "beaucoup",
        "plusieurs",
        "nombreux",
        "muchos",
        "muchas",
        "varios",
        "muitos",
        "muitas",
        "varios",
        "wengi",
        "كثير",
        "كثيرون",
        "عده",
        "الكثير",
    )
)


@dataclass
class CountReading:
    """Groups and a total read from a short answer; `vague` when only "many" was said."""

    groups: dict[str, int] = field(default_factory=dict)
    total: int | None = None
    vague: bool = False


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(token)


def read_count(text: str) -> CountReading | None:
    """A count from "12", "my brother", "mon oncle et deux voisins", "une dizaine de
    personnes"; None when the answer holds neither a number nor a person."""
    tokens = fold(text).split()
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].isdigit():
        return CountReading(total=int(tokens[0]))
    padded = f" {' '.join(tokens)} "
    if any(f" {word} " in padded for word in MANY_WORDS):
        return CountReading(vague=True)  # "beaucoup de gens" is not one person
    groups: dict[str, int] = {}
    total, pending, found, article = 0, None, False, False
    counted_alone: str | None = None  # the group of a person just counted as one
    for token in tokens:
        number = _number(token)
        if number is not None and counted_alone is not None and token not in ARTICLES:
            # "jirani wawili", "رجال ثلاثة": the number follows the people it counts
            total += number - 1
            if counted_alone != "people":
                groups[counted_alone] += number - 1
            counted_alone = None
            continue
        if number is not None:
            article = token in ARTICLES
            if pending is not None and pending != 1:
                total += pending  # "dix, douze"; but "une dizaine", "a dozen" are one number
            pending = number
            continue
        group = PERSON_WORDS.get(token)
        if group is None:
            counted_alone = None
            continue
        counted_alone = group if pending is None else None
        count = pending or 1
        pending, found = None, True
        total += count
        if group != "people":
            groups[group] = groups.get(group, 0) + count
    if pending is not None and not article:  # "une dizaine", "about 12"
        total, found = total + pending, True
    return CountReading(groups=groups, total=total) if found else None
