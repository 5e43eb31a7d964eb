"""The list view of a job's applications: a table whose filters, order and page live in the URL.

Every change (a filter, a column's sort, a page) navigates to the new address, so the view can be
shared, bookmarked and reloaded, and Back returns to the previous view; the page's on_load reads
the address, the core checks it and reads one page. A bad address shows the core's message above
the unfiltered list instead of failing.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import reflex as rx

from flowtrack_ui.core import live_access
from flowtrack_ui.core.applications import listing
from flowtrack_ui.core.applications.listing import ListingQuery
from flowtrack_ui.core.changes import Change, JobChange
from flowtrack_ui.core.errors import DomainError, InvalidInput
from flowtrack_ui.core.permissions import STAFF_ROLES, Action, may
from flowtrack_ui.core.privacy.erase import shown_email

from . import live
from .bulk import BulkActions
from .format import day
from .reflex_internals import unproxied
from .session import SessionState, db

# The URL parameters of a list view (besides ``job``), as the core reads them.
PARAMS = ("stage", "tag", "source", "rating", "since", "q", "sort", "dir", "page", "per_page")
# Each column: its sort key and its heading.
COLUMNS = {
    "name": "Name",
    "stage": "Stage",
    "days": "Days in stage",
    "applied": "Applied",
    "source": "Source",
    "tags": "Tags",
    "rating": "Rating",
    "resume": "Résumé",
}


@dataclasses.dataclass
class ListRow:
    id: int
    name: str
    email: str
    href: str  # the application page, with this list as its context (Previous / Next)
    stage: str
    category: str
    days: int
    applied: str
    source: str
    tags: list[str] = dataclasses.field(default_factory=list)
    rating: str = ""  # "3.5"
    rating_summary: str = ""  # "1 × Strong yes, 1 × Yes"
    has_resume: bool = False


@dataclasses.dataclass
class Choice:
    value: str
    label: str


@dataclasses.dataclass
class PageSize:
    count: str
    href: str
    current: bool


@dataclasses.dataclass
class SortHeader:
    key: str
    label: str
    href: str
    aria_sort: str  # ascending, descending or none
    arrow: str


def page_untouched(change: JobChange | None, on_page: set[int], query: ListingQuery) -> bool:
    """Whether a change of the job leaves the page on screen as it is: every card it moved is off
    the page and stays in (or out of) the filtered list at the same place in its order. A change
    that does not say what moved never does (only a read tells). A move changes an application's
    stage and its days in stage, nothing else the filters or the order read."""
    if change is None or not change.moves:
        return False
    wanted = query.stage.strip().casefold()

    def listed(stage: str | None) -> bool:
        return stage is not None and (not wanted or stage.casefold() == wanted)

    for move in change.moves:
        if move.application_id in on_page:
            return False
        before, after = listed(move.from_stage), listed(move.to_stage)
        if before != after:
            return False  # it enters or leaves the list: the count, and maybe the page, shift
        if before and query.sort in ("stage", "days"):
            return False  # it stays in the list, at another place in its order
    return True


def list_href(job_id: int, params: dict[str, str]) -> str:
    return "/list?" + urlencode({"job": str(job_id), **params})


def application_href(application_id: int, job_id: int, params: dict[str, str]) -> str:
    """The application page opened from this list: the list's filters and order travel along."""
    context = {k: v for k, v in params.items() if k not in ("page", "per_page")}
    return "/application?" + urlencode(
        {"id": str(application_id), "from": "list", "job": str(job_id), **context}
    )


