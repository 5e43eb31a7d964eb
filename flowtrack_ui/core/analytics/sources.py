"""Where an application came from: recorded once, when the application is created."""

from __future__ import annotations

import re
from enum import StrEnum

from ..errors import InvalidInput


class Source(StrEnum):
    CAREERS = "careers"  # the careers page
    LINK = "link"  # a shared link with ?source=<tag>
    TALENT_POOL = "talent_pool"  # added by a recruiter
    API = "api"  # the REST API
    EMBED = "embed"  # the job list a company embeds on its own website
    UNKNOWN = "unknown"  # applications made before sources were recorded


LABELS = {
    Source.CAREERS: "Careers page",
    Source.LINK: "Shared link",
    Source.TALENT_POOL: "Talent pool (added by a recruiter)",
    Source.API: "API",
    Source.EMBED: "Job list on the company's website",
    Source.UNKNOWN: "Not recorded",
}

# The ``?source=`` value the embedded job list puts on its links (recorded as EMBED, not a tag).
EMBED_TAG = "embed"
MAX_TAG = 40
_TAG = re.compile(rf"^[a-z0-9][a-z0-9._-]{{0,{MAX_TAG - 1}}}$")


def link_tag(value: object) -> str | None:
    """The ``?source=`` tag of a shared link (e.g. ``linkedin``), lower-cased; None when absent.

    Anything that is not a short slug is refused, so a link cannot write arbitrary text into reports.
    """
    if value in (None, ""):
        return None
    tag = str(value).strip().lower()
    if not _TAG.match(tag):
        raise InvalidInput(f"A source tag is 1–{MAX_TAG} letters, digits, dots, dashes or underscores.")
    return tag


def classify(value: object, default: Source) -> tuple[Source, str | None]:
    """Where a new application came from, given a link's ``?source=`` value: the embedded job list
    (``embed``), a shared link with its tag, or ``default`` (the careers page, the API) without one."""
    tag = link_tag(value)
    if tag is None:
        return default, None
    if tag == EMBED_TAG:
        return Source.EMBED, None
    return Source.LINK, tag
