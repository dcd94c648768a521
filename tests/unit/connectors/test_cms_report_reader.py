"""Behaviour of the streaming CMS report reader, on files written to tmp_path."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest

from idms.connectors.base import (
    Location,
    Rejected,
    SourceFileError,
    SourceItem,
    SourceRecord,
    SourceWarning,
)
from idms.connectors.cms_report import FIELD_LIMIT, CmsReportReader, ReportFormat
from idms.connectors.cms_report.reader import JSONL_LINE_LIMIT, MAX_UNKNOWN_KEY_WARNINGS

HEADER = "event_id,event_time,event_type,status,person_id,credential_id"


def row(n: int, status: str = "active") -> str:
    return f"e{n},2024-05-01T12:00:00Z,issued,{status},p{n},c{n}"


def write(tmp_path: Path, content: str | bytes, name: str = "report.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def read_all(
    path: Path, fmt: ReportFormat | None = None, display_name: str | None = None
) -> list[SourceItem]:
    return list(CmsReportReader(path, fmt, display_name).read())


def records(items: list[SourceItem]) -> list[SourceRecord]:
    return [item for item in items if isinstance(item, SourceRecord)]


def rejections(items: list[SourceItem]) -> list[Rejected]:
    return [item for item in items if isinstance(item, Rejected)]


def warnings(items: list[SourceItem]) -> list[SourceWarning]:
    return [item for item in items if isinstance(item, SourceWarning)]


def lines_of(items: list[SourceItem]) -> list[int | None]:
    return [item.location.line for item in items]


# CSV: the header ------------------------------------------------------------------------------


def test_a_record_holds_the_known_fields_by_lower_case_name_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER},email\n{row(1)},a@example.gov\n{row(2)},\n")

    items = read_all(path)

    assert items == [
        SourceRecord(
            Location("report.csv", 2),
            {
                "event_id": "e1",
                "event_time": "2024-05-01T12:00:00Z",
                "event_type": "issued",
                "status": "active",
                "person_id": "p1",
                "credential_id": "c1",
                "email": "a@example.gov",
            },
        ),
        SourceRecord(
            Location("report.csv", 3),
            {
                "event_id": "e2",
                "event_time": "2024-05-01T12:00:00Z",
                "event_type": "issued",
                "status": "active",
                "person_id": "p2",
                "credential_id": "c2",
                "email": "",
            },
        ),
    ]


def test_optional_fields_absent_from_the_header_are_absent_from_the_record(
    tmp_path: Path,
) -> None:
    [record] = records(read_all(write(tmp_path, f"{HEADER}\n{row(1)}\n")))

    assert "email" not in record.fields
    assert set(record.fields) == {
        "event_id",
        "event_time",
        "event_type",
        "status",
        "person_id",
        "credential_id",
    }


def test_a_utf8_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + f"{HEADER}\n{row(1)}\n".encode())

    [record] = read_all(path)

    assert isinstance(record, SourceRecord)
    assert record.fields["event_id"] == "e1"


def test_columns_may_come_in_any_order(tmp_path: Path) -> None:
    header = "credential_id,status,person_id,event_type,event_time,event_id"
    path = write(tmp_path, f"{header}\nc9,revoked,p9,revoke,2024-01-01T00:00:00Z,e9\n")

    [record] = read_all(path)

    assert isinstance(record, SourceRecord)
    assert record.fields["event_id"] == "e9"
    assert record.fields["status"] == "revoked"
    assert record.fields["credential_id"] == "c9"


def test_column_names_ignore_case_and_surrounding_whitespace(tmp_path: Path) -> None:
    header = " Event_ID ,EVENT_TIME,Event_Type,  status,Person_Id,Credential_ID\t"
    path = write(tmp_path, f"{header}\n{row(1)}\n")

    [record] = read_all(path)

    assert isinstance(record, SourceRecord)
    assert record.fields["event_id"] == "e1"
    assert record.fields["credential_id"] == "c1"


def test_field_values_are_stripped_and_empty_means_not_given(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER},email\n  e1 ,t, issued,active,p1,c1,   \n")

    [record] = read_all(path)

    assert isinstance(record, SourceRecord)
    assert record.fields["event_id"] == "e1"
    assert record.fields["event_type"] == "issued"
    assert record.fields["email"] == ""


def test_an_unknown_column_is_warned_about_once_and_ignored(tmp_path: Path) -> None:
    body = "".join(f"{row(n)},x{n}\n" for n in range(1, 6))
    path = write(tmp_path, f"{HEADER},Badge_Color\n{body}")

    items = read_all(path)

    assert items[0] == SourceWarning(
        Location("report.csv", 1, "Badge_Color"), "unknown column 'Badge_Color' is ignored"
    )
    assert len(warnings(items)) == 1
    assert len(records(items)) == 5
    assert all("badge_color" not in record.fields for record in records(items))


def test_a_header_missing_required_columns_is_a_file_error_naming_them(tmp_path: Path) -> None:
    path = write(tmp_path, "event_time,event_type,person_id,credential_id\nt,issued,p1,c1\n")

    with pytest.raises(SourceFileError) as caught:
        read_all(path)

    assert caught.value.reason == "header lacks required column(s): event_id, status"
    assert caught.value.location == Location("report.csv", 1)


def test_a_column_named_twice_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER},Status\n{row(1)},active\n")

    with pytest.raises(SourceFileError, match="'status' appears more than once"):
        read_all(path)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\r\n  \n"])
def test_a_file_without_a_header_is_a_file_error(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(SourceFileError, match="no header row"):
        read_all(write(tmp_path, content))


def test_a_header_only_file_has_no_records(tmp_path: Path) -> None:
    assert read_all(write(tmp_path, f"{HEADER}\n")) == []


# CSV: lines and quoting -----------------------------------------------------------------------


def test_quoted_fields_keep_commas_doubled_quotes_and_newlines(tmp_path: Path) -> None:
    content = f'{HEADER},reason\n{row(1)},"lost, then ""found""\nagain"\n'
    [record] = read_all(write(tmp_path, content))

    assert isinstance(record, SourceRecord)
    assert record.fields["reason"] == 'lost, then "found"\nagain'


def test_a_record_after_a_multi_line_field_carries_its_physical_line(tmp_path: Path) -> None:
    content = f'{HEADER},reason\n{row(1)},"one\ntwo\r\nthree"\n{row(2)},plain\n'

    items = read_all(write(tmp_path, content))

    assert lines_of(items) == [2, 5]


def test_blank_lines_are_skipped_and_lines_stay_physical(tmp_path: Path) -> None:
    content = f"\n{HEADER}\r\n\r\n{row(1)}\r\n   \n\n{row(2)}\r\n\n"

    items = read_all(write(tmp_path, content))

    assert [type(item) for item in items] == [SourceRecord, SourceRecord]
    assert lines_of(items) == [4, 7]


def test_the_last_record_may_lack_a_line_end(tmp_path: Path) -> None:
    items = read_all(write(tmp_path, f"{HEADER}\n{row(1)}\n{row(2)}"))

    assert lines_of(items) == [2, 3]


def test_a_row_with_the_wrong_number_of_fields_is_rejected_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    content = f"{HEADER}\ne1,t,issued,active,p1\n{row(2)},extra\n{row(3)}\n"

    items = read_all(write(tmp_path, content))

    assert items[0] == Rejected(
        Location("report.csv", 2), "row has 5 fields; the header has 6", "e1,t,issued,active,p1"
    )
    assert isinstance(items[1], Rejected)
    assert items[1].reason == "row has 7 fields; the header has 6"
    assert isinstance(items[2], SourceRecord)
    assert items[2].location.line == 4


def test_a_nul_character_rejects_the_record_naming_its_column(tmp_path: Path) -> None:
    content = f"{HEADER}\ne1,t,issued,act\x00ive,p1,c1\n{row(2)}\n"

    items = read_all(write(tmp_path, content))

    assert items[0] == Rejected(
        Location("report.csv", 2, "status"), "contains a NUL character", "act\u2400ive"
    )
    assert isinstance(items[1], SourceRecord)


def test_a_rejected_value_is_shortened_to_80_characters(tmp_path: Path) -> None:
    content = f"{HEADER}\n{'z' * 500}\n"

    [rejected] = read_all(write(tmp_path, content))

    assert isinstance(rejected, Rejected)
    assert rejected.value is not None
    assert len(rejected.value) == 80
    assert rejected.value.endswith("…")


def test_a_10_mb_field_is_rejected_and_the_next_record_is_read_on_its_line(
    tmp_path: Path,
) -> None:
    huge = "x" * 10 * 1024 * 1024
    content = f"{HEADER},reason\n{row(1)},{huge}\n{row(2)},ok\n"

    items = read_all(write(tmp_path, content))

    assert len(items) == 2
    assert isinstance(items[0], Rejected)
    assert items[0].location == Location("report.csv", 2, "reason")
    assert items[0].reason == "field is 10485760 characters long; the limit is 65536"
    assert items[0].value == "x" * 79 + "…"
    assert isinstance(items[1], SourceRecord)
    assert items[1].location.line == 3
    assert items[1].fields["reason"] == "ok"


def test_a_field_just_over_the_limit_is_rejected_and_one_at_it_is_kept(tmp_path: Path) -> None:
    content = f"{HEADER},reason\n{row(1)},{'a' * (FIELD_LIMIT + 1)}\n{row(2)},{'b' * FIELD_LIMIT}\n"

    items = read_all(write(tmp_path, content))

    assert isinstance(items[0], Rejected)
    assert items[0].reason == f"field is {FIELD_LIMIT + 1} characters long; the limit is 65536"
    assert isinstance(items[1], SourceRecord)
    assert items[1].fields["reason"] == "b" * FIELD_LIMIT


def test_field_length_counts_characters_not_bytes_even_across_read_pieces(
    tmp_path: Path,
) -> None:
    content = f"{HEADER},reason\n{row(1)},{'é' * 70000}\n{row(2)},{'€' * 60000}\n"

    items = read_all(write(tmp_path, content))

    assert isinstance(items[0], Rejected)
    assert items[0].reason == "field is 70000 characters long; the limit is 65536"
    assert isinstance(items[1], SourceRecord)
    assert items[1].fields["reason"] == "€" * 60000


def test_a_long_record_with_no_overlong_field_is_read_whole(tmp_path: Path) -> None:
    # 200,000 characters: too long for the csv module's buffer, so the streaming parser reads it.
    reason = '"' + ('a, ""quoted"" word\n' * 3000) + '"'
    names = "given_name,family_name,organization,reason"
    values = f'{"g" * 60000},{"f" * 60000},"{"o" * 30000}",{reason}'
    content = f"{HEADER},{names}\n{row(1)},{values}\n{row(2)},g,f,o,r\n"

    items = read_all(write(tmp_path, content))

    assert [type(item) for item in items] == [SourceRecord, SourceRecord]
    first, second = items
    assert isinstance(first, SourceRecord)
    assert first.fields["given_name"] == "g" * 60000
    assert first.fields["organization"] == "o" * 30000
    assert first.fields["reason"] == ('a, "quoted" word\n' * 3000).strip()
    assert second.location.line == 3 + 3000


@pytest.mark.parametrize(
    "tail",
    [
        'plain,"q, ""x"""\r\n',
        '"",\n',
        'a,5" disk\n',
        '"multi\r\nline",\n',
        '"two",\n\n',
        '"bad"x,y\n',
        "a,b\rc\n",
        '"never closed,\n',
        "a,b,c\n",
        "a",
    ],
)
def test_a_long_record_is_parsed_exactly_like_a_short_one(tmp_path: Path, tail: str) -> None:
    # Padding pushes the same record past the csv module's buffer, onto the streaming parser.
    padded = ("given_name", "family_name", "organization")

    def read_with(padding: str) -> list[tuple[type, int | None, str | None, object]]:
        header = f"{HEADER},{','.join(padded)},email,reason"
        content = f"{header}\n{row(1)},{padding},{tail}{row(2)},g,f,o,e,r\n"
        return [
            (
                type(item),
                item.location.line,
                item.location.column,
                {k: v for k, v in item.fields.items() if k not in padded}
                if isinstance(item, SourceRecord)
                else getattr(item, "reason", None),
            )
            for item in read_all(write(tmp_path, content))
        ]

    assert read_with(",".join(c[0] * 60000 for c in padded)) == read_with("g,f,o")


