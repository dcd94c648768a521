"""Relying-party types idms can connect to, and how to build a connector from stored settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from idms.connectors.base import TargetConnector
from idms.connectors.scim import ScimConfig, ScimConnector

TARGET_TYPES = ("scim",)


class UnknownTypeError(ValueError):
    pass


def build_target(kind: str, settings: Mapping[str, Any], secret: str) -> TargetConnector:
    """A connector for a relying party of type ``kind``; raises ValueError on bad settings."""
    if kind == "scim":
        config = ScimConfig(
            url=str(settings.get("url", "")),
            token=secret or None,
            timeout=float(settings.get("timeout", 10.0)),
            page_size=int(settings.get("page_size", 200)),
            verify_tls=bool(settings.get("verify_tls", True)),
        )
        return ScimConnector(config)
    raise UnknownTypeError(
        f"unknown relying party type {kind!r}; expected one of {', '.join(TARGET_TYPES)}"
    )
