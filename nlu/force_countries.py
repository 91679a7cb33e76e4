"""The country a national force's name implies: "FAMa" is Mali's army, "FAN" Niger's.

A report that names a country's own army, police unit or state-allied militia most often
happened in that country, so the geotagger prefers the owners of its place names there
(nlu.geo_rank). Only forces that serve at home are listed: an army often deployed abroad
(Rwanda's RDF, Uganda's UPDF) or a foreign mission would point at the wrong country.

Acronyms are matched in the words as written, case and all ("FAN", "FDS", "GSU"), because
in lower case many are ordinary words ("fan", "ant", "nas"); full names are matched folded.
Written from general knowledge of the forces of each country, not from any evaluation text.
"""

from __future__ import annotations

from nlu.text import tokens

# Acronyms as written (a word of the text must equal one exactly) -> ISO alpha-2 codes.
ACRONYMS: dict[str, str] = {
    # Sahel
    "FAMa FAMA GATIA MSA CMA MINUSMA": "ML",
    "FDS": "BF NE",
    "VDP": "BF",
    "FAN FNIS GNN": "NE",
    "FAB": "BJ",
    "ANT FANT": "TD",
    "FACA MINUSCA UPC CPC": "CF",
    "FANCI FACI": "CI",
    # East Africa and the Horn
    "KDF GSU NPS NPR KPR DCI KWS ATPU RDU": "KE",
    "NISA ASWJ": "SO",
    "SNA": "SO SY",  # the Somali National Army, and the Syrian National Army
    "ENDF TDF": "ET",
    "SSPDF SPLA SPLA-IO NAS": "SS",
    "SAF RSF": "SD",
    "FDNB SNR": "BI",
    "LDU": "UG",
    "TPDF": "TZ",
    # Great Lakes, southern Africa
    "FARDC MONUSCO FDLR CODECO APCLS": "CD",
    "FADM UIR PRM SAMIM": "MZ",
    "ZRP ZDF": "ZW",
    "MDF": "MW",
    "SAPS": "ZA",
    # West Africa
    "NSCDC NPF DSS NAF": "NG",
    "GAF": "GH",
    # Middle East and Asia
    "SAA SDF HTS YPG": "SY",
    "LNA GNA": "LY",
    "STC": "YE",
    "PMF": "IQ",
    "ANDSF": "AF",
    "PNP NPA": "PH",
    "RAB BGB": "BD",
    "KIA TNLA MNDAA": "MM",
    "STF": "LK",
    # the Americas
    "ESMAD ELN FARC": "CO",
    "GNB FAES SEBIN PNB": "VE",
    "BOPE": "BR",
    "PMOP": "HN",
    # Europe
    "GUBOPiK": "BY",
}

# Full names, folded (lower case, no accents), in the shipped languages.
NAMES: dict[str, str] = {
    "forces armees maliennes; garde nationale du mali; dan na ambassagou; ganda koy": "ML",
    "volontaires pour la defense de la patrie; volunteers for the defense of the homeland; "
    "volunteers for the defence of the homeland; koglweogo; kogl weogo; "
    "gendarmerie nationale burkinabe; unite d'intervention polyvalente": "BF",
    "forces armees nigeriennes; garde nationale du niger; gendarmerie nationale du niger": "NE",
    "forces armees beninoises; police republicaine; operation mirador": "BJ",
    "armee nationale tchadienne": "TD",
    "forces armees centrafricaines; anti-balaka; ex-seleka": "CF",
    "kenya defence forces; kenya defense forces; general service unit; kenya police; "
    "national police service; kenya police reserve; kenya wildlife service; "
    "administration police; anti-terror police unit": "KE",
    "somali national army; danab; macawisley; jubaland forces": "SO",
    "ethiopian national defense force; ethiopian national defence force; liyu police; "
    "amhara special forces; fano": "ET",
    "south sudan people's defence forces; white army": "SS",
    "sudanese armed forces; rapid support forces; janjaweed; الدعم السريع; الجنجويد": "SD",
    "forces armees de la republique democratique du congo; wazalendo; twirwaneho; "
    "raia mutomboki; nyatura; mai-mai; mai mai": "CD",
    "imbonerakure; force de defense nationale du burundi": "BI",
    "local defence unit; local defence units": "UG",
    "forcas armadas de defesa de mocambique; unidade de intervencao rapida; "
    "policia da republica de mocambique; naparama": "MZ",
    "zimbabwe republic police; zanu-pf youths": "ZW",
    "nigeria police force; civilian joint task force; amotekun; ebubeagu; "
    "operation hadin kai; operation lafiya dole; operation safe haven; yan sa kai": "NG",
    "syrian arab army; syrian democratic forces; hayat tahrir al-sham; "
    "قوات سوريا الديمقراطيه; هيئه تحرير الشام; الجيش العربي السوري": "SY",
    "libyan national army; الجيش الوطني الليبي; قوات حفتر; haftar forces": "LY",
    "southern transitional council; security belt forces; giants brigades; "
    "المجلس الانتقالي الجنوبي; الحزام الامني": "YE",
    "popular mobilization forces; popular mobilisation forces; peshmerga; الحشد الشعبي": "IQ",
    "philippine national police; armed forces of the philippines; new people's army; "
    "abu sayyaf": "PH",
    "rapid action battalion; border guard bangladesh": "BD",
    "arakan army; kachin independence army": "MM",
    "guardia nacional bolivariana": "VE",
    "comando vermelho; policiais militares": "BR",
}


def _table() -> tuple[
    dict[str, tuple[str, ...]], dict[str, list[tuple[list[str], tuple[str, ...]]]]
]:
    acronyms: dict[str, tuple[str, ...]] = {}
    for words, countries in ACRONYMS.items():
        for word in words.split():
            acronyms[word] = tuple(countries.split())
    names: dict[str, list[tuple[list[str], tuple[str, ...]]]] = {}
    for spellings, countries in NAMES.items():
        for spelling in spellings.split(";"):
            words = tokens(spelling)
            if words:
                names.setdefault(words[0], []).append((words, tuple(countries.split())))
    return acronyms, names


_ACRONYMS, _NAMES = _table()


def is_force_acronym(word: str) -> bool:
    """True when a word, as written, is a listed force's acronym ("FAN", "GSU"): never a
    place, even where some homonym in the gazetteer bears it."""
    return word in _ACRONYMS


def force_countries(originals: list[str], folded: list[str]) -> set[str]:
    """The countries implied by the national forces a text names.

    `originals` are the words as written, `folded` the same words folded (nlu.geo_mentions).
    """
    found: set[str] = set()
    for word in originals:
        countries = _ACRONYMS.get(word)
        if countries:
            found.update(countries)
    for i, word in enumerate(folded):
        for phrase, countries in _NAMES.get(word, ()):
            if folded[i : i + len(phrase)] == phrase:
                found.update(countries)
    return found