def test_a_huge_multi_line_quoted_field_is_rejected_and_lines_stay_right(tmp_path: Path) -> None:
    field = '"' + ("y" * 1000 + "\n") * 200 + '"'
    content = f"{HEADER},reason\n{row(1)},{field}\n{row(2)},ok\n"

    items = read_all(write(tmp_path, content))

    assert isinstance(items[0], Rejected)
    assert items[0].location == Location("report.csv", 2, "reason")
    assert items[0].reason == "field is 200200 characters long; the limit is 65536"
    assert isinstance(items[1], SourceRecord)
    assert items[1].location.line == 2 + 200 + 1


def test_an_endless_line_is_streamed_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{HEADER},reason\n{row(1)},")
        for _ in range(20):
            out.write("z" * 1024 * 1024)

    tracemalloc.start()
    try:
        items = read_all(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert [item.reason for item in rejections(items)] == [
        "field is 20971520 characters long; the limit is 65536"
    ]
    assert peak < 4 * 1024 * 1024


def test_an_unterminated_quote_at_the_end_is_rejected_after_earlier_records(
    tmp_path: Path,
) -> None:
    content = f'{HEADER},reason\n{row(1)},ok\n{row(2)},"never closed\nstill open\n'

    items = read_all(write(tmp_path, content))

    assert isinstance(items[0], SourceRecord)
    assert items[1] == Rejected(
        Location("report.csv", 3),
        "a quoted field is not closed before the end of the file",
        f'{row(2)},"never closed\nstill open',
    )


def test_text_after_a_closing_quote_is_rejected_and_the_quoted_rest_skipped(
    tmp_path: Path,
) -> None:
    content = f'{HEADER},reason\n{row(1)},"bad"x\n{row(2)},"ba"d,"two\nlines"\n{row(3)},ok\n'

    items = read_all(write(tmp_path, content))

    assert [type(item) for item in items] == [Rejected, Rejected, SourceRecord]
    assert isinstance(items[0], Rejected)
    assert items[0].reason == "a closing quote must be followed by a comma or the end of the line"
    assert lines_of(items) == [2, 3, 5]


# Encoding ---------------------------------------------------------------------------------------


def test_a_latin1_byte_mid_file_raises_after_the_earlier_records(tmp_path: Path) -> None:
    head = f"{HEADER},given_name\n{row(1)},Ana\n{row(2)},Bo\n".encode()
    path = write(tmp_path, head + f"{row(3)},Jos".encode() + b"\xe9\n" + f"{row(4)},X\n".encode())
    offset = len(head) + len(f"{row(3)},Jos")

    reader = CmsReportReader(path).read()
    first, second = next(reader), next(reader)
    with pytest.raises(SourceFileError) as caught:
        next(reader)

    assert [first.location.line, second.location.line] == [2, 3]
    assert caught.value.location == Location("report.csv", 4)
    assert caught.value.reason == (
        f"not UTF-8: invalid byte 0xE9 at byte offset {offset} (line 4); save the report as UTF-8"
    )


def test_an_invalid_byte_deep_in_a_long_line_is_located_exactly(tmp_path: Path) -> None:
    head = f"{HEADER},reason\n".encode()
    body = f"{row(1)},".encode() + "é".encode() * 100_000 + b"\xff" + b"\n"

    with pytest.raises(SourceFileError) as caught:
        read_all(write(tmp_path, head + body))

    assert f"0xFF at byte offset {len(head) + len(body) - 2} (line 2)" in caught.value.reason


def test_a_utf16_file_with_a_byte_order_mark_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{row(1)}\n".encode("utf-16"))

    with pytest.raises(SourceFileError, match=r"^report.csv:1: not UTF-8: invalid byte 0x"):
        read_all(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_byte_order_mark_is_not_utf8(tmp_path: Path, codec: str) -> None:
    path = write(tmp_path, f"{HEADER}\n{row(1)}\n".encode(codec))

    with pytest.raises(SourceFileError, match=r"not UTF-8.*looks like UTF-16"):
        read_all(path)


def test_binary_garbage_is_a_clean_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, random.Random(7).randbytes(100_000))

    with pytest.raises(SourceFileError, match="not UTF-8"):
        read_all(path)


def test_binary_with_nul_bytes_in_the_first_line_is_a_clean_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, bytes(range(256)) * 40)

    with pytest.raises(SourceFileError, match=r"^report\.csv:1: "):
        read_all(path)


