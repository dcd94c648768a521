"""Streaming reader for CMS credential history reports, in CSV or JSON Lines.

The reader is purely syntactic: it turns bytes into raw records, each with the physical line it
starts on. Whether a status, FASC-N or date makes sense is decided elsewhere.

Memory stays bounded whatever the file holds, and does not grow with the number of rows:

* The file is read one physical line at a time, and a line in pieces of at most
  ``_PIECE_BYTES`` bytes, so an endless line is never held whole.
* A CSV record of at most ``_FAST_RECORD_CHARS`` characters (nearly all of them) is parsed by the
  ``csv`` module. A longer one goes to ``_CsvScanner``, a streaming parser with the same grammar
  that keeps at most ``FIELD_LIMIT`` characters of each of the header's fields and only counts
  the rest. The record is then rejected if a field is too long, and read normally if none is.
* A JSON Lines record is parsed whole by ``json``, so a line is held up to
  ``JSONL_LINE_LIMIT`` characters; a longer one is read through, counted and rejected.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from enum import StrEnum
from io import BufferedReader
from pathlib import Path
from typing import Final

from idms.connectors.base import (
    Location,
    Rejected,
    SourceFileError,
    SourceItem,
    SourceRecord,
    SourceWarning,
)
from idms.connectors.cms_report.fields import KNOWN, REQUIRED

FIELD_LIMIT: Final = 65536
"""The longest field value, in characters; a record with a longer one is rejected."""

JSONL_LINE_LIMIT: Final = 16 * 1024 * 1024
"""The longest JSON Lines line, in characters, that is parsed; a longer one is rejected."""

MAX_UNKNOWN_KEY_WARNINGS: Final = 100
"""Distinct unknown JSON Lines keys warned about one by one; past that, one last warning."""

_PIECE_BYTES: Final = 128 * 1024
# Records up to this many characters go through the csv module. It must not exceed the csv
# module's own field size limit (131072 by default), or csv would raise on a long field before
# we could measure it; ``_read_csv`` goes lower if someone lowered that limit.
_FAST_RECORD_CHARS: Final = 128 * 1024
_VALUE_CHARS: Final = 80
_BOM: Final = b"\xef\xbb\xbf"
_SNIFF_BYTES: Final = 4096
_KNOWN_SET: Final = frozenset(KNOWN)


class ReportFormat(StrEnum):
    """The two report encodings a CMS can export."""

    CSV = "csv"
    JSONL = "jsonl"


def format_for(path: Path) -> ReportFormat:
    """The format a file name implies: ``.jsonl`` / ``.ndjson`` are JSON Lines, all else CSV."""
    return ReportFormat.JSONL if path.suffix.lower() in (".jsonl", ".ndjson") else ReportFormat.CSV


class CmsReportReader:
    """Streams the records of one CMS credential history report file.

    ``read()`` yields, in file order:

    * ``SourceWarning`` for each column (CSV) or distinct key (JSON Lines) that is not part of the
      format; it is ignored. CSV warnings come first, located at the header line; a JSON Lines key
      is warned about where it first appears, for at most ``MAX_UNKNOWN_KEY_WARNINGS`` keys.
    * ``SourceRecord`` per record: its physical start line (1-based, the CSV header is a line) and
      the known fields present, lower-case name -> value stripped of surrounding whitespace
      ('' = not given; JSON ``null`` is ''). Blank lines are skipped.
    * ``Rejected`` per record that cannot be read (wrong field count, NUL character, field longer
      than ``FIELD_LIMIT`` characters, bad CSV quoting, invalid JSON, non-object, non-string
      value, a JSON key given twice in different case); ``value`` is at most 80 characters.
      Reading goes on with the next record. CSV quoting is RFC 4180, strictly: text after a
      closing quote is an error, not glued onto the field. (A JSON key repeated exactly is
      resolved by ``json`` itself: the last one wins.)

    ``SourceFileError`` is raised when the file cannot be opened or read, is not UTF-8 (possibly
    after records were yielded; the caller must discard them), or, for CSV, has no header, a
    duplicate column or lacks a required column. An empty JSON Lines file holds no records and is
    not an error: without a header there is nothing to be missing.

    ``bytes_read`` and ``size`` let a caller show progress while iterating.
    """

    def __init__(
        self, path: Path, fmt: ReportFormat | None = None, display_name: str | None = None
    ) -> None:
        self.path = Path(path)
        self.format = ReportFormat(fmt) if fmt is not None else format_for(self.path)
        self.source = display_name or self.path.name
        self._lines: _Lines | None = None

    @property
    def size(self) -> int:
        """The file's size in bytes (0 when it cannot be examined)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    @property
    def bytes_read(self) -> int:
        """How many bytes of the file the current ``read()`` has consumed so far."""
        return self._lines.pos if self._lines is not None else 0

    def read(self) -> Iterator[SourceItem]:
        """Yield the report's warnings, records and rejections; see the class docstring."""
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise SourceFileError(
                Location(self.source), f"cannot open the file: {exc.strerror or exc}"
            ) from None
        with raw:
            lines: _Lines | None = None
            try:
                lines = self._lines = _Lines(raw, self.source)
                if self.format is ReportFormat.CSV:
                    yield from self._read_csv(lines)
                else:
                    yield from self._read_jsonl(lines)
            except OSError as exc:
                raise SourceFileError(
                    Location(self.source, (lines.line_no or None) if lines is not None else None),
                    f"cannot read the file: {exc.strerror or exc}",
                ) from None

    # CSV ------------------------------------------------------------------------------------

    def _read_csv(self, lines: _Lines) -> Iterator[SourceItem]:
        source = self.source
        feeder = _CsvFeeder(lines, min(_FAST_RECORD_CHARS, csv.field_size_limit()))
        reader = csv.reader(feeder, _ReportDialect)
        header, header_line = self._csv_header(reader, feeder)
        columns = [name.strip() for name in header]
        names = [name.lower() for name in columns]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise SourceFileError(
                    Location(source, header_line, name),
                    f"column {_show(name)!r} appears more than once in the header",
                )
            if name:
                seen.add(name)
        missing = [name for name in REQUIRED if name not in seen]
        if missing:
            raise SourceFileError(
                Location(source, header_line),
                f"header lacks required column(s): {', '.join(missing)}",
            )
        for number, (name, column) in enumerate(zip(names, columns, strict=True), start=1):
            if not name:
                yield SourceWarning(
                    Location(source, header_line), f"column {number} has no name and is ignored"
                )
            elif name not in _KNOWN_SET:
                yield SourceWarning(
                    Location(source, header_line, column),
                    f"unknown column {_show(column)!r} is ignored",
                )
        rows = _CsvRows(source, columns, [(n, i) for i, n in enumerate(names) if n in _KNOWN_SET])

        # The hot loop: one csv row per iteration, with the feeder's bookkeeping read inline.
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except _LongRecord:
                line = feeder.start_line
                scan = _scan_long_record(feeder, lines, len(columns))
                feeder.reset()
                if scan.error is not None:
                    yield Rejected(Location(source, line), _csv_reason(scan.error), scan.shown())
                    continue
                item = rows.item(scan.fields, scan.lengths, scan.count, scan.nul_index, line)
            except csv.Error as exc:
                line = feeder.start_line
                text = "".join(feeder.lines)
                feeder.reset()
                _skip_rest_of_quoted_record(text.count('"'), lines)
                yield Rejected(Location(source, line), _csv_reason(str(exc)), _shorten(text))
                continue
            else:
                line = feeder.start_line
                if feeder.has_nul or feeder.chars > FIELD_LIMIT or len(row) != rows.width:
                    nul_index = _nul_index(row) if feeder.has_nul else None
                    feeder.reset()
                    item = rows.item(row, None, len(row), nul_index, line)
                else:
                    feeder.reset()
                    item = SourceRecord(
                        Location(source, line), {name: row[i].strip() for name, i in rows.known}
                    )
            if item is not None:
                yield item

    def _csv_header(self, reader: Iterator[list[str]], feeder: _CsvFeeder) -> tuple[list[str], int]:
        """The first non-blank row and its line; raises ``SourceFileError`` if it is unusable."""
        while True:
            try:
                row = next(reader)
            except StopIteration:
                raise SourceFileError(
                    Location(self.source), "no header row: the file is empty"
                ) from None
            except _LongRecord:
                raise SourceFileError(
                    Location(self.source, feeder.start_line),
                    f"the header row is longer than {feeder.limit} characters",
                ) from None
            except csv.Error as exc:
                raise SourceFileError(
                    Location(self.source, feeder.start_line),
                    f"the header row is not valid CSV: {_csv_reason(str(exc))}",
                ) from None
            line, has_nul = feeder.start_line, feeder.has_nul
            feeder.reset()
            if not _is_blank(row):
                if has_nul:
                    raise SourceFileError(
                        Location(self.source, line), "the header row contains a NUL character"
                    )
                return row, line

    # JSON Lines -----------------------------------------------------------------------------

    def _read_jsonl(self, lines: _Lines) -> Iterator[SourceItem]:
        source = self.source
        known = _KNOWN_SET
        loads = json.loads
        warned: set[str] = set()
        while True:
            piece = lines.read_piece()
            if piece is None:
                return
            text, complete = piece
            line = lines.line_no
            if not complete:
                held, length, head = _hold_line(text, lines)
                if held is None:
                    yield Rejected(
                        Location(source, line),
                        f"line is {length} characters long; the limit is {JSONL_LINE_LIMIT}",
                        _shorten(head),
                    )
                    continue
                text = held
            if not text or text.isspace():
                continue
            if "\x00" in text:
                yield Rejected(Location(source, line), "contains a NUL character", _shorten(text))
                continue
            try:
                obj = loads(text)
            except json.JSONDecodeError as exc:
                # The text is one physical line, so its position is the column (colno would
                # count the line end as a new line).
                column = min(exc.pos, len(text.rstrip("\r\n"))) + 1
                reason = f"not valid JSON: {exc.msg} (column {column})"
                yield Rejected(Location(source, line), reason, _shorten(text))
                continue
            except (ValueError, RecursionError) as exc:
                reason = f"not valid JSON: {exc}"
                yield Rejected(Location(source, line), reason, _shorten(text))
                continue
            if not isinstance(obj, dict):
                reason = f"a record must be a JSON object, not {_json_kind(obj)}"
                yield Rejected(Location(source, line), reason, _shorten(text))
                continue

            # The usual record: only known lower-case keys, string values, short, and no \u0000
            # escape in the line, so no value can hold a NUL or exceed the limit. A null or
            # non-string value has no strip(), which sends the record the careful way below.
            if len(text) <= FIELD_LIMIT and "\\u0000" not in text and known.issuperset(obj):
                try:
                    stripped = {key: value.strip() for key, value in obj.items()}
                except AttributeError:
                    pass
                else:
                    yield SourceRecord(Location(source, line), stripped)
                    continue

            fields: dict[str, str] = {}
            problem: Rejected | None = None
            for key, value in obj.items():
                name = key.strip().lower()
                if name not in known:
                    if name not in warned and len(warned) <= MAX_UNKNOWN_KEY_WARNINGS:
                        yield _unknown_key_warning(source, line, name, len(warned))
                        warned.add(name)
                    if not isinstance(value, str):
                        continue
                elif name in fields:
                    problem = Rejected(
                        Location(source, line, name), f"field {name} is given more than once"
                    )
                    break
                elif value is None:
                    value = ""
                elif not isinstance(value, str):
                    problem = Rejected(
                        Location(source, line, name),
                        f"field {name} must be a string, not {_json_kind(value)}",
                        _shorten(json.dumps(value)),
                    )
                    break
                if "\x00" in value:
                    problem = Rejected(
                        Location(source, line, name), "contains a NUL character", _shorten(value)
                    )
                    break
                if len(value) > FIELD_LIMIT:
                    problem = Rejected(
                        Location(source, line, name),
                        f"field is {len(value)} characters long; the limit is {FIELD_LIMIT}",
                        _shorten(value),
                    )
                    break
                if name in known:
                    fields[name] = value.strip()
            yield problem or SourceRecord(Location(source, line), fields)


