"""Reads CMS credential history report files (CSV, JSON Lines) into raw source records."""

from idms.connectors.cms_report.fields import KNOWN, OPTIONAL, REQUIRED
from idms.connectors.cms_report.reader import (
    FIELD_LIMIT,
    CmsReportReader,
    ReportFormat,
    format_for,
)

__all__ = [
    "FIELD_LIMIT",
    "KNOWN",
    "OPTIONAL",
    "REQUIRED",
    "CmsReportReader",
    "ReportFormat",
    "format_for",
]
