"""Django choices derived from the core's StrEnums, never retyped."""

from __future__ import annotations

from enum import StrEnum


def enum_choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]