def test_a_missing_file_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="cannot open the file"):
        read_all(tmp_path / "absent.csv")


def test_a_directory_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="cannot open the file"):
        read_all(tmp_path)


# The reader -----------------------------------------------------------------------------------


def test_the_display_name_is_the_location_source(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{row(1)}\n")

    [record] = read_all(path, display_name="upload of May 1")

    assert record.location == Location("upload of May 1", 2)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.csv", ReportFormat.CSV),
        ("a.txt", ReportFormat.CSV),
        ("a.jsonl", ReportFormat.JSONL),
        ("a.NDJSON", ReportFormat.JSONL),
    ],
)
def test_the_format_follows_the_extension_unless_given(name: str, expected: ReportFormat) -> None:
    assert CmsReportReader(Path(name)).format is expected
    assert CmsReportReader(Path(name), ReportFormat.CSV).format is ReportFormat.CSV


def test_bytes_read_advances_to_the_file_size(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n" + "".join(f"{row(n)}\n" for n in range(100)))
    reader = CmsReportReader(path)
    seen = []

    for _ in reader.read():
        seen.append(reader.bytes_read)

    assert reader.size == path.stat().st_size
    assert seen == sorted(seen)
    assert 0 < seen[0] < reader.size
    assert reader.bytes_read == reader.size


# JSON Lines -------------------------------------------------------------------------------------


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(obj) + "\n" for obj in objects)


