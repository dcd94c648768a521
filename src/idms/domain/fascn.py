"""The FASC-N (Federal Agency Smart Credential Number) value objects.

A full FASC-N is held canonically as 32 decimal digits, fields in this order::

    AC(4) SC(4) CN(6) CS(1) ICI(1) PI(10) OC(1) OI(4) POA(1)

On a card it is 25 bytes: 40 five-bit characters (start sentinel, the 32 digits with field
separators, end sentinel, LRC), each character four data bits least significant bit first followed
by an odd-parity bit.

A partial key (10, 14 or 16 digits, as many access control systems store) is a separate type,
:class:`PartialFascn`, and is never promoted to a :class:`Fascn`: different cards share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import xor

from idms.domain.errors import InvalidFascnError, PartialFascnError, quote_excerpt

__all__ = ["Fascn", "PartialFascn"]

_RAW_LENGTH = 25
_CHARACTERS = 40
_DIGITS = 32

_SS = 0xB  # start sentinel
_FS = 0xD  # field separator
_ES = 0xF  # end sentinel
_FS_POSITIONS = (5, 10, 17, 19, 21)
_ES_POSITION = 38
_LRC_POSITION = 39

# Field boundaries within the 32 digits: a hyphen in a text form may only fall on one of these.
_FIELD_ENDS = frozenset({4, 8, 14, 15, 16, 26, 27, 31})

# No accepted text form is longer than 50 characters (the hex form); anything much longer is
# rejected on its length alone so that hostile input is never scanned by a regular expression.
_MAX_TEXT = 64

_HEX50 = re.compile(r"[0-9A-Fa-f]{50}")
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:-[0-9]+)*")
_SENTINEL = re.compile(
    r"S([0-9]{4})F([0-9]{4})F([0-9]{6})F([0-9])F([0-9])F([0-9]{16})E[0-9A-F]?", re.IGNORECASE
)
_PARTIAL_LENGTHS = {
    10: "system, credential number",
    14: "agency, system, credential number",
    16: "agency, system, credential number, credential series, issue",
}


def _character_label(position: int) -> str:
    """Name the field a character position (0-39) of the 25-byte encoding belongs to."""
    if position == 0:
        return "start sentinel"
    if position in _FS_POSITIONS:
        return "field separator"
    if position == _ES_POSITION:
        return "end sentinel"
    if position == _LRC_POSITION:
        return "LRC"
    for last, label in (
        (4, "agency code"),
        (9, "system code"),
        (16, "credential number"),
        (18, "credential series"),
        (20, "individual credential issue"),
        (31, "person identifier"),
        (32, "organizational category"),
        (36, "organizational identifier"),
    ):
        if position <= last:
            return label
    return "person/organization association"


def _encode_character(nibble: int) -> int:
    """Five-bit character for ``nibble``: data bits LSB first, then the odd-parity bit."""
    group = 0
    for bit in range(4):
        group = (group << 1) | ((nibble >> bit) & 1)
    parity = 0 if nibble.bit_count() % 2 else 1
    return (group << 1) | parity


_ENCODE = tuple(_encode_character(n) for n in range(16))
_DECODE = {group: nibble for nibble, group in enumerate(_ENCODE)}


def _decode_raw(raw: bytes) -> str:
    """Decode the 25-byte encoding to 32 digits, validating every bit; raise on any fault."""
    if len(raw) == 0 or (len(raw) == _RAW_LENGTH and not any(raw)):
        raise InvalidFascnError("FASC-N is absent")
    if len(raw) != _RAW_LENGTH:
        raise InvalidFascnError(f"FASC-N is {len(raw)} bytes long; expected {_RAW_LENGTH}")
    bits = int.from_bytes(raw, "big")
    nibbles: list[int] = []
    for position in range(_CHARACTERS):
        group = (bits >> (5 * (_CHARACTERS - 1 - position))) & 0x1F
        nibble = _DECODE.get(group)
        if nibble is None:
            # Every 5-bit group with odd parity is in _DECODE, so a miss is a parity failure.
            raise InvalidFascnError(
                f"FASC-N character {position} ({_character_label(position)}; numbered from 0) "
                "fails odd parity"
            )
        nibbles.append(nibble)
    if nibbles[0] != _SS:
        raise InvalidFascnError("FASC-N does not begin with the start sentinel")
    for position in _FS_POSITIONS:
        if nibbles[position] != _FS:
            raise InvalidFascnError(
                f"FASC-N character {position} (numbered from 0) is not a field separator"
            )
    if nibbles[_ES_POSITION] != _ES:
        raise InvalidFascnError(
            f"FASC-N character {_ES_POSITION} (numbered from 0) is not the end sentinel"
        )
    digits: list[str] = []
    for position in range(1, _ES_POSITION):
        if position in _FS_POSITIONS:
            continue
        if nibbles[position] > 9:
            raise InvalidFascnError(
                f"FASC-N character {position} ({_character_label(position)}; numbered from 0) "
                f"is 0x{nibbles[position]:X}, not a decimal digit"
            )
        digits.append(str(nibbles[position]))
    # The LRC may take any value 0x0-0xF (real cards carry e.g. 14), but it is computed from the
    # other characters, so a value that differs from that computation means corrupted data.
    if nibbles[_LRC_POSITION] != reduce(xor, nibbles[:_LRC_POSITION]):
        raise InvalidFascnError("FASC-N LRC does not match the other characters")
    return "".join(digits)


def _partial_error(length: int) -> PartialFascnError:
    return PartialFascnError(
        f"a {length}-digit partial FASC-N ({_PARTIAL_LENGTHS[length]}) is not a full FASC-N"
    )


def _check_hyphens(text: str, what: str) -> None:
    """Require every hyphen in hyphen-separated digit groups to sit on a field boundary."""
    end = 0
    for group in text.split("-")[:-1]:
        end += len(group)
        if end not in _FIELD_ENDS:
            raise InvalidFascnError(f"a hyphen in the {what} does not fall between two fields")


@dataclass(frozen=True, slots=True)
class Fascn:
    """A full FASC-N: exactly 32 decimal digits, OC in 1-4 and POA in 1-7.

    Construct with :meth:`parse` (any accepted form) or directly from the 32 canonical digits;
    either way an invalid value raises :class:`InvalidFascnError`.
    """

    digits: str

    def __post_init__(self) -> None:
        digits = self.digits
        if not isinstance(digits, str):
            raise InvalidFascnError("FASC-N digits must be text")
        if len(digits) != _DIGITS:
            raise InvalidFascnError(f"FASC-N has {len(digits)} characters; expected 32 digits")
        if not (digits.isascii() and digits.isdigit()):
            raise InvalidFascnError("FASC-N contains a character that is not a digit 0-9")
        if digits[26] not in "1234":
            raise InvalidFascnError(
                f"FASC-N organizational category is {digits[26]}; expected 1 to 4"
            )
        if digits[31] not in "1234567":
            raise InvalidFascnError(
                f"FASC-N person/organization association is {digits[31]}; expected 1 to 7"
            )

    @classmethod
    def parse(cls, value: str | bytes) -> Fascn:
        """Parse any accepted form of a full FASC-N.

        Accepted forms:

        * ``bytes``: the 25 raw bytes as read from the card.
        * 50 hex characters (any case), the 25 bytes in hex.
        * 32 digits, the canonical form.
        * Hyphenated digits, hyphens only between fields, optionally in square brackets:
          Gallagher ``AC-SC-CN-rest`` (4-4-6-18), the print form
          ``[0032-0001-092446-0-1-1112223333112232]``, or :meth:`display` output.
        * Sentinel notation ``S<AC>F<SC>F<CN>F<CS>F<ICI>F<PI OC OI POA>E``, letters in any
          case, optionally followed by one LRC character; that trailing character is accepted and
          ignored because the text carries no parity to check it against and tools differ in
          how they print it.

        Surrounding whitespace is ignored. The byte and hex forms are decoded with full bit-level
        validation: length, odd parity of every character, sentinels and separators in place,
        every data character decimal, LRC equal to the XOR of the 39 preceding characters.

        Raises :class:`PartialFascnError` for 10, 14 or 16 digits, and :class:`InvalidFascnError`
        for anything else that is not a valid FASC-N, including an empty value or 25 zero bytes
        (``'FASC-N is absent'``; use :meth:`parse_optional` where absence is allowed).
        """
        if isinstance(value, bytes | bytearray | memoryview):
            return cls(_decode_raw(bytes(value)))
        if not isinstance(value, str):
            raise InvalidFascnError(f"FASC-N must be text or bytes, not {type(value).__name__}")
        text = value.strip()
        if not text:
            raise InvalidFascnError("FASC-N is absent")
        if len(text) > _MAX_TEXT:
            raise InvalidFascnError(
                f"FASC-N text is {len(text)} characters long; no FASC-N form is longer than 50"
            )
        if _HEX50.fullmatch(text):
            return cls(_decode_raw(bytes.fromhex(text)))
        sentinel = _SENTINEL.fullmatch(text)
        if sentinel:
            return cls("".join(sentinel.groups()))
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1].strip()
        if _DIGIT_GROUPS.fullmatch(text):
            digits = text.replace("-", "")
            if len(digits) in _PARTIAL_LENGTHS:
                raise _partial_error(len(digits))
            if len(digits) != _DIGITS:
                raise InvalidFascnError(
                    f"a {len(digits)}-digit number is not a FASC-N; expected 32 digits"
                )
            _check_hyphens(text, "FASC-N")
            return cls(digits)
        raise InvalidFascnError(
            f"{quote_excerpt(value.strip())} is not a FASC-N in any accepted form "
            "(32 digits, 50 hex characters, hyphenated, or sentinel notation)"
        )

    @classmethod
    def parse_optional(cls, value: str | bytes | None) -> Fascn | None:
        """Like :meth:`parse`, but return ``None`` when the FASC-N is absent.

        Absent means ``None``, empty or whitespace-only text, empty bytes, or 25 zero bytes
        (raw or as 50 hex zeros): cards without a FASC-N carry all zeros.
        """
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if not text or (len(text) == 2 * _RAW_LENGTH and text.count("0") == len(text)):
                return None
        elif (
            isinstance(value, bytes | bytearray | memoryview)
            and len(value) in (0, _RAW_LENGTH)
            and not any(bytes(value))
        ):
            return None
        return cls.parse(value)

    @property
    def agency_code(self) -> str:
        """AC: 4 digits identifying the issuing agency (9999 for non-federal issuers)."""
        return self.digits[0:4]

    @property
    def system_code(self) -> str:
        """SC: 4 digits identifying the issuing system within the agency."""
        return self.digits[4:8]

    @property
    def credential_number(self) -> str:
        """CN: 6 digits, unique within the agency and system."""
        return self.digits[8:14]

    @property
    def credential_series(self) -> str:
        """CS: 1 digit, the series of the credential."""
        return self.digits[14]

    @property
    def individual_credential_issue(self) -> str:
        """ICI: 1 digit, incremented when a card is reissued with the same credential number."""
        return self.digits[15]

    @property
    def person_identifier(self) -> str:
        """PI: 10 digits identifying the person within the organization."""
        return self.digits[16:26]

    @property
    def organizational_category(self) -> int:
        """OC: 1 federal government, 2 state, 3 commercial, 4 foreign."""
        return int(self.digits[26])

    @property
    def organizational_identifier(self) -> str:
        """OI: 4 digits identifying the organization (meaning depends on OC)."""
        return self.digits[27:31]

    @property
    def person_association(self) -> int:
        """POA: the person's association with the organization, 1 to 7."""
        return int(self.digits[31])

    @property
    def is_piv_i_pattern(self) -> bool:
        """True for the PIV-I/non-federal pattern AC, SC, CN = 9999, 9999, 999999.

        Such a FASC-N is shared by many cards and is not an identifier; use the card UUID.
        """
        return self.digits[:14] == "99999999999999"

    @property
    def fascn10(self) -> PartialFascn:
        """The 10-digit partial key SC+CN."""
        return PartialFascn(self.digits[4:14])

    @property
    def fascn14(self) -> PartialFascn:
        """The 14-digit partial key AC+SC+CN."""
        return PartialFascn(self.digits[:14])

    @property
    def fascn16(self) -> PartialFascn:
        """The 16-digit partial key AC+SC+CN+CS+ICI."""
        return PartialFascn(self.digits[:16])

    def to_bytes(self) -> bytes:
        """The 25-byte card encoding: sentinels, separators, odd parity, and LRC."""
        nibbles = [_SS]
        # AC, SC, CN, CS and ICI are each followed by a field separator; the final run
        # (PI OC OI POA) by the end sentinel.
        for start, end in ((0, 4), (4, 8), (8, 14), (14, 15), (15, 16), (16, 32)):
            nibbles.extend(int(d) for d in self.digits[start:end])
            nibbles.append(_FS if end != _DIGITS else _ES)
        nibbles.append(reduce(xor, nibbles))
        bits = 0
        for nibble in nibbles:
            bits = (bits << 5) | _ENCODE[nibble]
        return bits.to_bytes(_RAW_LENGTH, "big")

    def to_hex(self) -> str:
        """The 25-byte encoding as 50 upper-case hex characters."""
        return self.to_bytes().hex().upper()

    def display(self) -> str:
        """Human form ``AC-SC-CN-CS-ICI-PI-OC-OI-POA``; :meth:`parse` accepts it back."""
        d = self.digits
        return "-".join((d[0:4], d[4:8], d[8:14], d[14], d[15], d[16:26], d[26], d[27:31], d[31]))

    def __str__(self) -> str:
        return self.digits