# Physical lines -------------------------------------------------------------------------------


class _Lines:
    """The physical lines of a UTF-8 file, decoded, delivered in pieces of bounded size.

    ``line_no`` is the physical line the last piece belongs to; ``pos`` the bytes consumed. A line
    ends at ``\\n`` only, so a bare ``\\r`` stays inside a line, as the csv module expects.
    """

    __slots__ = ("_carry", "_line_done", "_readline", "_source", "line_no", "pos")

    def __init__(self, raw: BufferedReader, source: str) -> None:
        self._readline = raw.readline
        self._source = source
        self._carry = b""
        self._line_done = True
        self.line_no = 0
        self.pos = 0
        self._sniff(raw)

    def _sniff(self, raw: BufferedReader) -> None:
        """Skip a UTF-8 BOM; refuse UTF-16/32 up front, which would otherwise pass as NULs."""
        head = raw.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]
        if head.startswith(_BOM):
            raw.read(len(_BOM))
            self.pos = len(_BOM)
            head = head[len(_BOM) :]
        elif head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise self._not_utf8(head[0], 0, 1, " (a UTF-16 byte order mark)")
        first = head.split(b"\n", 1)[0]
        nul = first.find(b"\x00")
        if nul >= 0 and first.count(b"\x00") * 4 >= len(first):
            raise self._not_utf8(0, self.pos + nul, 1, " (the file looks like UTF-16)")

    def read_piece(self) -> tuple[str, bool] | None:
        """The next piece of text and whether it ends its line; None at the end of the file.

        A line shorter than ``_PIECE_BYTES`` bytes comes whole, with its ``\\n``. The last line
        may lack one. Raises ``SourceFileError`` at the first byte that is not UTF-8.
        """
        data = self._readline(_PIECE_BYTES)
        if self._line_done:
            if not data:
                return None
            self.line_no += 1
            self._line_done = False
        start = self.pos - len(self._carry)
        self.pos += len(data)
        complete = len(data) < _PIECE_BYTES or data[-1] == 0x0A
        if self._carry:
            data = self._carry + data
            self._carry = b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if complete or exc.reason != "unexpected end of data":
                raise self._not_utf8(data[exc.start], start + exc.start, self.line_no) from None
            # A character split between two pieces of a long line: finish it with the next.
            text = data[: exc.start].decode("utf-8")
            self._carry = data[exc.start :]
        if complete:
            self._line_done = True
        return text, complete

    def _not_utf8(self, byte: int, offset: int, line: int, note: str = "") -> SourceFileError:
        return SourceFileError(
            Location(self._source, line),
            f"not UTF-8: invalid byte 0x{byte:02X} at byte offset {offset} (line {line}){note}; "
            "save the report as UTF-8",
        )


