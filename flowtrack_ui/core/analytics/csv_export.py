"""The hiring report as CSV: one figure per row, so a spreadsheet (or a script) reads it back exactly."""

from __future__ import annotations

import csv
import io

from .. import audit
from ..db import Database
from ..permissions import Principal
from .report import AnalyticsReport, report

COLUMNS = ("metric", "group", "item", "value")


def _num(value: float | int | None) -> str:
    return "" if value is None else str(value)


def rows(r: AnalyticsReport) -> list[tuple[str, str, str, str]]:
    """(metric, group, item, value) rows: every number the report page shows."""
    out: list[tuple[str, str, str, str]] = [
        ("scope", "", "job_id", _num(r.job_id)),
        ("scope", "", "since", r.since.isoformat() if r.since else ""),
        ("scope", "", "until", r.until.isoformat() if r.until else ""),
        ("applications", "", "total", str(r.applications)),
    ]
    for step in r.funnel:
        out.append(("funnel_reached", "", step.category, str(step.reached)))
        out.append(("funnel_percent", "", step.category, _num(step.percent)))
        if step.conversion is not None:
            out.append(("conversion_to_next", "", step.category, _num(step.conversion)))
    for d in r.time_in_stage:
        key = d.label.lower()
        out.append(("time_in_stage_count", "", key, str(d.count)))
        out.append(("time_in_stage_median_days", "", key, _num(d.median_days)))
        out.append(("time_in_stage_p90_days", "", key, _num(d.p90_days)))
    for name, d in (("time_to_hire", r.time_to_hire), ("time_to_fill", r.time_to_fill)):
        out.append((f"{name}_count", "", "", str(d.count)))
        out.append((f"{name}_median_days", "", "", _num(d.median_days)))
        out.append((f"{name}_p90_days", "", "", _num(d.p90_days)))
    o = r.offers
    for item, value in (
        ("sent", o.sent),
        ("accepted", o.accepted),
        ("declined", o.declined),
        ("expired", o.expired),
    ):
        out.append(("offers", "", item, str(value)))
    out.append(("offer_acceptance_rate", "", "", _num(o.acceptance_rate)))
    out.append(("time_to_accept_count", "", "", str(o.time_to_accept.count)))
    out.append(("time_to_accept_median_days", "", "", _num(o.time_to_accept.median_days)))
    out.append(("time_to_accept_p90_days", "", "", _num(o.time_to_accept.p90_days)))
    for reason in r.reasons:
        out.append(("rejection_reason", reason.category, reason.reason, str(reason.count)))
    for src in r.sources:
        item = src.source + (f":{src.detail}" if src.detail else "")
        out.append(("source_applications", "", item, str(src.applications)))
        out.append(("source_hired", "", item, str(src.hired)))
    return out


def to_csv(r: AnalyticsReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(r):
        # A spreadsheet would run a cell starting with = + - @ as a formula: reasons are typed by users.
        writer.writerow(
            [("'" + c) if c[:1] in ("=", "+", "-", "@") and not _is_number(c) else c for c in row]
        )
    return buffer.getvalue()


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def export(
    db: Database,
    principal: Principal,
    job_id: object = None,
    since: object = None,
    until: object = None,
    client: str | None = None,
) -> str:
    """The report as CSV for the caller; the export is recorded in the audit log."""
    body = to_csv(report(db, principal, job_id, since, until))
    scope = f"job {job_id}" if job_id else "all jobs"
    audit.record_now(db, principal, "analytics.exported", scope, {"since": since, "until": until}, client)
    return body
