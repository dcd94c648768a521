"""Behaviour of the FASC-N value objects, checked against the published test vectors."""

from __future__ import annotations

import pytest

from idms.domain import Fascn, InvalidFascnError, PartialFascn, PartialFascnError

V1 = "D0439458210C2C19A0846D83685A1082108CE73984108CA3FC"
V2 = "D4E739DA739CED39CE739D836858210842108421C84210C3EB"
V3 = "D4E739DA739CED39CE739D836858210842108421384210C3F5"
V4 = "D13810D828AB6C10C339E5A1685A08C92ADE0A6184E739C3E7"
V5 = "D1" + V1[2:]

V1_DIGITS = "00320001092446011112223333112232"
V2_DIGITS = "99999999999999010000000000300001"
V4_DIGITS = "47000256001337111234567890199991"

SS, FS, ES = 0xB, 0xD, 0xF


def reference_encode(nibbles: list[int], *, lrc: int | None = None) -> str:
    """Encode 39 characters (plus LRC) written out bit by bit, independently of the code."""
    if lrc is None:
        lrc = 0
        for nibble in nibbles:
            lrc ^= nibble
    bits = ""
    for nibble in [*nibbles, lrc]:
        data = "".join(str((nibble >> i) & 1) for i in range(4))
        bits += data + ("0" if data.count("1") % 2 else "1")
    return int(bits, 2).to_bytes(25, "big").hex().upper()


def characters_for(digits: str) -> list[int]:
    """The 39 characters SS .. ES around 32 digits (any 0-15 values given as a list)."""
    d = [int(c) for c in digits]
    return [SS, *d[0:4], FS, *d[4:8], FS, *d[8:14], FS, d[14], FS, d[15], FS, *d[16:32], ES]


def test_reference_encoder_reproduces_the_published_vectors() -> None:
    assert reference_encode(characters_for(V1_DIGITS)) == V1
    assert reference_encode(characters_for(V2_DIGITS)) == V2
    assert reference_encode(characters_for(V4_DIGITS)) == V4


@pytest.mark.parametrize(
    ("hex_value", "digits"), [(V1, V1_DIGITS), (V2, V2_DIGITS), (V4, V4_DIGITS)]
)
def test_valid_vectors_decode_to_their_digits_and_encode_back(hex_value: str, digits: str) -> None:
    fascn = Fascn.parse(hex_value)
    assert fascn.digits == digits
    assert fascn.to_hex() == hex_value
    assert fascn.to_bytes() == bytes.fromhex(hex_value)


def test_only_the_9999_9999_999999_pattern_is_flagged_as_piv_i() -> None:
    assert Fascn.parse(V2).is_piv_i_pattern
    assert not Fascn.parse(V1).is_piv_i_pattern
    assert not Fascn("99999999999998010000000000300001").is_piv_i_pattern


def test_old_yubico_template_is_rejected_for_its_hex_organizational_category() -> None:
    with pytest.raises(InvalidFascnError) as caught:
        Fascn.parse(V3)
    assert str(caught.value) == (
        "FASC-N character 32 (organizational category; numbered from 0) is 0xC, not a decimal digit"
    )


def test_parity_error_names_the_character_counted_from_zero() -> None:
    with pytest.raises(InvalidFascnError) as caught:
        Fascn.parse(V5)
    assert str(caught.value) == (
        "FASC-N character 1 (agency code; numbered from 0) fails odd parity"
    )


@pytest.mark.parametrize("position", range(40))
def test_a_flipped_bit_in_any_character_is_a_parity_error_at_that_character(
    position: int,
) -> None:
    bits = int(V4, 16) ^ (1 << (5 * (39 - position)))  # the parity bit of that character
    with pytest.raises(InvalidFascnError, match=rf"^FASC-N character {position} \(.*odd parity"):
        Fascn.parse(bits.to_bytes(25, "big"))


V1_FORMS: list[str | bytes] = [
    bytes.fromhex(V1),
    V1,
    V1.lower(),
    f"  {V1}\n",
    V1_DIGITS,
    "0032-0001-092446-011112223333112232",
    "[0032-0001-092446-0-1-1112223333112232]",
    "0032-0001-092446-0-1-1112223333112232",
    "0032-0001-092446-0-1-1112223333-1-1223-2",
    "S0032F0001F092446F0F1F1112223333112232E",
    "s0032f0001f092446f0f1f1112223333112232e",
    "S0032F0001F092446F0F1F1112223333112232E7",
]


