"""Behaviour of the card UUID value object."""

from __future__ import annotations

import uuid

import pytest

from idms.domain import CardUuid, InvalidCardUuidError

CANONICAL = "a0b1c2d3-e4f5-4617-8899-aabbccddeeff"
EXPECTED = uuid.UUID(CANONICAL)

FORMS: list[str | bytes | int] = [
    CANONICAL,
    CANONICAL.upper(),
    f"  {CANONICAL}\t",
    "A0B1C2D3E4F546178899AABBCCDDEEFF",
    f"urn:uuid:{CANONICAL}",
    f"URN:UUID:{CANONICAL.upper()}",
    f"{{{CANONICAL}}}",
    "{a0b1c2d3e4f546178899aabbccddeeff}",
    bytes.fromhex("a0b1c2d3e4f546178899aabbccddeeff"),
    str(EXPECTED.int),
    EXPECTED.int,
]


@pytest.mark.parametrize("form", FORMS, ids=range(len(FORMS)))
def test_every_accepted_form_gives_the_same_uuid(form: str | bytes | int) -> None:
    assert CardUuid.parse(form).value == EXPECTED


def test_str_is_lowercase_8_4_4_4_12() -> None:
    assert str(CardUuid.parse(CANONICAL.upper())) == CANONICAL


def test_raw_bytes_are_read_big_endian_as_on_the_card() -> None:
    raw = bytes(range(1, 17))
    assert str(CardUuid.parse(raw)) == "01020304-0506-0708-090a-0b0c0d0e0f10"


def test_32_decimal_digits_are_read_as_hex_not_as_a_number() -> None:
    assert str(CardUuid.parse("12345678901234567890123456789012")) == (
        "12345678-9012-3456-7890-123456789012"
    )


def test_a_shorter_digit_string_is_a_big_endian_decimal_integer() -> None:
    assert str(CardUuid.parse("258")) == "00000000-0000-0000-0000-000000000102"


def test_the_largest_128_bit_number_is_accepted_and_the_next_is_too_large() -> None:
    assert CardUuid.parse(str(2**128 - 1)).value.int == 2**128 - 1
    with pytest.raises(InvalidCardUuidError, match="too large for 128 bits"):
        CardUuid.parse(str(2**128))
    with pytest.raises(InvalidCardUuidError, match="too large for 128 bits"):
        CardUuid.parse(2**128)


NIL_FORMS: list[str | bytes | int] = [
    "00000000-0000-0000-0000-000000000000",
    "0" * 32,
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "{00000000-0000-0000-0000-000000000000}",
    bytes(16),
    "0",
    0,
]


@pytest.mark.parametrize("form", NIL_FORMS, ids=range(len(NIL_FORMS)))
def test_the_nil_uuid_in_any_form_is_absent(form: str | bytes | int) -> None:
    with pytest.raises(InvalidCardUuidError, match=r"^card UUID is the nil UUID \(absent\)$"):
        CardUuid.parse(form)
    assert CardUuid.parse_optional(form) is None


@pytest.mark.parametrize("value", [None, "", "   ", b""])
def test_parse_optional_returns_none_for_missing_values(value: str | bytes | None) -> None:
    assert CardUuid.parse_optional(value) is None


def test_parse_optional_parses_present_values_and_still_rejects_bad_ones() -> None:
    assert CardUuid.parse_optional(CANONICAL) == CardUuid(EXPECTED)
    with pytest.raises(InvalidCardUuidError):
        CardUuid.parse_optional("not-a-uuid")
    with pytest.raises(InvalidCardUuidError):
        CardUuid.parse_optional(bytes(15))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("g" * 32, "is not a card UUID"),
        ("a0b1c2d3-e4f5-4617-8899", "is not a card UUID"),
        ("a0b1c2d3e4f5-4617-8899-aabbccddeeff", "is not a card UUID"),
        ("urn:uuid:258", "is not a card UUID"),
        ("{258}", "is not a card UUID"),
        ("-258", "is not a card UUID"),
        ("", "absent"),
        (bytes(15), "15 bytes long; expected 16"),
        (-1, "negative"),
        (True, "not bool"),
        (1.5, "not float"),
    ],
)
def test_malformed_values_are_rejected(value: object, message: str) -> None:
    with pytest.raises(InvalidCardUuidError, match=message):
        CardUuid.parse(value)  # type: ignore[arg-type]


def test_hostile_long_input_gets_a_short_message() -> None:
    with pytest.raises(InvalidCardUuidError) as caught:
        CardUuid.parse("9" * 10_000_000)
    assert len(str(caught.value)) < 100


def test_a_quoted_excerpt_is_cut_short() -> None:
    with pytest.raises(InvalidCardUuidError) as caught:
        CardUuid.parse("z" * 60)
    assert "z" * 41 not in str(caught.value)


def test_direct_construction_refuses_the_nil_uuid() -> None:
    with pytest.raises(InvalidCardUuidError, match="nil UUID"):
        CardUuid(uuid.UUID(int=0))


def test_rfc4122_variant_is_recognised_and_other_variants_are_not() -> None:
    assert CardUuid.parse(CANONICAL).is_rfc4122
    assert not CardUuid.parse("a0b1c2d3-e4f5-4617-0899-aabbccddeeff").is_rfc4122
