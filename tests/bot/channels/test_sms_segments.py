"""What an SMS costs: GSM-7 and UCS-2 segments counted as operators bill them."""

from __future__ import annotations

from bot.channels.sms_segments import cost, fit, fold_to_gsm, split_segments

ARABIC = "هل أحد في خطر الآن؟ أرسل 1 نعم، 2 لا، 3 لا أعرف."


def test_plain_latin_text_is_gsm7_160_then_153_a_part() -> None:
    assert cost("a" * 160) == cost("a" * 160).__class__("gsm7", 160, 1)
    assert cost("a" * 161).segments == 2
    assert cost("a" * 306).segments == 2 and cost("a" * 307).segments == 3


def test_extension_characters_take_two_septets() -> None:
    assert cost("€" * 80).units == 160 and cost("€" * 80).segments == 1
    assert cost("[" * 81).segments == 2


def test_arabic_is_ucs2_70_then_67_a_part() -> None:
    assert cost(ARABIC).encoding == "ucs2"
    assert cost("ب" * 70).segments == 1
    assert cost("ب" * 71).segments == 2
    assert cost("ب" * 134).segments == 2 and cost("ب" * 135).segments == 3


def test_one_non_gsm_character_makes_the_whole_message_ucs2() -> None:
    text = "a" * 100 + "ê"
    assert cost(text).encoding == "ucs2" and cost(text).segments == 2
    assert cost(fold_to_gsm(text)) == cost("a" * 101)


def test_french_is_folded_into_gsm7_but_arabic_is_left_alone() -> None:
    folded = fold_to_gsm("Où était-ce ? Écrivez « la ville » — reçu, arrêter.")
    assert cost(folded).encoding == "gsm7"
    assert folded == 'Où était-ce ? Écrivez " la ville " - recu, arreter.'
    assert fold_to_gsm(ARABIC) == ARABIC


def test_a_ucs2_reply_is_split_and_counted_as_the_network_does() -> None:
    reply = (ARABIC + " ") * 4
    parts = split_segments(reply)
    assert len(parts) == cost(reply).segments == 3
    assert "".join(parts) == reply
    assert all(len(part) <= 67 for part in parts)


def test_a_split_never_cuts_a_surrogate_pair_or_an_escape() -> None:
    parts = split_segments("ب" * 66 + "😀" + "ب" * 10)
    assert [len(part.encode("utf-16-le")) // 2 for part in parts] == [66, 12]
    gsm = split_segments("a" * 152 + "€" + "a" * 10)  # 164 septets: two parts of <= 153
    assert gsm == ["a" * 152, "€" + "a" * 10]


def test_fit_cuts_at_a_word_within_the_cap() -> None:
    text = " ".join(["mot"] * 200)
    cut = fit(text, 2)
    assert cost(cut).segments == 2 and cut.endswith("...")
    assert fit(ARABIC * 10, 1).endswith("…") and cost(fit(ARABIC * 10, 1)).segments == 1
