"""/api/analytics: the hiring report of the caller's company or one of its jobs, as JSON or CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from flowtrack_ui.core.analytics import csv_export, report

from .deps import Caller, ClientAddress, Db
from .errors import errors
from .schemas import AnalyticsOut

router = APIRouter(prefix="/api", tags=["analytics"])

JobFilter = Annotated[int | None, Query(ge=1, le=2**63 - 1, description="One job; omitted: all jobs")]
Since = Annotated[date | None, Query(description="Applications created on or after this day")]
Until = Annotated[date | None, Query(description="Applications created on or before this day")]


@router.get("/analytics", response_model=AnalyticsOut, responses=errors(401, 403, 404, 422))
def analytics(caller: Caller, db: Db, job_id: JobFilter = None, since: Since = None, until: Until = None):
    """Funnel, conversion, time in stage, time to hire and fill, rejection reasons, sources."""
    return AnalyticsOut.model_validate(report.report(db, caller, job_id, since, until))


@router.get(
    "/analytics.csv",
    responses={
        **errors(401, 403, 404, 422),
        200: {"content": {"text/csv": {}}, "description": "The figures"},
    },
    response_class=Response,
)
def analytics_csv(
    caller: Caller,
    db: Db,
    client: ClientAddress,
    job_id: JobFilter = None,
    since: Since = None,
    until: Until = None,
):
    """The same figures, one per row: metric, group, item, value (the export is audited)."""
    body = csv_export.export(db, caller, job_id, since, until, client)
    name = f"flowtrack-analytics{f'-job-{job_id}' if job_id else ''}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
