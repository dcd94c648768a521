"""Errors raised when a domain value does not parse.

Every message is a short sentence a system manager can act on; it never quotes more than a short
excerpt of the offending input, because input can be hostile (megabytes long, control characters).
"""

from __future__ import annotations

__all__ = [
    "DomainValueError",
    "InvalidCardUuidError",
    "InvalidFascnError",
    "PartialFascnError",
    "quote_excerpt",
]

_EXCERPT_LIMIT = 40


class DomainValueError(ValueError):
    """A value that does not parse.

    ``str(e)`` is a short sentence a system manager understands, e.g.
    ``'FASC-N character 7 (person identifier; numbered from 0) fails odd parity'``.
    """


class InvalidFascnError(DomainValueError):
    """A value that is not a valid full FASC-N."""


class PartialFascnError(InvalidFascnError):
    """A 10, 14 or 16-digit partial FASC-N was given where a full 32-digit FASC-N is required."""


class InvalidCardUuidError(DomainValueError):
    """A value that is not a usable card UUID (malformed, too large, or the nil UUID)."""


def quote_excerpt(text: str, limit: int = _EXCERPT_LIMIT) -> str:
    """Return ``text`` quoted for an error message: at most ``limit`` characters, then ``…``.

    ``repr`` escapes control characters, so a hostile value cannot break the message layout.
    """
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + "…"
