"""The Spanish catalogue speaks to the person with *tú*, on every channel.

The chat wording was written with *tú*; the SMS wording once drifted into *usted* ("Escriba",
"borre este hilo"), so one person got two registers in one conversation. Only unambiguous
markers are checked: the pronoun itself and the *usted* imperatives of the verbs the bot uses to
tell someone what to do. Words such as "su" or "puede" are left alone, since they also speak of
a unit, a report or the staff.
"""

from __future__ import annotations

import re

import pytest

from tests.locales.test_catalogues import catalogue

FORMAL = re.compile(
    r"\b(?:usted"
    r"|escriba|escríbalo|escríbala|escríbanos|responda|envíe|envíelo|envíela|borre|diga"
    r"|vaya|elija|comparta|añada|pulse|toque|cuéntenos|guárdela|guárdelo|intente)\b",
    re.IGNORECASE,
)


def formal_markers(text: str) -> list[str]:
    """The *usted* markers in one translated string."""
    return FORMAL.findall(text)


def _strings(message: object) -> list[str]:
    string = message.string  # type: ignore[attr-defined]
    return [s for s in (string if isinstance(string, tuple | list) else (string,)) if s]


def test_spanish_catalogue_uses_tu() -> None:
    found = {
        message.id if isinstance(message.id, str) else message.id[0]: markers
        for message in catalogue("es")
        if message.id
        for markers in [[m for s in _strings(message) for m in formal_markers(s)]]
        if markers
    }
    assert not found, f"formal (usted) wording in the Spanish catalogue: {found}"


@pytest.mark.parametrize(
    "text",
    [
        "Cifrado. Nuestros SMS nunca repiten su denuncia: borre este hilo. STOP para terminar.",
        "¿Dónde pasó? Escriba la ciudad o el pueblo.",
        "No recibirá más SMS nuestros. Escríbanos cuando quiera para denunciar.",
        "Responda 1 sí, 2 no.",
        "¿Le parece bien a usted?",
    ],
)
def test_formal_wording_is_caught(text: str) -> None:
    assert formal_markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Escribe la ciudad o el pueblo. Borra este hilo.",
        "La unidad apoyada {unit} aparece en {count} reportes; su umbral es {threshold}.",
        "¿Puede el equipo escribirte por SMS? Nunca ve tu número.",
        "personas expulsadas de sus casas",
    ],
)
def test_informal_wording_passes(text: str) -> None:
    assert not formal_markers(text)
