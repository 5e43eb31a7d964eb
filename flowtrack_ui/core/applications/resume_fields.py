"""What a résumé's text says about how to reach its author: name, email, phone, LinkedIn profile.

Used to pre-fill the apply form when a résumé is picked. A heuristic, and only a suggestion: the
applicant sees every value and corrects it, and each value is one the form's own checks accept
(anything that would not pass them is left out rather than offered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import validation
from ..candidates import profile
from ..errors import InvalidInput

# How far into the text the name is looked for: it heads a résumé.
NAME_LINES = 6
# Headings that open a résumé but name no one.
_NOT_NAMES = frozenset(
    {
        "curriculum vitae",
        "cv",
        "resume",
        "résumé",
        "lebenslauf",
        "profile",
        "contact",
        "personal details",
        "summary",
    }
)
# Words of job titles and sections that head a résumé next to (or instead of) the name.
_ROLE_WORDS = frozenset(
    """engineer developer designer manager analyst scientist consultant specialist director officer
    lead head architect administrator intern assistant coordinator associate senior junior principal
    staff chief executive founder freelance freelancer student graduate teacher nurse accountant
    experience education skills summary objective references languages projects""".split()
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
# A run of digits with the separators phone numbers use; its digits are counted afterwards.
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d ().\-/]{5,24}\d(?![\w])")
_PHONE_WORDS = re.compile(r"\b(phone|tel|telephone|mobile|mob|cell)\b", re.IGNORECASE)
_LINKEDIN = re.compile(
    r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/([A-Za-z0-9\-_%]{2,100})", re.IGNORECASE
)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class ResumeFields:
    """What was found; an empty string for anything not found."""

    full_name: str = ""
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""


def _email(text: str) -> str:
    for match in _EMAIL.finditer(text):
        try:
            return validation.email(match.group(0).rstrip("."))
        except InvalidInput:
            continue
    return ""


def _phone(text: str) -> str:
    """The first number that reads as a phone (9 to 15 digits, so years and dates are not),
    preferring one on a line that says phone, tel or mobile."""
    found: list[tuple[bool, str]] = []
    for line in text.splitlines():
        labelled = bool(_PHONE_WORDS.search(line))
        for match in _PHONE.finditer(line):
            value = re.sub(r"\s+", " ", match.group(0)).strip()
            digits = sum(ch.isdigit() for ch in value)
            if not 9 <= digits <= 15:
                continue
            try:
                found.append((labelled, profile.phone(value)))
            except InvalidInput:
                continue
    labelled_first = sorted(found, key=lambda item: not item[0])
    return labelled_first[0][1] if labelled_first else ""


def _linkedin(text: str) -> str:
    match = _LINKEDIN.search(text)
    if not match:
        return ""
    handle = match.group(1).rstrip("-_")
    try:
        return profile.web_url(f"https://www.linkedin.com/in/{handle}", "LinkedIn URL", "linkedin.com")
    except InvalidInput:
        return ""


def _name(text: str) -> str:
    """The first of the opening lines that reads as a person's name: two to four words of letters
    (hyphens, apostrophes and initials allowed), no digits, no address, heading or job title."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:NAME_LINES]
    for line in lines:
        candidate = re.split(r"\s[|•·–—]\s|,", line, maxsplit=1)[0].strip()
        if candidate.casefold() in _NOT_NAMES or "@" in candidate:
            continue
        words = candidate.split()
        if not 2 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words):
            continue
        if any(w.casefold().strip(".") in _ROLE_WORDS for w in words):
            continue
        if len(candidate) > 60:
            continue
        if candidate.isupper():  # "JANE DOE" as many résumés set it
            candidate = " ".join(w.capitalize() for w in words)
        try:
            return validation.person_name(candidate)
        except InvalidInput:
            continue
    return ""


def contact_fields(text: str) -> ResumeFields:
    """The author's name, email, phone and LinkedIn profile as found in a résumé's text."""
    if not isinstance(text, str) or not text.strip():
        return ResumeFields()
    text = text[:200_000]  # the contact details are at the top; a long text adds nothing
    return ResumeFields(
        full_name=_name(text), email=_email(text), phone=_phone(text), linkedin_url=_linkedin(text)
    )
