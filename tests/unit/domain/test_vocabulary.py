"""Behaviour of the lifecycle vocabulary and its parser."""

from __future__ import annotations

from enum import StrEnum

import pytest

from idms.domain import (
    CredentialStatus,
    CredentialType,
    DomainValueError,
    EventType,
    Reason,
    parse_enum,
)


@pytest.mark.parametrize("status", list(CredentialStatus))
def test_only_active_grants_access(status: CredentialStatus) -> None:
    assert status.grants_access == (status == CredentialStatus.ACTIVE)


@pytest.mark.parametrize("status", list(CredentialStatus))
def test_revoked_terminated_and_expired_are_the_terminal_statuses(
    status: CredentialStatus,
) -> None:
    terminal = {CredentialStatus.REVOKED, CredentialStatus.TERMINATED, CredentialStatus.EXPIRED}
    assert status.is_terminal == (status in terminal)


def test_report_text_of_piv_i_has_a_hyphen() -> None:
    assert str(CredentialType.PIV_I) == "PIV-I"
    assert str(CredentialStatus.IN_PRODUCTION) == "IN_PRODUCTION"


@pytest.mark.parametrize(
    ("enum_cls", "text", "expected"),
    [
        (CredentialType, "piv-i", CredentialType.PIV_I),
        (CredentialType, "PIV_I", CredentialType.PIV_I),
        (CredentialType, " Piv I ", CredentialType.PIV_I),
        (CredentialType, "derived piv", CredentialType.DERIVED_PIV),
        (CredentialStatus, "in production", CredentialStatus.IN_PRODUCTION),
        (CredentialStatus, "In-Production", CredentialStatus.IN_PRODUCTION),
        (CredentialStatus, "\tactive\n", CredentialStatus.ACTIVE),
        (EventType, "cert update", EventType.CERT_UPDATE),
        (Reason, "attribute-change", Reason.ATTRIBUTE_CHANGE),
    ],
)
def test_parse_enum_ignores_case_whitespace_and_separator_style(
    enum_cls: type[StrEnum], text: str, expected: StrEnum
) -> None:
    assert parse_enum(enum_cls, text) is expected


@pytest.mark.parametrize(
    "member",
    [*CredentialStatus, *CredentialType, *EventType, *Reason],
    ids=lambda m: f"{type(m).__name__}.{m.name}",
)
def test_every_member_parses_from_its_report_text_and_its_lowercase_name(
    member: StrEnum,
) -> None:
    assert parse_enum(type(member), member.value) is member
    assert parse_enum(type(member), member.name.lower()) is member


def test_unknown_value_names_the_vocabulary_and_lists_the_allowed_values() -> None:
    with pytest.raises(DomainValueError) as caught:
        parse_enum(CredentialStatus, "FOO")
    assert str(caught.value) == (
        "unknown credential status 'FOO'; expected one of ACTIVE, EXPIRED, IN_PRODUCTION, "
        "ISSUED, REQUESTED, REVOKED, SUSPENDED, TERMINATED"
    )


def test_unknown_value_message_for_a_single_word_enum() -> None:
    with pytest.raises(DomainValueError, match=r"^unknown reason 'misplaced'; expected one of "):
        parse_enum(Reason, "misplaced")


@pytest.mark.parametrize("text", ["", "   ", "-", "ACTIVE!"])
def test_empty_or_decorated_text_is_not_a_member(text: str) -> None:
    with pytest.raises(DomainValueError, match="unknown credential status"):
        parse_enum(CredentialStatus, text)


def test_hostile_long_text_gets_a_short_message() -> None:
    with pytest.raises(DomainValueError) as caught:
        parse_enum(CredentialStatus, "ACTIVE" * 1_000_000)
    assert len(str(caught.value)) < 200
