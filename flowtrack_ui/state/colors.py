"""The colours of stage categories, in one table: every job's own stage names share one visual language;
and the colours of a job's statuses, in another.

Colours are presentation, so they live in the UI; they are keyed by the core's ``Category`` and
job statuses, so a new category or status cannot go without one (``tests/test_rule_homes.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flowtrack_ui.core.models import CLOSED, DRAFT, INTERNAL, PUBLISHED, UNLISTED
from flowtrack_ui.core.pipelines.categories import Category


@dataclass(frozen=True)
class CategoryColors:
    scheme: str  # the Radix colour scheme of badges
    chart: str  # the analytics funnel's bar
    overview: str  # the overview's funnel bar (lighter, beside the job list)


CATEGORY_COLORS: dict[Category, CategoryColors] = {
    Category.APPLIED: CategoryColors("indigo", "#3e63dd", "#8da4ef"),
    Category.SCREENING: CategoryColors("blue", "#0090ff", "#5eb1ef"),
    Category.INTERVIEW: CategoryColors("teal", "#12a594", "#3dd68c"),
    Category.OFFER: CategoryColors("amber", "#ab6400", "#ffc53d"),
    Category.HIRED: CategoryColors("green", "#2b9a66", "#30a46c"),
    Category.REJECTED: CategoryColors("red", "#dc3e42", "#e5484d"),
    Category.WITHDRAWN: CategoryColors("gray", "#80838d", "#8b8d98"),
}


# A job's status as a badge (the Radix colour scheme), keyed by the core's statuses
# (``JOB_STATUSES`` in core/models.py), so a new status cannot go without one.
JOB_STATUS_COLORS: dict[str, str] = {
    DRAFT: "amber",
    PUBLISHED: "green",
    UNLISTED: "blue",
    INTERNAL: "violet",
    CLOSED: "gray",
}
