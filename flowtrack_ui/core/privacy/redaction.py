"""Taking one person out of free text: their name, email, phone and profile URLs become a marker.

Erasing a candidate keeps the rows other people wrote (notes, move notes, scorecards, interviews,
emails) and redacts the person from their text. What counts as a mention, decided here:

- **Name**: the full name (its parts joined by any run of spaces or hyphens) and each part of it
  on its own (split on whitespace and hyphens, outer punctuation dropped; parts under two
  characters, or with no letter or digit, are ignored). A part matches only as a whole word —
  no letter, digit or underscore of any script right before or after it — case-insensitively,
  so "Dave" goes in "DAVE," and "dave.doomed" but "Davenport" stays. Text and name are compared
  in Unicode NFC, so a decomposed "é" matches a composed one; the three common apostrophes are
  one. Short particles that are part of the name ("de", "van") are redacted wherever they stand
  alone: a word too many goes rather than a mention left. Full case folding ("ß" against "SS")
  and accent folding ("Jose" against "José") are not done.
- **Email**: the whole address, case-insensitively, not inside a longer address.
- **Phone**: its last ``PHONE_TAIL`` digits in order (all of them when shorter), with up to three
  separators (spaces, dots, hyphens, slashes, brackets) between two digits, together with the
  international or trunk digits written before them ("+", "00", up to five digits), and no digit
  right before or after. So "+44 20 7946 0001", "020 7946 0001", "(020) 7946-0001" and
  "+442079460001" all go. A phone under ``MIN_PHONE_DIGITS`` digits is not redacted (too short to
  tell from other numbers); a number written without its last eight digits is not recognised;
  up to five digits written just before the number may go with it.
- **Profile URLs** (LinkedIn, website): with or without the scheme, "www." and a trailing slash,
  case-insensitively.

Every variant is also matched HTML-escaped (the HTML bodies of emails). Redaction repeats until
nothing matches, so taking one mention out never uncovers another, and a run of markers
separated only by spaces becomes one marker.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import overload

from icalendar import Calendar

REDACTED = "[erased candidate]"
MIN_PART = 2
MIN_PHONE_DIGITS = 7
PHONE_TAIL = 8
MIN_URL = 4

_MARK = "\x00"  # a redaction while matching: in no needle, and not a word character
_HYPHENS = "\\-\u2010-\u2015\u2212"
_SPLIT = re.compile(rf"[\s{_HYPHENS}]+")
_OUTER_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_APOSTROPHES = "'\u2019\u02bc"
_PHONE_SEP = rf"[\s().{_HYPHENS}/]{{0,3}}"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_MARKS = re.compile(rf"{_MARK}(?:\s*{_MARK})+")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def name_parts(full_name: str) -> list[str]:
    """The parts of a name that are redacted on their own: split on whitespace and hyphens."""
    parts = (_OUTER_PUNCTUATION.sub("", p) for p in _SPLIT.split(_nfc(full_name or "")))
    return [p for p in parts if len(p) >= MIN_PART and any(ch.isalnum() for ch in p)]


def _literal(text: str) -> str:
    """``text`` as a pattern, any apostrophe matching the others."""
    return "".join(f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in text)


# Each builder gives (the pattern, a gate): the gate is a plain part that every match of the
# pattern contains. Searching the gates first is some forty times faster than the patterns (no
# lookbehind at their start), and almost every text an erase reads mentions no one.


def _word(text: str) -> tuple[str, str]:
    return rf"(?<!\w){_literal(text)}(?!\w)", _literal(text)


def _phrase(full_name: str) -> tuple[str, str] | None:
    words = [w for w in (_OUTER_PUNCTUATION.sub("", p) for p in _SPLIT.split(_nfc(full_name or ""))) if w]
    if len(words) < 2:
        return None
    pattern = r"(?<!\w)" + rf"[\s{_HYPHENS}]+".join(_literal(w) for w in words) + r"(?!\w)"
    return pattern, _literal(words[0])


def _phone(phone: str) -> tuple[str, str] | None:
    digits = re.sub(r"[^0-9]", "", phone or "")
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    tail = _PHONE_SEP.join(digits[-PHONE_TAIL:])
    pattern = rf"(?<![0-9])(?:(?:\+|00)\s?)?\(?(?:[0-9]{_PHONE_SEP}){{0,5}}?{tail}(?![0-9])"
    return pattern, _PHONE_SEP.join(digits[-3:])


def _url(url: str) -> tuple[str, str] | None:
    core = _SCHEME.sub("", _nfc(url or "").strip())
    core = re.sub(r"^www\.", "", core, flags=re.IGNORECASE).rstrip("/")
    if len(core) < MIN_URL:
        return None
    pattern = rf"(?<![\w.\-])(?:[a-z][a-z0-9+.\-]*://)?(?:www\.)?{re.escape(core)}/?(?![\w\-])"
    return pattern, re.escape(core)


def _email(email: str) -> tuple[str, str] | None:
    email = _nfc(email or "").strip()
    if "@" not in email:
        return None
    return rf"(?<![\w.+\-]){re.escape(email)}(?![\w\-])", re.escape(email)


@dataclass(frozen=True)
class Redactor:
    """One person's mentions, compiled once for every text an erase touches."""

    pattern: re.Pattern | None
    gate: re.Pattern | None = None

    @classmethod
    def of(cls, full_name: str, email: str = "", phone: str = "", urls: Iterable[str] = ()) -> Redactor:
        full_name, email, urls = full_name or "", email or "", [u for u in urls if u]
        alternatives: list[tuple[str, str] | None] = []
        for url in sorted(urls, key=len, reverse=True):
            alternatives += [_url(url), _url(html.escape(url))]
        alternatives += [_email(email), _email(html.escape(email))]
        names = (full_name, html.escape(full_name))
        alternatives += [_phrase(name) for name in names]
        alternatives.append(_phone(phone))
        parts = {part for name in names for part in name_parts(name)}
        alternatives += [_word(part) for part in sorted(parts, key=lambda p: (-len(p), p))]
        found = list(dict.fromkeys(a for a in alternatives if a is not None))
        if not found:
            return cls(None)
        patterns = "|".join(f"(?:{pattern})" for pattern, _gate in found)
        gates = "|".join(dict.fromkeys(f"(?:{gate})" for _pattern, gate in found))
        return cls(re.compile(patterns, re.IGNORECASE), re.compile(gates, re.IGNORECASE))

    def _found(self, work: str) -> bool:
        """The gate first (a plain part every match contains, much faster), then the pattern."""
        if self.gate is not None and self.gate.search(work) is None:
            return False
        return self.pattern is not None and self.pattern.search(work) is not None

    def mentions(self, text: str | None) -> bool:
        """Whether ``text`` still names the person (markers aside)."""
        if not text or self.pattern is None:
            return False
        return self._found(_nfc(text.replace(REDACTED, _MARK)))

    @overload
    def redact(self, text: str) -> str: ...
    @overload
    def redact(self, text: str | None) -> str | None: ...
    def redact(self, text: str | None) -> str | None:
        """``text`` with every mention replaced by ``REDACTED``; unchanged (same object) if none."""
        if not text or self.pattern is None:
            return text
        work = _nfc(text.replace(REDACTED, _MARK))
        if not self._found(work):
            return text
        while True:
            done = self.pattern.sub(_MARK, work)
            if done == work:
                break
            work = done
        return _MARKS.sub(_MARK, work).replace(_MARK, REDACTED)

    @overload
    def redact_calendar(self, ics: str) -> str: ...
    @overload
    def redact_calendar(self, ics: str | None) -> str | None: ...
    def redact_calendar(self, ics: str | None) -> str | None:
        """An iCalendar text with each property value and parameter redacted (unfolded first, so
        a name split over two lines or escaped is still found)."""
        if not ics or self.pattern is None:
            return ics
        try:
            cal = Calendar.from_ical(ics)
        except ValueError:
            return self.redact(ics)
        changed = False
        for component in cal.walk():
            for key in list(component.keys()):
                found = component[key]  # a list when the property occurs more than once
                many = isinstance(found, list)
                new_values, touched = [], False
                for value in found if isinstance(found, list) else [found]:
                    new_value, one = self._value(value)
                    touched |= one
                    new_values.append(new_value)
                if touched:
                    component[key] = new_values if many else new_values[0]
                    changed = True
        return cal.to_ical().decode() if changed else ics

    def _value(self, value):
        touched = False
        params = getattr(value, "params", None)
        if params:
            for name in list(params.keys()):
                if isinstance(params[name], str):
                    redacted = self.redact(params[name])
                    if redacted != params[name]:
                        params[name] = redacted
                        touched = True
        if isinstance(value, str):
            redacted = self.redact(str(value))
            if redacted != str(value):
                new = type(value)(redacted)
                if params is not None and hasattr(new, "params"):
                    new.params = params
                return new, True
        return value, touched
