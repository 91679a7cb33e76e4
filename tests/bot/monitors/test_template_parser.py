"""The shape of the template: hashtags, keys and aliases, separators, batches, faults.

No NLU and no storage here: this is only how a message is cut into reports and fields.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.monitors.reading import Reporter, read_report
from bot.monitors.template import split_template, template_language
from bot.monitors.words import TEMPLATE_WORDS, fold, key_of, read_yes_no
from nlu import Nlu


def fields(text: str) -> list[dict[str, str]]:
    return [
        {key: field.value for key, field in report.fields.items()}
        for report in split_template(text, "en")
    ]


def test_the_hashtag_of_each_language_opens_a_template() -> None:
    assert template_language("#report what: x") == "en"
    assert template_language("  #RAPPORT quoi: x") == "fr"
    assert template_language("#تقرير ماذا: x") == "ar"
    assert template_language("#reporter what: x") is None
    assert template_language("report what: x") is None
    assert template_language("Soldiers came #report") is None


def test_every_key_and_alias_of_the_spec_is_understood() -> None:
    spec = {
        "what": ["what", "quoi", "ماذا"],
        "who": ["who", "qui", "من"],
        "where": ["where", "où", "ou", "أين"],
        "when": ["when", "quand", "متى"],
        "victims": ["victims", "victimes", "الضحايا"],
        "danger": ["danger", "خطر"],
        "source": ["source", "المصدر"],
        "text": ["text", "texte", "النص"],
    }
    for key, words in spec.items():
        for word in words:
            found = key_of(word)
            assert found is not None and found[0] == key, word


def test_keys_forgive_case_accents_and_arabic_hamza() -> None:
    assert fold("OÙ") == fold("ou")
    assert key_of("Where")[0] == "where"  # type: ignore[index]
    assert key_of("اين")[0] == "where"  # type: ignore[index]


def test_fields_split_on_new_lines_semicolons_and_arabic_semicolons() -> None:
    assert fields("#report what: killing; where: Mopti") == [{"what": "killing", "where": "Mopti"}]
    assert fields("#report\nwhat: killing\nwhere: Mopti") == [{"what": "killing", "where": "Mopti"}]
    assert fields("#تقرير ماذا: قتل؛ أين: موبتي") == [{"what": "قتل", "where": "موبتي"}]


def test_a_value_may_hold_a_colon() -> None:
    assert fields("#report what: killing; where: Mopti; when: yesterday 18:30")[0]["when"] == (
        "yesterday 18:30"
    )


def test_the_text_runs_on_until_the_next_known_key() -> None:
    [report] = fields("#report text: a; b\nc: d\nwhere: Gao\nwhat: killing")
    assert report["text"] == "a; b\nc: d"
    assert report["where"] == "Gao"


def test_the_language_is_the_one_most_words_were_in() -> None:
    [report] = split_template("#report\nquoi: pillage\noù: Gao\nquand: hier", "en")
    assert report.language("en") == "fr"
    [english] = split_template("#report what: killing; where: Mopti", "fr")
    assert english.language("fr") == "en"


def test_dashes_separate_reports_and_each_is_numbered() -> None:
    reports = split_template("#report what: a; where: b\n---\nwhat: c; where: d\n-----", "en")
    assert [report.number for report in reports] == [1, 2]
    assert [report.fields["what"].line for report in reports] == [1, 3]


def test_faults_name_their_line_and_words() -> None:
    [report] = split_template("#report\nwhat: killing\nwhre: Gao\nnonsense", "en")
    faults = {(fault.line, fault.excerpt) for fault in report.faults}
    assert (3, "whre: Gao") in faults
    assert (4, "nonsense") in faults
    assert any(fault.line is None and fault.values["key"] == "where" for fault in report.faults)


def test_the_missing_key_is_named_in_the_report_language() -> None:
    [report] = split_template("#rapport quoi: pillage", "en")
    assert [fault.values["key"] for fault in report.faults] == ["où"]


def test_yes_and_no_are_read_in_every_language() -> None:
    for words in TEMPLATE_WORDS.values():
        assert read_yes_no(words.yes[0]) == (True, True)
        assert read_yes_no(words.no[0].upper()) == (True, False)
    assert read_yes_no("perhaps") == (False, None)


garbage = st.lists(
    st.sampled_from([*"ab:;؛\n -#1٣éأ,.", "---", "\n---\n", "what:", "où:", "text:", "#report"]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=garbage)
def test_garbage_never_crashes_the_splitter(body: str) -> None:
    for report in split_template("#report " + body, "en"):
        assert report.number >= 1
        for fault in report.faults:
            assert fault.message


@settings(max_examples=150, deadline=None)
@given(body=st.text(max_size=300))
def test_garbage_is_never_read_into_a_report(body: str, shared_nlu: Nlu) -> None:
    reporter = Reporter("test", "p", "Org")
    now = datetime.now(UTC)
    for raw in split_template("#report " + body.replace("where", "").replace("où", ""), "en"):
        draft, faults = read_report(raw, nlu=shared_nlu, language="en", now=now, reporter=reporter)
        if "where" not in raw.fields:
            assert draft is None and faults
