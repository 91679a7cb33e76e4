"""Folding makes the spellings people type meet the spellings of the data."""

from __future__ import annotations

from nlu.text import arabic_stems, fold, is_arabic_script, tokens


def test_fold_strips_latin_accents_and_case() -> None:
    assert fold("Ségou ÉTAIT Là") == "segou etait la"


def test_fold_unifies_arabic_letter_variants_and_removes_diacritics() -> None:
    assert fold("الموصِل") == fold("الموصل")
    assert fold("أمس") == fold("امس")
    assert fold("مدرسة") == "مدرسه"


def test_fold_reads_arabic_indic_digits() -> None:
    assert tokens("٣ أطفال") == ["3", "اطفال"]


def test_arabic_stems_strip_glued_prepositions_and_article() -> None:
    stems = arabic_stems("بالموصل")
    assert "موصل" in stems and "الموصل" in stems


def test_script_detection_counts_letters_only() -> None:
    assert is_arabic_script("الجيش 123 FAMa")
    assert not is_arabic_script("FAMa à Mopti")
