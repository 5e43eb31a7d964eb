"""The notification emails: subject, plain text and HTML for each kind, with $placeholders.

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
    "application_received": EmailTemplate(
        subject="We received your application for $job_title",
        text="""Hello $candidate_name,

thank you for applying for $job_title at $company. Your application has arrived and the
team will review it. You can follow its progress at any time:

$link
""",
        html="""<p>Hello $candidate_name,</p>
<p>thank you for applying for <strong>$job_title</strong> at $company. Your application has arrived
and the team will review it. You can follow its progress at any time.</p>
"""
        + _BUTTON.replace("$label", "Track my application"),
    ),
    "application_received_link": EmailTemplate(
        subject="We received your application for $job_title",
        text="""Hello $candidate_name,

thank you for applying for $job_title at $company. Your application has arrived and the
team will review it. Follow its progress with this link: it signs you in to your applications,
works once and until $expires (UTC).

$link

$account_sentence

If you did not apply, ignore this email.
""",
        html="""<p>Hello $candidate_name,</p>
<p>thank you for applying for <strong>$job_title</strong> at $company. Your application has arrived
and the team will review it. Follow its progress with this link: it signs you in to your
applications, works once and until $expires (UTC).</p>
"""
        + _BUTTON.replace("$label", "Track my application")
        + """<p>$account_sentence</p>
<p>If you did not apply, ignore this email.</p>
""",
    ),
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
    "added_from_talent_pool": EmailTemplate(
        subject="$company would like to consider you for $job_title",
        text="""Hello $candidate_name,

you applied to $company before, and the team thinks you could be a good fit for another role:
$job_title. They have added you to it, so you do not need to apply again. You can follow this
application, or withdraw from it if you are not interested, here:

$link
""",
        html="""<p>Hello $candidate_name,</p>
<p>you applied to $company before, and the team thinks you could be a good fit for another role:
<strong>$job_title</strong>. They have added you to it, so you do not need to apply again. You can
follow this application, or withdraw from it if you are not interested.</p>
"""
        + _BUTTON.replace("$label", "Track my application"),
    ),
    "stage_changed": EmailTemplate(
        subject="Your application for $job_title: $stage",
        text="""Hello $candidate_name,

$stage_sentence

You can follow your application here:

$link
""",
        html="""<p>Hello $candidate_name,</p>
<p>$stage_sentence</p>
"""
        + _BUTTON.replace("$label", "Track my application"),
    ),
    "application_rejected": EmailTemplate(
        subject="Your application for $job_title at $company",
        text="""Hello $candidate_name,

thank you for your interest in $job_title at $company and for the time you gave us. After
careful consideration we have decided not to take your application further.

We know this is not the news you hoped for. We wish you every success, and you are welcome
to apply for other roles with us:

$link
""",
        html="""<p>Hello $candidate_name,</p>
<p>thank you for your interest in <strong>$job_title</strong> at $company and for the time you gave
us. After careful consideration we have decided not to take your application further.</p>
<p>We know this is not the news you hoped for. We wish you every success, and you are welcome to
apply for other roles with us.</p>
"""
        + _BUTTON.replace("$label", "See open roles"),
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

# By stage category, so a job's own stage names get the right words.
STAGE_SENTENCES = {
    "screening": "good news: your application for $job_title at $company has moved to screening. "
    "The team is taking a closer look.",
    "interview": "your application for $job_title at $company has moved to the interview stage. "
    "The team will be in touch to arrange it.",
    "offer": "we are delighted to tell you that $company is preparing an offer for $job_title.",
    "hired": "congratulations, and welcome to $company! Your application for $job_title is complete.",
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
