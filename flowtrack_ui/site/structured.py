"""What a job page tells crawlers: the JobPosting (schema.org, as Google for Jobs reads it), the meta
description, and the words shown for a job's details."""

from __future__ import annotations

import json
import re
from datetime import datetime

from flowtrack_ui.core import markdown
from flowtrack_ui.core.careers.site import CompanySite
from flowtrack_ui.core.views import JobView

EMPLOYMENT_TYPES = {
    "full_time": ("Full-time", "FULL_TIME"),
    "part_time": ("Part-time", "PART_TIME"),
    "contract": ("Contract", "CONTRACTOR"),
    "internship": ("Internship", "INTERN"),
    "temporary": ("Temporary", "TEMPORARY"),
}
WORKPLACES = {"on_site": "On-site", "hybrid": "Hybrid", "remote": "Remote"}
SALARY_UNITS = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}
# Regions spanning several countries: schema.org's AdministrativeArea rather than Country.
_AREAS = {
    "eu", "europe", "emea", "apac", "latam", "americas", "north america", "south america",
    "latin america", "asia", "africa", "oceania", "worldwide", "anywhere", "global", "eea",
    "middle east", "nordics", "dach", "benelux",
}  # fmt: skip
_REGION_SPLIT = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b|&)\s*", re.IGNORECASE)
# Words around the places in "Remote (EU)", "Remote - Germany", "EU time zones", "US only" or
# "UK-based": no place themselves.
_NOT_A_PLACE = re.compile(r"\b(?:remote|time ?zones?|only|based)\b|[()\[\]]", re.IGNORECASE)
DESCRIPTION_LENGTH = 160


def employment_label(kind: str) -> str:
    return EMPLOYMENT_TYPES.get(kind, (kind.replace("_", " ").capitalize(), ""))[0]


def workplace_label(job: JobView) -> str:
    label = WORKPLACES.get(job.workplace, job.workplace)
    return f"{label} ({job.remote_region})" if job.workplace != "on_site" and job.remote_region else label


def salary_label(job: JobView) -> str:
    """``60,000–80,000 EUR per year``; empty unless the job shows its salary."""
    if not job.salary_visible or (job.salary_min is None and job.salary_max is None):
        return ""
    low, high, cur = job.salary_min, job.salary_max, job.salary_currency
    per = f"per {job.salary_period}"
    if low is not None and high is not None:
        amount = f"{low:,} {cur}" if low == high else f"{low:,}–{high:,} {cur}"
    elif low is not None:
        amount = f"from {low:,} {cur}"
    else:
        amount = f"up to {high:,} {cur}"
    return f"{amount} {per}"


def meta_description(job: JobView) -> str:
    text = markdown.to_plain(job.description, DESCRIPTION_LENGTH)
    if text:
        return text
    where = f" in {job.location}" if job.location else ""
    return f"{job.title} at {job.company_name}{where}."


def _regions(text: str) -> list[str]:
    """The places a remote worker may live in, as written: ``Remote (EU)`` → ``["EU"]``,
    ``US or Canada`` → ``["US", "Canada"]``, ``Remote`` → none (no place to name)."""
    cleaned = _NOT_A_PLACE.sub(" ", text or "")
    parts = (part.strip(" -–—:.") for part in _REGION_SPLIT.split(cleaned))
    return [part for part in parts if part]


def _region(name: str) -> dict:
    kind = "AdministrativeArea" if name.casefold() in _AREAS else "Country"
    return {"@type": kind, "name": name}


def _date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def job_posting(job: JobView, company: CompanySite, url: str, careers_url: str, logo_url: str | None) -> dict:
    """The JobPosting of a job page; every property Google requires, and the recommended ones
    the job has (valid-through, salary when shown, remote work)."""
    organization: dict = {"@type": "Organization", "name": company.name, "sameAs": careers_url}
    if logo_url:
        organization["logo"] = logo_url
    posting: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": markdown.to_html(job.description) or f"<p>{_escape(job.title)}</p>",
        "datePosted": _date(job.published_at or job.created_at),
        "employmentType": EMPLOYMENT_TYPES.get(job.employment_type, ("", "OTHER"))[1],
        "hiringOrganization": organization,
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": str(job.id)},
        "directApply": True,
        "url": url,
    }
    if job.valid_through is not None:
        posting["validThrough"] = _date(job.valid_through)
    if job.workplace in ("on_site", "hybrid") and job.location:
        posting["jobLocation"] = {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": job.location},
        }
    if job.workplace in ("remote", "hybrid"):
        posting["jobLocationType"] = "TELECOMMUTE"
        regions = _regions(job.remote_region)
        if not regions and job.workplace == "remote":
            regions = _regions(job.location)
        if regions:
            found = [_region(r) for r in regions]
            posting["applicantLocationRequirements"] = found[0] if len(found) == 1 else found
    if job.salary_visible and (job.salary_min is not None or job.salary_max is not None):
        value: dict = {"@type": "QuantitativeValue", "unitText": SALARY_UNITS.get(job.salary_period, "YEAR")}
        if job.salary_min is not None:
            value["minValue"] = job.salary_min
        if job.salary_max is not None:
            value["maxValue"] = job.salary_max
        posting["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.salary_currency, "value": value}
    return posting


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def script_json(data: object) -> str:
    """JSON for a ``<script type="application/ld+json">`` block: ``<``, ``>`` and ``&`` as \\u
    escapes, so no text in it can close the script or open a comment; parsers read it unchanged."""
    return (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