def _hold_line(first: str, lines: _Lines) -> tuple[str | None, int, str]:
    """Read the rest of a long line: (its text or None if too long to hold, length, start)."""
    parts = [first]
    length = len(first)
    held = True
    while True:
        piece = lines.read_piece()
        if piece is None:
            break
        text, complete = piece
        if complete:
            text = text.rstrip("\r\n")
        length += len(text)
        if held and length > JSONL_LINE_LIMIT:
            held = False
            del parts[1:]
        if held:
            parts.append(text)
        if complete:
            break
    return ("".join(parts) if held else None), length, first


# CSV ------------------------------------------------------------------------------------------


class _ReportDialect(csv.Dialect):
    """RFC 4180, strictly: text after a closing quote, or an unclosed quote at the end, is bad."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    strict = True


class _LongRecord(Exception):
    """Raised through the csv module when a record is too long for it; see ``_CsvScanner``."""


class _CsvFeeder:
    """The line iterator the csv module reads from; it notes what the current record consumed.

    It hands the csv module whole physical lines, so the first line pulled after ``reset()`` is
    the line the next record starts on. When the record would exceed ``limit`` characters, it
    keeps the piece in ``pending`` and raises ``_LongRecord`` instead.
    """

    __slots__ = (
        "chars",
        "has_nul",
        "limit",
        "lines",
        "pending",
        "physical",
        "read_piece",
        "start_line",
    )

    def __init__(self, lines: _Lines, limit: int) -> None:
        self.physical = lines
        self.read_piece = lines.read_piece
        self.limit = limit
        self.lines: list[str] = []
        self.chars = 0
        self.has_nul = False
        self.start_line = 0
        self.pending: tuple[str, bool] = ("", True)

    def __iter__(self) -> _CsvFeeder:
        return self

    def __next__(self) -> str:
        piece = self.read_piece()
        if piece is None:
            raise StopIteration
        text, complete = piece
        if not self.lines:
            self.start_line = self.physical.line_no
        if not complete or self.chars + len(text) > self.limit:
            self.pending = piece
            raise _LongRecord
        self.lines.append(text)
        self.chars += len(text)
        if "\x00" in text:
            self.has_nul = True
        return text

    def reset(self) -> None:
        """Start a new record."""
        self.lines = []
        self.chars = 0
        self.has_nul = False


class _CsvRows:
    """Turns a parsed CSV row into a record, or rejects it, or (a blank line) drops it."""

    def __init__(self, source: str, columns: list[str], known: list[tuple[str, int]]) -> None:
        self.source = source
        self.columns = columns
        self.width = len(columns)
        self.known = known

    def item(
        self,
        row: list[str],
        lengths: list[int] | None,
        count: int,
        nul_index: int | None,
        line: int,
    ) -> SourceRecord | Rejected | None:
        """``lengths`` are the true field lengths when ``row`` holds truncated fields."""
        if count != self.width:
            if _is_blank(row):
                return None
            return Rejected(
                Location(self.source, line),
                f"row has {count} field{'' if count == 1 else 's'}; the header has {self.width}",
                _shorten(",".join(row)),
            )
        if nul_index is not None:
            return Rejected(
                Location(self.source, line, self.columns[nul_index]),
                "contains a NUL character",
                _shorten(row[nul_index]),
            )
        for i, value in enumerate(row):
            length = lengths[i] if lengths is not None else len(value)
            if length > FIELD_LIMIT:
                return Rejected(
                    Location(self.source, line, self.columns[i]),
                    f"field is {length} characters long; the limit is {FIELD_LIMIT}",
                    _shorten(value),
                )
        return SourceRecord(
            Location(self.source, line), {name: row[i].strip() for name, i in self.known}
        )


# States of _CsvScanner, named as in CPython's _csv.c, whose strict grammar it follows.
_START_RECORD, _START_FIELD, _IN_FIELD, _IN_QUOTED, _QUOTE_IN_QUOTED, _EAT_CRNL, _SKIP = range(7)
_UNQUOTED_END = re.compile(r"[,\r\n]")


class _CsvScanner:
    """A streaming CSV record parser for records too long to hand to the csv module.

    Fed text in pieces (``end_line`` after each physical line), it keeps at most ``FIELD_LIMIT``
    characters of each of the first ``keep`` fields and counts the rest, so memory is bounded
    however long the record. It reports the same errors as the csv module in strict mode.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.fields: list[str] = []
        self.lengths: list[int] = []
        self.count = 0
        self.nul_index: int | None = None
        self.error: str | None = None
        self.done = False
        self.quotes = 0
        self._state = _START_RECORD
        self._parts: list[str] = []
        self._length = 0

    def feed(self, text: str) -> None:
        """Parse the next piece of the record."""
        self.quotes += text.count('"')
        i, n = 0, len(text)
        while i < n:
            state = self._state
            if state == _IN_QUOTED:
                j = text.find('"', i)
                if j < 0:
                    self._add(text[i:])
                    return
                self._add(text[i:j])
                self._state = _QUOTE_IN_QUOTED
                i = j + 1
            elif state == _IN_FIELD:
                match = _UNQUOTED_END.search(text, i)
                if match is None:
                    self._add(text[i:])
                    return
                j = match.start()
                self._add(text[i:j])
                self._save()
                self._state = _START_FIELD if text[j] == "," else _EAT_CRNL
                i = j + 1
            elif state == _SKIP:
                return
            else:
                i = self._step(state, text[i], i + 1)

    def _step(self, state: int, char: str, after: int) -> int:
        """Handle one character in a state where every character counts; return the next index."""
        if state == _START_RECORD:
            if char in "\r\n":
                self._state = _EAT_CRNL
                return after
            state = self._state = _START_FIELD
        if state == _START_FIELD:
            if char in "\r\n":
                self._save()
                self._state = _EAT_CRNL
            elif char == '"':
                self._state = _IN_QUOTED
            elif char == ",":
                self._save()
            else:
                self._add(char)
                self._state = _IN_FIELD
        elif state == _QUOTE_IN_QUOTED:
            if char == '"':
                self._add('"')
                self._state = _IN_QUOTED
            elif char == ",":
                self._save()
                self._state = _START_FIELD
            elif char in "\r\n":
                self._save()
                self._state = _EAT_CRNL
            else:
                self._fail("',' expected after '\"'")
        elif char not in "\r\n":  # _EAT_CRNL
            self._fail("new-line character seen in unquoted field")
        return after

    def end_line(self) -> None:
        """The physical line ended; the record may be complete."""
        state = self._state
        if state == _SKIP:
            # After an error, resynchronise where the quotes balance, as the fast path does.
            self.done = self.quotes % 2 == 0
        elif state != _IN_QUOTED:
            if state in (_START_FIELD, _IN_FIELD, _QUOTE_IN_QUOTED):
                self._save()
            self._state = _START_RECORD
            self.done = True

    def end_file(self) -> None:
        """The file ended."""
        if self._state == _IN_QUOTED:
            self._fail("unexpected end of data")
        self.done = True

    def shown(self) -> str:
        """What the rejected record looked like, shortened."""
        return _shorten(",".join([*self.fields, "".join(self._parts)]).rstrip(","))

    def _add(self, text: str) -> None:
        if not text:
            return
        room = FIELD_LIMIT - self._length
        if room > 0 and self.count < self.keep:
            self._parts.append(text[:room])
        self._length += len(text)
        if self.nul_index is None and "\x00" in text:
            self.nul_index = self.count

    def _save(self) -> None:
        if self.count < self.keep:
            self.fields.append("".join(self._parts))
            self.lengths.append(self._length)
        self.count += 1
        self._parts = []
        self._length = 0

    def _fail(self, message: str) -> None:
        self.error = message
        self._state = _SKIP


