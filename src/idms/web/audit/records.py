"""The one way to write an audit record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from idms.web.audit.models import AuditRecord


def record_audit(
    actor: str, action: str, *, at: datetime, target: str = "", **details: Any
) -> AuditRecord:
    """Write an audit row; call inside the transaction of the change it describes."""
    return AuditRecord.objects.create(
        at=at, actor=actor, action=action, target=target, details=details
    )