@pytest.mark.parametrize("form", V1_FORMS, ids=range(len(V1_FORMS)))
def test_every_accepted_form_of_v1_gives_the_same_fascn(form: str | bytes) -> None:
    assert Fascn.parse(form) == Fascn(V1_DIGITS)


def test_a_bytearray_is_read_like_bytes() -> None:
    assert Fascn.parse(bytearray.fromhex(V1)) == Fascn(V1_DIGITS)  # type: ignore[arg-type]


def test_sentinel_notation_of_the_yubikey_placeholder_is_v2() -> None:
    assert Fascn.parse("S9999F9999F999999F0F1F0000000000300001E").to_hex() == V2


def test_display_form_separates_every_field_and_str_is_the_digits() -> None:
    fascn = Fascn.parse(V1)
    assert fascn.display() == "0032-0001-092446-0-1-1112223333-1-1223-2"
    assert str(fascn) == V1_DIGITS


def test_fields_are_cut_at_the_published_boundaries() -> None:
    fascn = Fascn.parse(V4)
    assert fascn.agency_code == "4700"
    assert fascn.system_code == "0256"
    assert fascn.credential_number == "001337"
    assert fascn.credential_series == "1"
    assert fascn.individual_credential_issue == "1"
    assert fascn.person_identifier == "1234567890"
    assert fascn.organizational_category == 1
    assert fascn.organizational_identifier == "9999"
    assert fascn.person_association == 1


def test_partial_keys_are_derived_and_stay_partial() -> None:
    fascn = Fascn.parse(V1)
    assert fascn.fascn10 == PartialFascn("0001092446")
    assert fascn.fascn14 == PartialFascn("00320001092446")
    assert fascn.fascn16 == PartialFascn("0032000109244601")
    assert not isinstance(fascn.fascn14, Fascn)


def test_a_hex_data_nibble_with_correct_parity_and_lrc_is_rejected() -> None:
    characters = characters_for(V1_DIGITS)
    characters[22] = 0xA  # first person identifier digit
    with pytest.raises(InvalidFascnError, match=r"character 22 \(person identifier.*0xA"):
        Fascn.parse(reference_encode(characters))


def test_a_wrong_lrc_with_correct_parity_is_rejected() -> None:
    hex_value = reference_encode(characters_for(V1_DIGITS), lrc=8)
    assert hex_value != V1
    with pytest.raises(InvalidFascnError, match=r"^FASC-N LRC does not match"):
        Fascn.parse(hex_value)


@pytest.mark.parametrize(
    ("position", "message"),
    [
        (0, "does not begin with the start sentinel"),
        (5, "character 5 .* not a field separator"),
        (21, "character 21 .* not a field separator"),
        (38, "character 38 .* not the end sentinel"),
    ],
)
def test_a_misplaced_control_character_is_rejected(position: int, message: str) -> None:
    characters = characters_for(V1_DIGITS)
    characters[position] = 0x3
    with pytest.raises(InvalidFascnError, match=message):
        Fascn.parse(reference_encode(characters))


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ("00320001092446011112223333012232", "organizational category is 0; expected 1 to 4"),
        ("00320001092446011112223333512232", "organizational category is 5; expected 1 to 4"),
        ("00320001092446011112223333112230", "association is 0; expected 1 to 7"),
        ("00320001092446011112223333112238", "association is 8; expected 1 to 7"),
    ],
)
def test_out_of_range_category_or_association_is_rejected_in_every_form(
    digits: str, message: str
) -> None:
    for form in (digits, reference_encode(characters_for(digits))):
        with pytest.raises(InvalidFascnError, match=message):
            Fascn.parse(form)


def test_edge_values_of_category_and_association_are_accepted() -> None:
    assert Fascn("00320001092446011112223333412237").person_association == 7
    assert Fascn("00320001092446011112223333412237").organizational_category == 4


def test_gallagher_documentation_sample_is_rejected_for_its_association_9() -> None:
    with pytest.raises(InvalidFascnError, match="association is 9"):
        Fascn.parse("3165-4313-245789-098765432113456799")