def required(n: int) -> dict[str, str]:
    return {
        "event_id": f"e{n}",
        "event_time": "2024-05-01T12:00:00Z",
        "event_type": "issued",
        "status": "active",
        "person_id": f"p{n}",
        "credential_id": f"c{n}",
    }


def event(n: int, **extra: object) -> dict[str, object]:
    return {**required(n), **extra}


def test_a_json_line_is_a_record_of_its_known_fields(tmp_path: Path) -> None:
    path = write(tmp_path, jsonl(event(1, email=" a@example.gov ", reason=None)), "r.jsonl")

    [record] = read_all(path)

    assert record == SourceRecord(
        Location("r.jsonl", 1), {**required(1), "email": "a@example.gov", "reason": ""}
    )


def test_json_keys_ignore_case_and_whitespace(tmp_path: Path) -> None:
    obj = {" Event_ID": "e1", "STATUS": "active", "Credential_Id": " c1 "}
    [record] = read_all(write(tmp_path, jsonl(obj), "r.jsonl"))

    assert isinstance(record, SourceRecord)
    assert record.fields == {"event_id": "e1", "status": "active", "credential_id": "c1"}


def test_json_lines_do_not_check_required_fields(tmp_path: Path) -> None:
    [record] = read_all(write(tmp_path, jsonl({"email": "x@example.gov"}), "r.jsonl"))

    assert record == SourceRecord(Location("r.jsonl", 1), {"email": "x@example.gov"})


