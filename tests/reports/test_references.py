"""References people can read aloud and type on a feature phone, with a check character."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reports.references import ALPHABET, new_reference, normalise_reference

SHAPE = re.compile(r"^TX-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def test_new_references_have_the_contract_shape_and_no_ambiguous_characters() -> None:
    for _ in range(200):
        reference = new_reference()
        assert SHAPE.match(reference)
        assert not set(reference[3:].replace("-", "")) & set("0O1IL")


def test_forgiving_input_reads_back_the_same_reference() -> None:
    reference = new_reference()
    body = reference[3:].replace("-", "")
    assert normalise_reference(reference.lower()) == reference
    assert normalise_reference(f" tx {body[:4]} {body[4:]} ") == reference
    assert normalise_reference(body) == reference


@given(st.integers(min_value=0, max_value=7), st.sampled_from(ALPHABET))
def test_a_single_typo_is_caught(position: int, replacement: str) -> None:
    reference = new_reference()
    body = list(reference[3:].replace("-", ""))
    if body[position] == replacement:
        return
    body[position] = replacement
    assert normalise_reference("".join(body)) is None


def test_swapped_neighbours_are_caught() -> None:
    for _ in range(200):
        body = list(new_reference()[3:].replace("-", ""))
        if body[2] == body[3]:
            continue
        body[2], body[3] = body[3], body[2]
        assert normalise_reference("".join(body)) is None


@given(st.text(max_size=30))
def test_garbage_is_never_a_reference(text: str) -> None:
    result = normalise_reference(text)
    assert result is None or SHAPE.match(result)
