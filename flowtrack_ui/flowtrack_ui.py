"""The FlowTrack Reflex app: pages, their on-load checks, and the REST API under /api."""

from __future__ import annotations

import reflex as rx
from starlette.types import ASGIApp

from flowtrack_ui.api.app import UnroutablePaths, create_api
from flowtrack_ui.api.direct_moves import DirectStageMoves
from flowtrack_ui.api.hardening import Hardening, refuse_bad_uploads
from flowtrack_ui.api.websocket_limits import install_event_guard, install_log_truncation
from flowtrack_ui.core import logs
from flowtrack_ui.core.settings import get_settings
from flowtrack_ui.gc_tuning import tune_collector
from flowtrack_ui.pages.account import account_page
from flowtrack_ui.pages.analytics import analytics_page
from flowtrack_ui.pages.application import application_page
from flowtrack_ui.pages.auth import (
    company_signup_page,
    forgot_password_page,
    invite_page,
    login_page,
    reset_password_page,
    signup_page,
    track_page,
    verify_page,
)
from flowtrack_ui.pages.board import board_page
from flowtrack_ui.pages.candidate import tracker_page
from flowtrack_ui.pages.careers_settings import careers_settings_page
from flowtrack_ui.pages.email_templates import email_templates_page
from flowtrack_ui.pages.home import home_page
from flowtrack_ui.pages.jobs import jobs_page
from flowtrack_ui.pages.listing import list_page
from flowtrack_ui.pages.offer_templates import offer_templates_page
from flowtrack_ui.pages.overview import overview_page
from flowtrack_ui.pages.profile import profile_page
from flowtrack_ui.pages.sso import sso_complete_page, sso_settings_page
from flowtrack_ui.pages.talent import talent_page
from flowtrack_ui.pages.team import team_page
from flowtrack_ui.pages.webhooks import webhooks_page
from flowtrack_ui.pages.work import work_page
from flowtrack_ui.state.account import AccountState
from flowtrack_ui.state.analytics import AnalyticsState
from flowtrack_ui.state.application import ApplicationState
from flowtrack_ui.state.application_team import TeamState
from flowtrack_ui.state.auth import AuthState
from flowtrack_ui.state.board import BoardState
from flowtrack_ui.state.careers_settings import CareersSettingsState
from flowtrack_ui.state.conversation import ConversationState
from flowtrack_ui.state.email_templates import EmailTemplatesState
from flowtrack_ui.state.jobs import StaffJobsState
from flowtrack_ui.state.listing import ListState
from flowtrack_ui.state.offer_templates import OfferTemplatesState
from flowtrack_ui.state.overview import OverviewState
from flowtrack_ui.state.profile import ProfileState
from flowtrack_ui.state.session import SessionState
from flowtrack_ui.state.sso import SsoSettingsState, SsoState
from flowtrack_ui.state.stale_state import ForgetStaleStates
from flowtrack_ui.state.talent import TalentState
from flowtrack_ui.state.team import TeamPageState
from flowtrack_ui.state.tracker import TrackerState
from flowtrack_ui.state.webhooks import WebhooksState
from flowtrack_ui.state.work import WorkState

_settings = get_settings()
logs.configure(_settings.log_level)
install_log_truncation()
install_event_guard()


class FlowTrackApp(rx.App):
    """Reflex's app, whose backend answers API clients' stage moves before any of its layers."""

    def __call__(self) -> ASGIApp:
        return DirectStageMoves(UnroutablePaths(super().__call__(), https=_HTTPS), https=_HTTPS)


_HTTPS = _settings.public_url.startswith("https://")
app = FlowTrackApp(
    # Reflex's upload endpoint answers bad uploads with a 4xx; the REST API under /api; then
    # headers and body limits around everything the backend serves.
    api_transformer=[
        refuse_bad_uploads,
        create_api(),
        lambda asgi: Hardening(asgi, https=_HTTPS),
    ],
    head_components=[rx.el.meta(name="description", content="FlowTrack applicant tracking")],
    # Phone layout rules that belong to no one component (dialogs as bottom sheets).
    stylesheets=["/flowtrack.css"],
    # Plain toasts: sonner's rich colours put green and red text below the WCAG AA contrast ratio.
    toaster=rx.toast.provider(rich_colors=False, close_button=True),
)
# A hydrate hands a tab's page states only to the user they belong to.
app.add_middleware(ForgetStaleStates())
# Each worker, once started, spaces its young collections (many page states held in memory).
app.register_lifespan_task(tune_collector)

