"""The candidate's "My applications": stage stepper and timeline (no notes, no staff names)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import reflex as rx

from flowtrack_ui.core import live_access, queries
from flowtrack_ui.core.collaboration import interviews
from flowtrack_ui.core.errors import DomainError
from flowtrack_ui.core.offers import responses as offer_responses
from flowtrack_ui.core.permissions import Role
from flowtrack_ui.core.pipelines import moves
from flowtrack_ui.core.pipelines.categories import LABELS, PROGRESS, Category

from . import live
from .format import day, exact
from .session import SessionState, db

# The candidate follows progress by category: every company's pipeline reads the same way.
STEPS = [*PROGRESS, Category.HIRED]


@dataclasses.dataclass
class StepRow:
    stage: str
    state: str  # done, current, todo, rejected (also for withdrawn)


@dataclasses.dataclass
class TimelineRow:
    stage: str
    when: str
    exact: str
    category: str = ""


@dataclasses.dataclass
class TrackedApplication:
    id: int
    job_id: int
    job_title: str
    company_name: str
    stage: str
    applied: str
    category: str = ""
    can_withdraw: bool = False
    steps: list[StepRow] = dataclasses.field(default_factory=list)
    timeline: list[TimelineRow] = dataclasses.field(default_factory=list)


def steps_for(category: str, reached: set[str]) -> list[StepRow]:
    """The stepper of one application, by category; a final rejection or withdrawal is added last."""
    rows = []
    for step in STEPS:
        if step == category:
            rows.append(StepRow(LABELS[step], "current"))
        elif step in reached:
            rows.append(StepRow(LABELS[step], "done"))
        else:
            rows.append(StepRow(LABELS[step], "todo"))
    if category in (Category.REJECTED, Category.WITHDRAWN):
        rows.append(StepRow(LABELS[Category(category)], "rejected"))
    return rows


@dataclasses.dataclass
class UpcomingInterview:
    job_title: str
    when: str
    where: str
    video_url: str
    duration: int


@dataclasses.dataclass
class TrackedOffer:
    """An offer sent to the candidate (core/offers/responses.my_offers): never its approvals."""

    title: str  # "Designer at Acme"
    status: str  # "Waiting for your answer until …", "Accepted", …
    link: str
    waiting: bool


OFFER_WORDS = {"accepted": "You accepted it", "declined": "You declined it", "expired": "It has expired"}


class TrackerState(SessionState):
    applications: list[TrackedApplication] = []
    offers: list[TrackedOffer] = []
    upcoming: list[UpcomingInterview] = []
    loading: bool = True
    _watch_gen: int = 0
    # When a move the candidate may not see yet shows (the live task refreshes then).
    _shows_more_at: datetime | None = None
    # The change feed's mark before the last read: the candidate's own withdrawal, read at once by
    # its handler, is not read again when the watch wakes on it.
    _read_mark: str = ""

    @rx.event
    def load(self):
        me = self.require(Role.CANDIDATE)
        if me is None:
            return self.guard(Role.CANDIDATE)
        self._watch_gen += 1
        return self._refresh() or TrackerState.watch

    @rx.event(background=True)
    async def watch(self):
        """Live tracker: a recruiter's move shows here without a reload."""
        async with self:
            gen = self._watch_gen
        return await live.follow(
            self,
            lambda _signal: live_access.my_applications_topic(self.principal()),
            still_wanted=lambda: self._watch_gen == gen,
            refresh=self._refresh,
            wake_at=lambda: self._shows_more_at,
            read_mark=lambda: self._read_mark,
        )

    def _refresh(self):
        mark = db().feed.mark()  # before the read: the signals heard so far are in what it reads
        try:
            mine = queries.my_applications(db(), self.principal(), limit=200)
        except DomainError as exc:
            return self.refuse(exc)
        self._shows_more_at = min((m.shows_more_at for m in mine if m.shows_more_at), default=None)
        self._read_mark = mark
        self.applications = [
            TrackedApplication(
                id=m.id,
                job_id=m.job_id,
                job_title=m.job_title,
                company_name=m.company_name,
                stage=m.stage,
                applied=day(m.created_at),
                category=m.category,
                can_withdraw=m.can_withdraw,
                steps=steps_for(m.category, {t.new_category for t in m.timeline}),
                timeline=[
                    TimelineRow(
                        stage=t.new_stage,
                        when=day(t.changed_at),
                        exact=exact(t.changed_at, self.time_zone),
                        category=t.new_category,
                    )
                    for t in reversed(m.timeline)
                ],
            )
            for m in mine
        ]
        titles = {m.id: f"{m.job_title} at {m.company_name}" for m in mine}
        self.offers = [
            TrackedOffer(
                title=f"{o.job_title} at {o.company_name}",
                status=OFFER_WORDS.get(
                    o.status, f"Open until {day_of_offer(o.expires_on)}: read it and answer"
                ),
                link=o.link,
                waiting=o.status == "sent",
            )
            for o in offer_responses.my_offers(db(), self.principal())
        ]
        self.upcoming = [
            UpcomingInterview(
                job_title=titles.get(i.application_id, ""),
                when=i.when,  # the interview's zone, and the candidate's own when known
                where=i.location,
                video_url=i.video_url,
                duration=i.duration_minutes,
            )
            for i in interviews.upcoming_for_candidate(db(), self.principal())
        ]
        self.loading = False
        return None

    @rx.event
    def withdraw(self, application_id: int):
        """After the confirmation: the core checks it is the caller's own application and still open."""
        try:
            moves.withdraw(db(), self.principal(), application_id)
        except DomainError as exc:  # a 409 (window over, already final) is a toast like any refusal
            self._refresh()
            return self.refuse(exc)
        self._refresh()
        # The job's own name of its withdrawn stage is internal: the candidate reads plain words.
        return rx.toast.success("Your application is withdrawn.")


def day_of_offer(value: date) -> str:
    """An offer's last day in the tracker's words for days."""
    return value.strftime("%b %d, %Y").replace(" 0", " ")
