"""What every connector speaks: records read from a source, and where each came from.

A source connector streams; it never loads a whole file or table into memory. A row it cannot
read becomes a ``Rejected`` item carrying its location, field and reason, and reading goes on.
A problem with the source as a whole (wrong encoding, missing columns) raises ``SourceFileError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Location:
    """Where a record or a problem sits: a source (file name), a physical line, a column."""

    source: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        text = self.source
        if self.line is not None:
            text += f":{self.line}"
        if self.column:
            text += f": {self.column}"
        return text


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One raw record: lower-case field name -> text, stripped; '' means "not given"."""

    location: Location
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that was not imported, and why. ``value`` is shortened for display."""

    location: Location
    reason: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class SourceWarning:
    """Something worth telling the user that does not stop a record (e.g. an ignored column)."""

    location: Location
    message: str


class SourceFileError(Exception):
    """The source as a whole cannot be read; nothing from it may be stored."""

    def __init__(self, location: Location, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


SourceItem = SourceRecord | Rejected | SourceWarning


class SourceConnector(Protocol):
    """Reads credential history from a CMS."""

    def read(self) -> Iterator[SourceItem]: ...