def _scan_long_record(feeder: _CsvFeeder, lines: _Lines, keep: int) -> _CsvScanner:
    """Parse the record the feeder gave up on, from its first line to its end."""
    scan = _CsvScanner(keep)
    for text in feeder.lines:
        scan.feed(text)
        scan.end_line()
    text, complete = feeder.pending
    while True:
        scan.feed(text)
        if complete:
            scan.end_line()
            if scan.done:
                return scan
        piece = lines.read_piece()
        if piece is None:
            scan.end_file()
            return scan
        text, complete = piece


def _skip_rest_of_quoted_record(quotes: int, lines: _Lines) -> None:
    """After a CSV error, skip lines while the record's quotes are unbalanced (inside a field).

    Without this, the rest of a multi-line quoted field would be read as records of its own.
    """
    odd = quotes % 2 == 1
    while odd:
        piece = lines.read_piece()
        if piece is None:
            return
        text, complete = piece
        odd ^= text.count('"') % 2 == 1
        while not complete:
            piece = lines.read_piece()
            if piece is None:
                return
            text, complete = piece
            odd ^= text.count('"') % 2 == 1


def _csv_reason(message: str) -> str:
    """A csv module error message, said for a person who exported a report."""
    if message == "unexpected end of data":
        return "a quoted field is not closed before the end of the file"
    if message.startswith("',' expected after"):
        return "a closing quote must be followed by a comma or the end of the line"
    if message.startswith("new-line character seen in unquoted field"):
        return "a carriage return (CR) appears inside an unquoted field"
    return f"not valid CSV: {message}"


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _nul_index(row: list[str]) -> int | None:
    return next((i for i, value in enumerate(row) if "\x00" in value), None)


# Shared ---------------------------------------------------------------------------------------


def _shorten(text: str) -> str:
    """Text for display: at most 80 characters, line end dropped, NUL shown as a symbol."""
    text = text[: _VALUE_CHARS + 2].rstrip("\r\n")
    if len(text) > _VALUE_CHARS:
        text = text[: _VALUE_CHARS - 1] + "…"
    return _show(text)


def _show(text: str) -> str:
    # A NUL cannot be stored in PostgreSQL text, and is invisible anyway.
    return text.replace("\x00", "\u2400")


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "null"


def _unknown_key_warning(source: str, line: int, name: str, warned: int) -> SourceWarning:
    if warned < MAX_UNKNOWN_KEY_WARNINGS:
        return SourceWarning(
            Location(source, line, _shorten(name)), f"unknown field {_shorten(name)!r} is ignored"
        )
    return SourceWarning(
        Location(source, line),
        f"more than {MAX_UNKNOWN_KEY_WARNINGS} distinct unknown fields; "
        "further ones are ignored without a warning",
    )
