"""The job editor's details: status, what the job is, salary, the Markdown description with its
preview, and how the posting runs. Plain form fields (native selects and inputs), posted with the
editor's form; the domain core checks every value on save."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.components.forms import NATIVE_FIELD_STYLE, label
from flowtrack_ui.components.markdown_view import markdown_preview
from flowtrack_ui.state.jobs import (
    EMPLOYMENT_TYPE_OPTIONS,
    SALARY_PERIOD_OPTIONS,
    STATUS_OPTIONS,
    WORKPLACE_OPTIONS,
    StaffJobsState,
)

_SELECT_STYLE = NATIVE_FIELD_STYLE | {"width": "100%", "height": "var(--space-6)"}


def _labelled(
    text: str, field_id: str, control: rx.Component, hint: rx.Component | None = None
) -> rx.Component:
    return rx.vstack(
        label(text, html_for=field_id),
        control,
        *([hint] if hint is not None else []),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _select(field_id: str, options: list[tuple[str, str]], **props) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(text, value=value) for value, text in options],
        id=field_id,
        name=field_id,
        style=_SELECT_STYLE,
        data_testid=field_id,
        **props,
    )


def _input(field_id: str, **props) -> rx.Component:
    return rx.input(id=field_id, name=field_id, width="100%", **({"data_testid": field_id} | props))


def text_field(text: str, field_id: str, **props) -> rx.Component:
    """A labelled text input the size of the editor's other fields."""
    return _labelled(text, field_id, _input(field_id, **props))


def _hint(text) -> rx.Component:
    return rx.text(text, size="1", color_scheme="gray")


def _grid(*children: rx.Component, phone_columns: str = "1") -> rx.Component:
    """Two columns on a laptop, ``phone_columns`` on a phone."""
    return rx.grid(
        *children, columns=rx.breakpoints(initial=phone_columns, sm="2"), spacing="3", width="100%"
    )


def status_field() -> rx.Component:
    return _labelled(
        "Status",
        "status",
        _select(
            "status",
            STATUS_OPTIONS,
            value=StaffJobsState.form_status,
            on_change=StaffJobsState.set_form_status,
            aria_describedby="status-hint",
        ),
        rx.text(
            StaffJobsState.status_hint,
            size="1",
            color_scheme="gray",
            id="status-hint",
            data_testid="status-hint",
        ),
    )


def about_the_job() -> rx.Component:
    return _grid(
        _labelled(
            "Department",
            "department",
            _input(
                "department",
                default_value=StaffJobsState.form_department,
                max_length=80,
                placeholder="e.g. Engineering",
            ),
        ),
        _labelled(
            "Employment type",
            "employment_type",
            _select(
                "employment_type", EMPLOYMENT_TYPE_OPTIONS, default_value=StaffJobsState.form_employment_type
            ),
        ),
        _labelled(
            "Workplace",
            "workplace",
            _select(
                "workplace",
                WORKPLACE_OPTIONS,
                value=StaffJobsState.form_workplace,
                on_change=StaffJobsState.set_form_workplace,
            ),
        ),
        rx.cond(
            StaffJobsState.asks_remote_region,
            _labelled(
                "Remote from",
                "remote_region",
                _input(
                    "remote_region",
                    default_value=StaffJobsState.form_remote_region,
                    max_length=120,
                    placeholder="e.g. EU time zones, Germany",
                ),
            ),
        ),
    )


def salary() -> rx.Component:
    return rx.vstack(
        rx.text("Salary (optional)", size="2", weight="medium"),
        _grid(
            _labelled(
                "From",
                "salary_min",
                _input(
                    "salary_min",
                    default_value=StaffJobsState.form_salary_min,
                    input_mode="numeric",
                    max_length=14,
                ),
            ),
            _labelled(
                "To",
                "salary_max",
                _input(
                    "salary_max",
                    default_value=StaffJobsState.form_salary_max,
                    input_mode="numeric",
                    max_length=14,
                ),
            ),
            _labelled(
                "Currency",
                "salary_currency",
                _input(
                    "salary_currency",
                    default_value=StaffJobsState.form_salary_currency,
                    max_length=3,
                    placeholder="EUR",
                    auto_complete="off",
                    style={"textTransform": "uppercase"},
                ),
            ),
            _labelled(
                "Per",
                "salary_period",
                _select(
                    "salary_period", SALARY_PERIOD_OPTIONS, default_value=StaffJobsState.form_salary_period
                ),
            ),
        ),
        rx.hstack(
            rx.checkbox(
                name="salary_visible",
                id="salary_visible",
                default_checked=StaffJobsState.form_salary_visible,
                data_testid="salary_visible",
            ),
            label("Show the salary on the careers page", html_for="salary_visible", weight="regular"),
            align="center",
            spacing="2",
        ),
        spacing="2",
        width="100%",
    )


def description() -> rx.Component:
    """The Markdown, and below it the text as the careers page shows it (rendered and sanitised
    by the core: headings, lists, links, bold; no scripts, no raw HTML)."""
    return rx.vstack(
        label("Description", html_for="description"),
        rx.text_area(
            name="description",
            id="description",
            default_value=StaffJobsState.form_description,
            on_change=StaffJobsState.preview_description.debounce(250),
            rows="8",
            width="100%",
            max_length=20000,
            aria_describedby="description-hint",
            data_testid="job-description",
        ),
        rx.text(
            "Markdown: ## Heading, - list item, **bold**, [link](https://…).",
            size="1",
            color_scheme="gray",
            id="description-hint",
        ),
        markdown_preview(
            StaffJobsState.description_html,
            "description-preview",
            "The description, as candidates will read it, shows here.",
            "Description preview",
        ),
        spacing="1",
        width="100%",
    )


def posting() -> rx.Component:
    return _grid(
        _labelled(
            "Apply until (optional)",
            "valid_through",
            _input("valid_through", type="date", default_value=StaffJobsState.form_valid_through),
            _hint("After this day the posting leaves the careers page."),
        ),
        _labelled(
            "Hold knockout rejections for (hours)",
            "knockout_delay_hours",
            _input(
                "knockout_delay_hours",
                type="number",
                min="0",
                max="720",
                step="any",
                default_value=StaffJobsState.form_knockout_hours,
            ),
            _hint(
                "An applicant rejected by a knockout answer is told after this delay; "
                "you may reopen meanwhile."
            ),
        ),
    )