@pytest.mark.parametrize(
    ("value", "length", "fields"),
    [
        ("0001092446", 10, "(system, credential number)"),
        ("00320001092446", 14, "(agency, system, credential number)"),
        ("0032-0001-092446", 14, "(agency, system, credential number)"),
        ("0032000109244601", 16, "(agency, system, credential number, credential series, issue)"),
    ],
)
def test_partial_digit_strings_raise_partial_fascn_error(
    value: str, length: int, fields: str
) -> None:
    with pytest.raises(PartialFascnError) as caught:
        Fascn.parse(value)
    assert str(caught.value) == f"a {length}-digit partial FASC-N {fields} is not a full FASC-N"


@pytest.mark.parametrize("value", ["1234567", "003200010924460111122233331122321"])
def test_other_digit_counts_are_invalid_but_not_partial(value: str) -> None:
    with pytest.raises(InvalidFascnError, match="-digit number is not a FASC-N") as caught:
        Fascn.parse(value)
    assert not isinstance(caught.value, PartialFascnError)


def test_a_hyphen_inside_a_field_is_rejected() -> None:
    with pytest.raises(InvalidFascnError, match="does not fall between two fields"):
        Fascn.parse("003-20001-092446-011112223333112232")


@pytest.mark.parametrize("value", ["", "   ", b"", bytes(25), "0" * 50])
def test_empty_or_all_zero_is_reported_as_absent(value: str | bytes) -> None:
    with pytest.raises(InvalidFascnError, match=r"^FASC-N is absent$"):
        Fascn.parse(value)


@pytest.mark.parametrize("value", [None, "", " \t", b"", bytes(25), "0" * 50, f" {'0' * 50} "])
def test_parse_optional_returns_none_when_absent(value: str | bytes | None) -> None:
    assert Fascn.parse_optional(value) is None


def test_parse_optional_parses_a_present_value_and_still_rejects_bad_ones() -> None:
    assert Fascn.parse_optional(V1) == Fascn(V1_DIGITS)
    with pytest.raises(InvalidFascnError):
        Fascn.parse_optional(V3)
    with pytest.raises(InvalidFascnError, match="24 bytes"):
        Fascn.parse_optional(bytes(24))


def test_raw_bytes_of_the_wrong_length_are_rejected_with_the_length() -> None:
    with pytest.raises(InvalidFascnError, match=r"^FASC-N is 26 bytes long; expected 25$"):
        Fascn.parse(bytes.fromhex(V1) + b"\x00")


def test_garbage_is_rejected_with_a_short_quoted_excerpt() -> None:
    garbage = "not a fascn\n" + "x" * 50
    with pytest.raises(InvalidFascnError) as caught:
        Fascn.parse(garbage)
    message = str(caught.value)
    assert message.startswith("'not a fascn\\n")
    assert "\n" not in message
    assert len(message) < 160


def test_ten_megabytes_of_input_get_a_short_message() -> None:
    with pytest.raises(InvalidFascnError) as caught:
        Fascn.parse("7" * 10_000_000)
    assert str(caught.value) == (
        "FASC-N text is 10000000 characters long; no FASC-N form is longer than 50"
    )


def test_a_non_text_value_is_rejected_as_invalid() -> None:
    with pytest.raises(InvalidFascnError, match="not int"):
        Fascn.parse(32)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "digits",
    [
        "0032000109244601111222333311223",
        "0032000109244601111222333311223٢",
        "003200010924460111122233331122x2",
    ],
)
def test_constructor_accepts_only_32_ascii_digits(digits: str) -> None:
    with pytest.raises(InvalidFascnError):
        Fascn(digits)


def test_fascn_from_different_forms_is_one_hashable_value() -> None:
    assert len({Fascn.parse(form) for form in V1_FORMS}) == 1


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("00320001092446", "00320001092446"),
        (" [0032-0001-092446-0-1] ", "0032000109244601"),
        ("0001-092446", "0001092446"),
    ],
)
def test_partial_fascn_parses_10_14_or_16_digits(value: str, digits: str) -> None:
    partial = PartialFascn.parse(value)
    assert partial.digits == digits
    assert str(partial) == digits


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (V1_DIGITS, "is a full FASC-N, not a partial key"),
        ("123456789012", "10, 14 or 16 digits, not 12"),
        ("00-01092446", "does not fall between two fields"),
        ("abc", "is not a partial FASC-N"),
        ("", "absent"),
        ("1" * 1000, "1000 characters long"),
    ],
)
def test_partial_fascn_rejects_anything_else(value: str, message: str) -> None:
    with pytest.raises(InvalidFascnError, match=message):
        PartialFascn.parse(value)