app.add_page(home_page, route="/", title="FlowTrack", on_load=SessionState.go_home)
app.add_page(login_page, route="/login", title="Sign in · FlowTrack", on_load=AuthState.open_auth_page)
app.add_page(signup_page, route="/signup", title="Sign up · FlowTrack", on_load=AuthState.open_auth_page)
app.add_page(
    company_signup_page,
    route="/company-signup",
    title="Company sign-up · FlowTrack",
    on_load=AuthState.open_auth_page,
)
app.add_page(
    forgot_password_page,
    route="/forgot-password",
    title="Forgot password · FlowTrack",
    on_load=AuthState.open_auth_page,
)
app.add_page(
    reset_password_page,
    route="/reset-password/[token]",
    title="New password · FlowTrack",
    on_load=AuthState.load_reset,
)
app.add_page(
    invite_page, route="/invite/[token]", title="Invitation · FlowTrack", on_load=AuthState.load_invitation
)
app.add_page(
    verify_page,
    route="/verify/[token]",
    title="Confirm your email · FlowTrack",
    on_load=AuthState.load_verify,
)
app.add_page(
    track_page,
    route="/track/[token]",
    title="Follow your application · FlowTrack",
    on_load=AuthState.load_track,
)
app.add_page(account_page, route="/account", title="Account · FlowTrack", on_load=AccountState.load)
app.add_page(team_page, route="/team", title="Team · FlowTrack", on_load=TeamPageState.load)
app.add_page(work_page, route="/work", title="My work · FlowTrack", on_load=WorkState.load)
app.add_page(jobs_page, route="/jobs", title="Jobs · FlowTrack", on_load=StaffJobsState.load)
app.add_page(board_page, route="/board", title="Board · FlowTrack", on_load=BoardState.load)
app.add_page(list_page, route="/list", title="Applications · FlowTrack", on_load=ListState.load)
app.add_page(overview_page, route="/overview", title="Overview · FlowTrack", on_load=OverviewState.load)
app.add_page(analytics_page, route="/analytics", title="Analytics · FlowTrack", on_load=AnalyticsState.load)
app.add_page(talent_page, route="/talent", title="Talent pool · FlowTrack", on_load=TalentState.load)
app.add_page(
    careers_settings_page,
    route="/careers-settings",
    title="Careers site · FlowTrack",
    on_load=CareersSettingsState.load,
)
app.add_page(
    email_templates_page,
    route="/email-templates",
    title="Email templates · FlowTrack",
    on_load=EmailTemplatesState.load,
)
app.add_page(webhooks_page, route="/webhooks", title="Webhooks · FlowTrack", on_load=WebhooksState.load)
app.add_page(
    sso_complete_page, route="/sso-complete", title="Single sign-on · FlowTrack", on_load=SsoState.complete
)
app.add_page(
    sso_settings_page,
    route="/single-sign-on",
    title="Single sign-on · FlowTrack",
    on_load=SsoSettingsState.load,
)
app.add_page(
    tracker_page, route="/my-applications", title="My applications · FlowTrack", on_load=TrackerState.load
)
app.add_page(profile_page, route="/profile", title="Profile · FlowTrack", on_load=ProfileState.load)
app.add_page(
    application_page,
    route="/application",
    title="Application · FlowTrack",
    on_load=[ApplicationState.load, TeamState.load_team, ConversationState.load_conversation],
)
app.add_page(
    offer_templates_page,
    route="/offer-templates",
    title="Offer letters · FlowTrack",
    on_load=OfferTemplatesState.load,
)
