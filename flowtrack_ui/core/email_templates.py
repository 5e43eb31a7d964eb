"""FlowTrack's fixed emails (to staff, and about accounts): subject, plain text and HTML for each
kind, with $placeholders. What a company writes to its candidates comes from its own templates
(mail/templates.py).

Values are escaped for the HTML body. Internal notes (a rejection's reason) are never among
the values passed in, so no template can show them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template


@dataclass(frozen=True)
class EmailTemplate:
    subject: str
    text: str
    html: str


_HTML_FRAME = """<!doctype html>
<html><body style="font-family: system-ui, sans-serif; color: #1c2024; line-height: 1.5; max-width: 560px">
$content
<p style="color: #60646c; font-size: 13px">FlowTrack · applicant tracking for $company</p>
</body></html>"""

_BUTTON = (
    '<p><a href="$link" style="background: #3e63dd; color: #fff; padding: 8px 14px; border-radius: 6px; '
    'text-decoration: none">$label</a></p>'
)

TEMPLATES: dict[str, EmailTemplate] = {
    "new_applicant": EmailTemplate(
        subject="New applicant for $job_title: $candidate_name",
        text="""Hello $recipient_name,

$candidate_name applied for $job_title. The application is in the Applied column of the board:

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p><strong>$candidate_name</strong> applied for <strong>$job_title</strong>. The application is in the
Applied column of the board.</p>
"""
        + _BUTTON.replace("$label", "Open the board"),
    ),
    "staff_invitation": EmailTemplate(
        subject="$inviter_name invited you to join $company on FlowTrack",
        text="""Hello,

$inviter_name invited you to join $company on FlowTrack as $role_name. Choose your name and
password with this link (valid until $expires):

$link
""",
        html="""<p>Hello,</p>
<p>$inviter_name invited you to join <strong>$company</strong> on FlowTrack as $role_name. Choose
your name and password with this link (valid until $expires).</p>
"""
        + _BUTTON.replace("$label", "Accept the invitation"),
    ),
    "password_reset": EmailTemplate(
        subject="Reset your FlowTrack password",
        text="""Hello $name,

someone (we hope you) asked to reset the password of your FlowTrack account. Choose a new
password with this link; it works once and until $expires (UTC):

$link

If you did not ask for this, ignore this email: your password stays as it is.
""",
        html="""<p>Hello $name,</p>
<p>someone (we hope you) asked to reset the password of your FlowTrack account. Choose a new
password with this link; it works once and until $expires (UTC).</p>
"""
        + _BUTTON.replace("$label", "Choose a new password")
        + """<p>If you did not ask for this, ignore this email: your password stays as it is.</p>
""",
    ),
    "email_verification": EmailTemplate(
        subject="Confirm your email address for FlowTrack",
        text="""Hello $name,

your FlowTrack account uses this address. Confirm that it is yours with this link; it works once
and until $expires (UTC):

$link

If you did not sign up for FlowTrack, ignore this email.
""",
        html="""<p>Hello $name,</p>
<p>your FlowTrack account uses this address. Confirm that it is yours with this link; it works once
and until $expires (UTC).</p>
"""
        + _BUTTON.replace("$label", "Confirm my email address")
        + """<p>If you did not sign up for FlowTrack, ignore this email.</p>
""",
    ),
    "sign_up_confirmation": EmailTemplate(
        subject="Confirm your email address to finish signing up for FlowTrack",
        text="""Hello $name,

someone (we hope you) signed up for FlowTrack with this address. Your account is made when you
confirm the address with this link; it works once and until $expires (UTC):

$link

An earlier account with this address that was never confirmed is erased then. If you did not
sign up, ignore this email: nothing is made and nothing is erased.
""",
        html="""<p>Hello $name,</p>
<p>someone (we hope you) signed up for FlowTrack with this address. Your account is made when you
confirm the address with this link; it works once and until $expires (UTC).</p>
"""
        + _BUTTON.replace("$label", "Confirm and create my account")
        + """<p>An earlier account with this address that was never confirmed is erased then. If you did
not sign up, ignore this email: nothing is made and nothing is erased.</p>
""",
    ),
    "mention": EmailTemplate(
        subject="$author_name mentioned you on an applicant for $job_title",
        text="""Hello $recipient_name,

$author_name mentioned you in a note on an application for $job_title:

$note

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p>$author_name mentioned you in a note on an application for <strong>$job_title</strong>:</p>
<blockquote style="border-left: 3px solid #d0d5dd; margin: 0; padding-left: 12px;
 white-space: pre-wrap">$note</blockquote>
"""
        + _BUTTON.replace("$label", "Open the application"),
    ),
    "interview_invitation": EmailTemplate(
        subject="Interview: $title, $when",
        text="""Hello $recipient_name,

an interview for $job_title at $company is scheduled:

When: $when ($duration minutes)
Where: $where

The calendar invitation is attached.

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p>an interview for <strong>$job_title</strong> at $company is scheduled.</p>
<p><strong>When:</strong> $when ($duration minutes)<br><strong>Where:</strong> $where</p>
<p>The calendar invitation is attached.</p>
"""
        + _BUTTON.replace("$label", "Open"),
    ),
    "interview_updated": EmailTemplate(
        subject="Interview moved: $title, now $when",
        text="""Hello $recipient_name,

the interview for $job_title at $company has changed:

When: $when ($duration minutes)
Where: $where

The updated calendar invitation is attached.

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p>the interview for <strong>$job_title</strong> at $company has changed.</p>
<p><strong>When:</strong> $when ($duration minutes)<br><strong>Where:</strong> $where</p>
<p>The updated calendar invitation is attached.</p>
"""
        + _BUTTON.replace("$label", "Open"),
    ),
    "interview_cancelled": EmailTemplate(
        subject="Interview cancelled: $title, $when",
        text="""Hello $recipient_name,

the interview for $job_title at $company on $when is cancelled. The calendar entry is removed.

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p>the interview for <strong>$job_title</strong> at $company on $when is cancelled. The calendar entry is
removed.</p>
"""
        + _BUTTON.replace("$label", "Open"),
    ),
    "scorecard_reminder": EmailTemplate(
        subject="Your scorecard for $candidate_name is due",
        text="""Hello $recipient_name,

you interviewed $candidate_name for $job_title on $when. Your scorecard is not in yet; the team
decides with it, and you see your colleagues' scorecards once yours is submitted:

$link
""",
        html="""<p>Hello $recipient_name,</p>
<p>you interviewed <strong>$candidate_name</strong> for <strong>$job_title</strong> on $when. Your
scorecard is not in yet; the team decides with it, and you see your colleagues' scorecards once
yours is submitted.</p>
"""
        + _BUTTON.replace("$label", "Write my scorecard"),
    ),
}


def render(kind: str, values: dict[str, str]) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one email."""
    subject, text, body = _COMPILED[kind]
    escaped = {key: html.escape(value) for key, value in values.items()}
    page = _FRAME.substitute(content=body.substitute(escaped), company=escaped.get("company", ""))
    return subject.substitute(values), text.substitute(values), page


# Each template parsed once, not per email (a stage move writes one).
_COMPILED = {kind: (Template(t.subject), Template(t.text), Template(t.html)) for kind, t in TEMPLATES.items()}
_FRAME = Template(_HTML_FRAME)
