"""Report rows: what a run tells the user, as data (level, code, message, where, fields)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from idms.connectors.base import Location
from idms.jobs.kinds import EntryLevel

VALUE_DISPLAY_LIMIT = 80


def shorten(value: str | None, limit: int = VALUE_DISPLAY_LIMIT) -> str:
    """A value cut for display: hostile input can be megabytes long."""
    if not value:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class ReportEntry:
    level: EntryLevel
    code: str
    message: str
    location: Location | None = None
    value: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def error(
        cls, code: str, message: str, location: Location | None = None, **kw: Any
    ) -> ReportEntry:
        return cls(EntryLevel.ERROR, code, message, location, **kw)

    @classmethod
    def warning(
        cls, code: str, message: str, location: Location | None = None, **kw: Any
    ) -> ReportEntry:
        return cls(EntryLevel.WARNING, code, message, location, **kw)
