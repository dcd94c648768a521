"""Behaviour of the clocks and of date expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from idms.domain import (
    Clock,
    CredentialStatus,
    FixedClock,
    SystemClock,
    effective_status,
    is_expired,
    today,
)

S = CredentialStatus
EXPIRY = date(2030, 6, 30)


def test_fixed_clock_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2030, 1, 1))  # noqa: DTZ001


def test_fixed_clock_reports_its_instant_in_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    clock = FixedClock(datetime(2030, 1, 1, 23, 30, tzinfo=eastern))
    assert clock.now() == datetime(2030, 1, 2, 4, 30, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)


def test_advance_moves_the_fixed_clock() -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    clock.advance(timedelta(days=2, hours=1))
    assert clock.now() == datetime(2030, 1, 3, 1, tzinfo=UTC)


def test_today_is_the_utc_date() -> None:
    eastern = timezone(timedelta(hours=-5))
    clock: Clock = FixedClock(datetime(2030, 1, 1, 23, 30, tzinfo=eastern))
    assert today(clock) == date(2030, 1, 2)


def test_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after


@pytest.mark.parametrize(
    ("status", "expires_on", "on", "expired"),
    [
        (S.ACTIVE, EXPIRY, EXPIRY - timedelta(days=1), False),
        (S.ACTIVE, EXPIRY, EXPIRY, False),
        (S.ACTIVE, EXPIRY, EXPIRY + timedelta(days=1), True),
        (S.ACTIVE, None, date(2999, 1, 1), False),
        (S.EXPIRED, EXPIRY + timedelta(days=3650), EXPIRY, True),
        (S.EXPIRED, None, EXPIRY, True),
    ],
)
def test_a_card_is_valid_through_its_expiry_date(
    status: CredentialStatus, expires_on: date | None, on: date, expired: bool
) -> None:
    assert is_expired(status, expires_on, on) is expired


AFTER = EXPIRY + timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "expected_after_expiry"),
    [
        (S.REQUESTED, S.EXPIRED),
        (S.IN_PRODUCTION, S.EXPIRED),
        (S.ISSUED, S.EXPIRED),
        (S.ACTIVE, S.EXPIRED),
        (S.SUSPENDED, S.EXPIRED),
        (S.EXPIRED, S.EXPIRED),
        (S.REVOKED, S.REVOKED),
        (S.TERMINATED, S.TERMINATED),
    ],
)
def test_effective_status_after_expiry_keeps_only_revoked_and_terminated(
    status: CredentialStatus, expected_after_expiry: CredentialStatus
) -> None:
    assert effective_status(status, EXPIRY, AFTER) is expected_after_expiry
    assert effective_status(status, EXPIRY, EXPIRY) is status


def test_effective_status_without_an_expiry_date_is_the_status() -> None:
    assert effective_status(S.ACTIVE, None, date(2999, 1, 1)) is S.ACTIVE