@dataclass(frozen=True, slots=True)
class PartialFascn:
    """A 10, 14 or 16-digit partial FASC-N key (SC+CN, AC+SC+CN, or AC+SC+CN+CS+ICI).

    Partial keys are not unique across cards, so this type is never promoted to a :class:`Fascn`.
    """

    digits: str

    def __post_init__(self) -> None:
        digits = self.digits
        if not isinstance(digits, str):
            raise InvalidFascnError("partial FASC-N digits must be text")
        if not (digits.isascii() and digits.isdigit()):
            raise InvalidFascnError("partial FASC-N contains a character that is not a digit 0-9")
        if len(digits) not in _PARTIAL_LENGTHS:
            raise InvalidFascnError(f"a partial FASC-N has 10, 14 or 16 digits, not {len(digits)}")

    @classmethod
    def parse(cls, value: str) -> PartialFascn:
        """Parse 10, 14 or 16 digits, optionally hyphenated between fields and in brackets.

        A full 32-digit FASC-N is refused: derive a partial key from it with
        :attr:`Fascn.fascn10` and friends, which name the key length explicitly.
        Raises :class:`InvalidFascnError`.
        """
        if not isinstance(value, str):
            raise InvalidFascnError(f"partial FASC-N must be text, not {type(value).__name__}")
        text = value.strip()
        if not text:
            raise InvalidFascnError("partial FASC-N is absent")
        if len(text) > _MAX_TEXT:
            raise InvalidFascnError(
                f"partial FASC-N text is {len(text)} characters long; expected 10, 14 or 16 digits"
            )
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1].strip()
        if not _DIGIT_GROUPS.fullmatch(text):
            raise InvalidFascnError(
                f"{quote_excerpt(value.strip())} is not a partial FASC-N; "
                "expected 10, 14 or 16 digits"
            )
        digits = text.replace("-", "")
        if len(digits) == _DIGITS:
            raise InvalidFascnError("a 32-digit FASC-N is a full FASC-N, not a partial key")
        # A 10-digit key starts at the system code: check its hyphens as if the agency code led.
        _check_hyphens(("0000-" + text) if len(digits) == 10 else text, "partial FASC-N")
        return cls(digits)

    def __str__(self) -> str:
        return self.digits
