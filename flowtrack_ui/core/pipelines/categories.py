"""Stage categories: what every stage of every pipeline *is*, whatever a company names it."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# The order in which non-terminal stages may follow each other (a pipeline never goes back a category).
PROGRESS: tuple[Category, ...] = (Category.APPLIED, Category.SCREENING, Category.INTERVIEW, Category.OFFER)
TERMINAL: tuple[Category, ...] = (Category.HIRED, Category.REJECTED, Category.WITHDRAWN)
# Exactly one stage of each of these in every pipeline.
SINGLE: tuple[Category, ...] = (Category.APPLIED, *TERMINAL)

LABELS: dict[Category, str] = {
    Category.APPLIED: "Applied",
    Category.SCREENING: "Screening",
    Category.INTERVIEW: "Interview",
    Category.OFFER: "Offer",
    Category.HIRED: "Hired",
    Category.REJECTED: "Rejected",
    Category.WITHDRAWN: "Withdrawn",
}


def is_terminal(category: str) -> bool:
    return category in TERMINAL


def parse_category(value: object) -> Category:
    """A category from user input; raises ValueError naming the valid ones."""
    if isinstance(value, str):
        try:
            return Category(value.strip().lower())
        except ValueError:
            pass
    valid = ", ".join(c.value for c in Category)
    raise ValueError(f"Unknown stage category {str(value)[:40]!r}; valid categories are: {valid}")