def test_blank_json_lines_are_skipped_and_lines_stay_physical(tmp_path: Path) -> None:
    content = "\n" + jsonl(event(1)) + "  \r\n\n" + jsonl(event(2))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert lines_of(items) == [2, 5]


def test_an_empty_json_lines_file_has_no_records(tmp_path: Path) -> None:
    assert read_all(write(tmp_path, b"", "r.jsonl")) == []


def test_invalid_json_is_rejected_with_the_parser_message(tmp_path: Path) -> None:
    content = jsonl(event(1)) + '{"event_id": "e2",\n' + jsonl(event(3))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert items[1] == Rejected(
        Location("r.jsonl", 2),
        "not valid JSON: Expecting property name enclosed in double quotes (column 19)",
        '{"event_id": "e2",',
    )
    assert lines_of(items) == [1, 2, 3]
    assert isinstance(items[2], SourceRecord)


@pytest.mark.parametrize(
    ("line", "kind"), [("[1, 2]", "an array"), ('"text"', "a string"), ("42", "a number")]
)
def test_a_json_line_that_is_not_an_object_is_rejected(
    tmp_path: Path, line: str, kind: str
) -> None:
    [rejected] = read_all(write(tmp_path, line + "\n", "r.jsonl"))

    assert rejected == Rejected(
        Location("r.jsonl", 1), f"a record must be a JSON object, not {kind}", line
    )


