"""The company's time zone for business hours, a small form for the company's settings page."""

from __future__ import annotations

import reflex as rx

from flowtrack_ui.state.company_zone import CompanyZoneState as Z

from .careers_settings import section


def company_zone_section() -> rx.Component:
    """Emails a stage sends "in business hours" wait for Monday to Friday, 09:00–17:00 here."""
    return rx.box(
        section(
            "Business hours",
            rx.text(
                "Emails a stage sends only in business hours wait for Monday to Friday, 09:00–17:00 in "
                "this time zone.",
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                rx.flex(
                    rx.el.input(
                        name="company_zone",
                        key=Z.company_zone,
                        default_value=Z.company_zone,
                        list="company-zone-choices",
                        disabled=~Z.company_zone_can_edit,
                        aria_label="Company time zone",
                        placeholder="Europe/Berlin",
                        max_length=64,
                        data_testid="company-zone",
                        style={
                            "padding": "6px 8px",
                            "borderRadius": "6px",
                            "border": "1px solid var(--gray-a8)",
                            "fontSize": "14px",
                            "minWidth": "0",
                            "flex": "1",
                            "maxWidth": "320px",
                        },
                    ),
                    rx.el.datalist(
                        rx.foreach(Z.zone_choices, lambda z: rx.el.option(value=z)), id="company-zone-choices"
                    ),
                    rx.cond(
                        Z.company_zone_can_edit,
                        rx.button("Save", type="submit", size="2", data_testid="company-zone-save"),
                    ),
                    gap="2",
                    align="center",
                    width="100%",
                    padding_top="8px",
                ),
                rx.cond(
                    Z.company_zone_error != "",
                    rx.text(Z.company_zone_error, color_scheme="red", size="2", role="alert"),
                ),
                on_submit=Z.save_company_zone,
            ),
        ),
        on_mount=Z.load_company_zone,
        width="100%",
        data_testid="company-zone-section",
    )
