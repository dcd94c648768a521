"""The card UUID value object: the GUID in the CHUID, repeated in the PIV Authentication cert."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from idms.domain.errors import InvalidCardUuidError, quote_excerpt

__all__ = ["CardUuid"]

# The longest accepted text form is the urn:uuid: URI (45 characters); longer text is rejected on
# its length alone so that hostile input is never scanned or converted to an integer.
_MAX_TEXT = 64
_URN_PREFIX = "urn:uuid:"
_HYPHENATED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_DECIMAL = re.compile(r"[0-9]+")


def _from_int(number: int) -> uuid.UUID:
    if number < 0:
        raise InvalidCardUuidError("card UUID number is negative")
    if number >= 1 << 128:
        raise InvalidCardUuidError("card UUID number is too large for 128 bits")
    return uuid.UUID(int=number)


def _from_text(value: str) -> uuid.UUID:
    text = value.strip()
    if not text:
        raise InvalidCardUuidError("card UUID is absent")
    if len(text) > _MAX_TEXT:
        raise InvalidCardUuidError(
            f"card UUID text is {len(text)} characters long; no card UUID form is longer than 45"
        )
    lowered = text.lower()
    wrapped = False
    if lowered.startswith(_URN_PREFIX):
        lowered, wrapped = lowered[len(_URN_PREFIX) :], True
    elif lowered.startswith("{") and lowered.endswith("}"):
        lowered, wrapped = lowered[1:-1], True
    if _HYPHENATED.fullmatch(lowered) or _HEX32.fullmatch(lowered):
        return uuid.UUID(hex=lowered)
    if not wrapped and _DECIMAL.fullmatch(lowered):
        return _from_int(int(lowered))
    raise InvalidCardUuidError(
        f"{quote_excerpt(text)} is not a card UUID; expected 8-4-4-4-12 hex, 32 hex digits, "
        "urn:uuid:, {…}, or a decimal number"
    )


@dataclass(frozen=True, slots=True)
class CardUuid:
    """A card UUID; never the nil UUID, which cards use to mean "no UUID"."""

    value: uuid.UUID

    def __post_init__(self) -> None:
        if not isinstance(self.value, uuid.UUID):
            raise InvalidCardUuidError("card UUID must be a UUID")
        if self.value.int == 0:
            raise InvalidCardUuidError("card UUID is the nil UUID (absent)")

    @classmethod
    def parse(cls, value: str | bytes | int) -> CardUuid:
        """Parse any accepted form of a card UUID.

        Accepted forms:

        * ``bytes``: exactly 16 raw bytes, big-endian as stored on the card.
        * ``int``: the UUID as a big-endian 128-bit unsigned integer.
        * Text, surrounding whitespace ignored, hex digits in any case:

          - ``8-4-4-4-12`` hex;
          - exactly 32 hex digits (OnGuard "Full GUID (Hexadecimal)"). A 32-character string is
            read as hex even when every character is a decimal digit;
          - ``urn:uuid:`` followed by either of the above;
          - either of the above in braces ``{…}``;
          - any other string of decimal digits (Gallagher "GUID in decimal"), read as a
            big-endian integer that must be below 2**128.

        Raises :class:`InvalidCardUuidError` for anything else, and for the nil UUID in any form
        (``'card UUID is the nil UUID (absent)'``; use :meth:`parse_optional` where absence is
        allowed).
        """
        if isinstance(value, bytes | bytearray | memoryview):
            raw = bytes(value)
            if len(raw) != 16:
                raise InvalidCardUuidError(f"card UUID is {len(raw)} bytes long; expected 16")
            return cls(uuid.UUID(bytes=raw))
        # bool is an int subclass; True is never a card UUID someone meant to give.
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(_from_int(value))
        if isinstance(value, str):
            return cls(_from_text(value))
        raise InvalidCardUuidError(
            f"card UUID must be text, bytes or an integer, not {type(value).__name__}"
        )

    @classmethod
    def parse_optional(cls, value: str | bytes | int | None) -> CardUuid | None:
        """Like :meth:`parse`, but return ``None`` when the card UUID is absent.

        Absent means ``None``, empty or whitespace-only text, empty bytes, or the nil UUID in any
        accepted form.
        """
        if value is None:
            return None
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, bytes | bytearray | memoryview) and len(value) == 0:
            return None
        try:
            return cls.parse(value)
        except InvalidCardUuidError:
            if _is_nil(value):
                return None
            raise

    @property
    def is_rfc4122(self) -> bool:
        """True when the variant bits say RFC 4122 (FIPS 201-3 requires it; callers warn if not)."""
        return self.value.variant == uuid.RFC_4122

    def __str__(self) -> str:
        return str(self.value)


def _is_nil(value: str | bytes | int) -> bool:
    """True when ``value`` is a well-formed rendering of the nil UUID."""
    try:
        if isinstance(value, bytes | bytearray | memoryview):
            return len(value) == 16 and not any(bytes(value))
        if isinstance(value, int):
            return value == 0 and not isinstance(value, bool)
        return _from_text(value).int == 0
    except InvalidCardUuidError:
        return False