class ListState(SessionState, BulkActions):
    job_id: int = 0
    job_title: str = ""
    loading: bool = True
    not_found: str = ""
    # The core's message when the address's filters could not be read (the list shows unfiltered).
    problem: str = ""
    can_select: bool = False
    rows: list[ListRow] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    headers: list[SortHeader] = []
    # The filters as the address has them (the form's values).
    f_stage: str = ""
    f_tag: str = ""
    f_source: str = ""
    f_rating: str = ""
    f_since: str = ""
    f_text: str = ""
    filtered: bool = False
    active_filters: int = 0
    # On a phone the filter form folds away behind a "Filters" button (always shown on wider screens).
    filters_open: bool = False
    stage_choices: list[str] = []
    tag_choices: list[str] = []
    source_choices: list[Choice] = []
    rating_choices: list[Choice] = []
    previous_href: str = ""
    next_href: str = ""
    # "Rows per page" choices: (count, address, whether it is the current one).
    sizes: list[PageSize] = []
    board_href: str = ""
    _params: dict[str, str] = {}
    # The live watch: which load it belongs to, and the change feed's mark when the page was read.
    _watch_gen: int = 0
    _read_mark: str = ""
    # Per row on screen: the stages it may be moved to without words (for "Move to…").
    _plain_moves: dict[int, list[str]] = {}

    @rx.var
    def range_label(self) -> str:
        """ "Showing 51–100 of 2,000 applications" (nothing when the list is empty)."""
        if not self.total or not self.rows:
            return ""
        per = int(self._params.get("per_page", listing.PER_PAGE))
        first = (self.page - 1) * per + 1
        noun = "application" if self.total == 1 else "applications"
        return f"Showing {first:,}–{first + len(self.rows) - 1:,} of {self.total:,} {noun}"

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page:,} of {self.pages:,}"

    @rx.var
    def all_on_page_selected(self) -> bool:
        return bool(self.rows) and all(r.id in self.selected for r in self.rows)

    @rx.event
    def load(self):
        me = self.require(*STAFF_ROLES)
        if me is None:
            return self.guard(*STAFF_ROLES)
        self.can_select = may(me, Action.MOVE_STAGE)
        query_params = self.router.url.query_parameters
        raw = str(query_params.get("job", ""))
        self.job_id = int(raw) if raw.isdigit() and len(raw) < 19 else 0
        self.board_href = f"/board?job={self.job_id}"
        params = {k: str(query_params[k]) for k in PARAMS if k in query_params}
        self.problem = ""
        try:
            query = listing.parse_query(params)
        except InvalidInput as exc:
            self.problem = exc.message
            query = ListingQuery()
        self.selected, self._anchor, self.bulk_stages = [], 0, []
        self.bulk_summary, self.bulk_failed_heading, self.bulk_failures = "", "", []
        self.bulk_reject_open = self.bulk_tag_open = self.bulk_add_open = False
        self._watch_gen += 1
        refused = self._read(query)
        if refused is None and not self.not_found:
            return ListState.watch
        return refused

    @rx.event(background=True)
    async def watch(self):
        """Live list: the page on screen is read again when an application of the job changes."""
        async with self:
            gen, job_id = self._watch_gen, self.job_id
        return await live.follow(
            self,
            lambda signal: live_access.job_board_topic_for_token(
                db(), unproxied(self).bound_token(), job_id, signal
            ),
            still_wanted=lambda: self._watch_gen == gen and self.job_id == job_id,
            refresh=self._after_bulk,
            read_mark=lambda: self._read_mark,
            on_changes=self._on_changes,
        )

    def _on_changes(self, changes: list[Change], lost: bool):
        """A wake whose changes leave the page as it is (moves of other applications, off the page
        and not across its filters) reads nothing; any other reads the page once."""
        try:
            query = listing.parse_query(self._params)
        except InvalidInput:
            query = ListingQuery()
        on_page = {r.id for r in self.rows}
        if lost or not all(page_untouched(c.job, on_page, query) for c in changes):
            return self._after_bulk()
        return None

    def _read(self, query: ListingQuery):
        mark = db().feed.mark()  # before the read: signals heard up to here are in what it reads
        try:
            result = listing.list_applications(db(), self.principal(), self.job_id or "x", query)
        except InvalidInput as exc:
            if exc.status_code == 422 and self.job_id and query != ListingQuery():
                self.problem = exc.message  # e.g. a stage this job does not have
                return self._read(ListingQuery())
            return self._missing()
        except DomainError as exc:
            if exc.status_code == 404:
                return self._missing()
            self.loading = False
            return self.refuse(exc)
        q = result.query
        self._params, self._read_mark = listing.query_params(q), mark
        self.not_found, self.loading = "", False
        self.job_title, self.total, self.page, self.pages = (
            result.job_title,
            result.total,
            q.page,
            result.pages,
        )
        self.f_stage, self.f_tag, self.f_source, self.f_rating = q.stage, q.tag, q.source, q.rating
        self.f_since, self.f_text = (q.since.isoformat() if q.since else ""), q.text
        self.active_filters = sum(1 for f in (q.stage, q.tag, q.source, q.rating, q.since, q.text) if f)
        self.filtered = self.active_filters > 0
        self.stage_choices, self.tag_choices = list(result.stages), list(result.tags)
        self.source_choices = [Choice(v, label) for v, label in result.sources]
        self.rating_choices = [Choice(k, v) for k, v in listing.RATINGS.items()]
        self.rows = [
            ListRow(
                id=r.id,
                name=r.name,
                email=shown_email(r.email),
                href=application_href(r.id, result.job_id, self._params),
                stage=r.stage,
                category=r.category,
                days=r.days_in_stage,
                applied=day(r.applied_at),
                source=r.source_label,
                tags=list(r.tags),
                rating=f"{r.rating:.1f}" if r.rating is not None else "",
                rating_summary=r.rating_summary,
                has_resume=r.has_resume,
            )
            for r in result.rows
        ]
        self._plain_moves = {
            r.id: [m.stage for m in r.moves if m.kind != "reject" and m.reason != "required"]
            for r in result.rows
        }
        self.headers = [self._header(key, label, q) for key, label in COLUMNS.items()]
        self.previous_href = self._page_href(q.page - 1) if q.page > 1 else ""
        self.next_href = self._page_href(q.page + 1) if q.page < result.pages else ""
        base = {k: v for k, v in self._params.items() if k not in ("page", "per_page")}
        self.sizes = [
            PageSize(
                str(n),
                list_href(self.job_id, base | ({"per_page": str(n)} if n != listing.PER_PAGE else {})),
                n == q.per_page,
            )
            for n in (25, listing.PER_PAGE, 100, listing.MAX_PER_PAGE)
        ]
        self._keep_selectable()
        return None

    def _missing(self):
        self.loading, self.rows, self.total = False, [], 0
        self.not_found = "This job does not exist or is not your company's."
        return None

    def _header(self, key: str, label: str, q: ListingQuery) -> SortHeader:
        """A column heading's link: sort by it, or flip its direction when it is the sort already."""
        params = {k: v for k, v in self._params.items() if k not in ("sort", "dir", "page")}
        natural = listing.parse_query({"sort": key}).direction
        if q.sort == key:
            flipped = "asc" if q.direction == "desc" else "desc"
            params |= {"sort": key} | ({"dir": flipped} if flipped != natural else {})
            aria = "ascending" if q.direction == "asc" else "descending"
            arrow = "↑" if q.direction == "asc" else "↓"
        else:
            params |= {"sort": key} if key != "applied" else {}
            aria, arrow = "none", ""
        return SortHeader(key, label, list_href(self.job_id, params), aria, arrow)

    def _page_href(self, page: int) -> str:
        params = {k: v for k, v in self._params.items() if k != "page"}
        if page > 1:
            params["page"] = str(page)
        return list_href(self.job_id, params)

    # --- the filter form -----------------------------------------------------------------------

    @rx.event
    def apply_filters(self, form: dict):
        """The filter form: the new address (first page); the core checks it when it loads."""
        if not isinstance(form, dict):
            return rx.toast.error("The filters could not be read; please try again.")
        params = {k: v for k, v in self._params.items() if k in ("sort", "dir", "per_page")}
        for key in ("stage", "tag", "source", "rating", "since", "q"):
            value = form.get(key, "")
            if not isinstance(value, str):
                return rx.toast.error("The filters could not be read; please try again.")
            if value.strip():
                params[key] = value.strip()[:200]
        try:
            listing.parse_query(params)
        except InvalidInput as exc:
            return rx.toast.error(exc.message, duration=6000)
        return rx.redirect(list_href(self.job_id, params))

    @rx.event
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @rx.event
    def clear_filters(self):
        params = {k: v for k, v in self._params.items() if k in ("sort", "dir", "per_page")}
        return rx.redirect(list_href(self.job_id, params))

    @rx.event
    def go_to_page(self, form: dict):
        """The page number typed in the pager."""
        text = str(form.get("page", "") if isinstance(form, dict) else "").strip()
        if not text.isdigit() or len(text) > 9 or not 1 <= int(text) <= self.pages:
            return rx.toast.error(f"Choose a page from 1 to {self.pages:,}.")
        return rx.redirect(self._page_href(int(text)))

    # --- selection and bulk actions (BulkActions) ----------------------------------------------

    def _selectable_ids(self) -> list[int]:
        return [r.id for r in self.rows] if self.can_select else []

    def _bulk_stages(self) -> list[str]:
        """The stages at least one selected application may be moved to without words."""
        reachable = {st for i in self.selected for st in self._plain_moves.get(i, [])}
        return [st for st in self.stage_choices if st in reachable]

    def _current_job_id(self) -> int:
        return self.job_id

    def _after_bulk(self):
        try:
            query = listing.parse_query(self._params)
        except InvalidInput:
            query = ListingQuery()
        return self._read(query)

    @rx.event
    def toggle_page(self, value: bool):
        """The header's checkbox: every application on this page in or out of the selection."""
        on_page = {r.id for r in self.rows} if self.can_select else set()
        if value is True:
            chosen = set(self.selected) | on_page
            self.selected = [i for i in self._selectable_ids() if i in chosen]
        else:
            self.selected = [i for i in self.selected if i not in on_page]
        self.bulk_stages = self._bulk_stages() if self.selected else []
        return None
