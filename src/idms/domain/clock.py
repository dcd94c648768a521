"""Where the domain gets the time from, so that tests can fix it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock", "today"]


class Clock(Protocol):
    """A source of the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still at ``at`` until :meth:`advance` moves it.

    ``at`` must be timezone-aware (``ValueError`` otherwise); it is converted to UTC.
    """

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.at = self.at.astimezone(UTC)

    def now(self) -> datetime:
        """The fixed time, in UTC."""
        return self.at

    def advance(self, delta: timedelta) -> None:
        """Move the clock by ``delta`` (which may be negative)."""
        self.at += delta


def today(clock: Clock) -> date:
    """The current UTC date by ``clock``."""
    return clock.now().astimezone(UTC).date()
