"""Typed connector errors: the type decides what happens next (house rule 4)."""

from __future__ import annotations


class ConnectorError(Exception):
    """Base class. ``str(error)`` is a sentence a system manager understands; never a secret."""


class TransientError(ConnectorError):
    """Try again later (timeouts, connection refused, 429, 5xx): retried with backoff."""


class NotFoundError(ConnectorError):
    """The account the action targets is gone: the caller re-creates it."""


class ConflictError(ConnectorError):
    """The target holds something that clashes (uniqueness, stale version)."""


class InvalidValueError(ConnectorError):
    """The target refused a value: recorded as an error for this action; the run goes on."""


class StopError(ConnectorError):
    """Nothing more can be done on this relying party (bad token, bad URL, misconfiguration):
    its remaining actions end with this reason."""