@pytest.mark.parametrize(
    ("value", "kind"), [(5, "a number"), (True, "a boolean"), ({"a": "b"}, "an object")]
)
def test_a_non_string_value_is_rejected_naming_the_field(
    tmp_path: Path, value: object, kind: str
) -> None:
    items = read_all(write(tmp_path, jsonl(event(1, status=value), event(2)), "r.jsonl"))

    assert items[0] == Rejected(
        Location("r.jsonl", 1, "status"),
        f"field status must be a string, not {kind}",
        json.dumps(value),
    )
    assert isinstance(items[1], SourceRecord)


def test_a_field_given_twice_in_different_case_is_rejected(tmp_path: Path) -> None:
    content = '{"status": "active", "Status": "revoked"}\n'

    [rejected] = read_all(write(tmp_path, content, "r.jsonl"))

    assert isinstance(rejected, Rejected)
    assert rejected.reason == "field status is given more than once"


def test_an_unknown_json_key_is_warned_about_once_for_the_whole_file(tmp_path: Path) -> None:
    content = jsonl(*(event(n, badge="red", Badge="blue" if n == 5 else None) for n in range(50)))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert warnings(items) == [
        SourceWarning(Location("r.jsonl", 1, "badge"), "unknown field 'badge' is ignored")
    ]
    assert len(records(items)) == 50
    assert all("badge" not in record.fields for record in records(items))


def test_unknown_json_key_warnings_stop_after_a_cap(tmp_path: Path) -> None:
    content = jsonl(*(event(n, **{f"extra{n}": "x"}) for n in range(MAX_UNKNOWN_KEY_WARNINGS + 50)))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert len(warnings(items)) == MAX_UNKNOWN_KEY_WARNINGS + 1
    assert "further ones are ignored" in warnings(items)[-1].message


def test_a_nul_in_json_is_rejected_raw_or_escaped(tmp_path: Path) -> None:
    content = '{"status": "a\x00b"}\n' + jsonl(event(2, reason="x\u0000y"))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert [(item.location, item.reason) for item in rejections(items)] == [
        (Location("r.jsonl", 1), "contains a NUL character"),
        (Location("r.jsonl", 2, "reason"), "contains a NUL character"),
    ]


def test_a_10_mb_json_value_is_rejected_and_the_next_line_is_read(tmp_path: Path) -> None:
    content = jsonl(event(1, reason="x" * 10 * 1024 * 1024), event(2))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert items[0] == Rejected(
        Location("r.jsonl", 1, "reason"),
        "field is 10485760 characters long; the limit is 65536",
        "x" * 79 + "…",
    )
    assert items[1] == SourceRecord(Location("r.jsonl", 2), required(2))


def test_a_json_line_too_long_to_hold_is_rejected_and_the_next_line_is_read(
    tmp_path: Path,
) -> None:
    content = jsonl(event(1, reason="x" * JSONL_LINE_LIMIT), event(2))

    items = read_all(write(tmp_path, content, "r.jsonl"))

    assert isinstance(items[0], Rejected)
    assert items[0].location == Location("r.jsonl", 1)
    assert items[0].reason.endswith(f"characters long; the limit is {JSONL_LINE_LIMIT}")
    assert items[1] == SourceRecord(Location("r.jsonl", 2), required(2))


def test_a_latin1_byte_in_json_lines_raises_naming_its_line(tmp_path: Path) -> None:
    content = jsonl(event(1)).encode() + b'{"given_name": "Jos\xe9"}\n'

    reader = CmsReportReader(write(tmp_path, content, "r.jsonl")).read()
    assert isinstance(next(reader), SourceRecord)
    with pytest.raises(SourceFileError, match=r"invalid byte 0xE9 at byte offset \d+ \(line 2\)"):
        next(reader)


def test_a_utf16_json_lines_file_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, jsonl(event(1)).encode("utf-16-le"), "r.jsonl")

    with pytest.raises(SourceFileError, match="not UTF-8"):
        read_all(path)
