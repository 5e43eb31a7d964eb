"""Realistic PDF résumés for the demo candidates, made at first run (reportlab), never committed."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

SKILLS = {
    "engineering": [
        "Python",
        "PostgreSQL",
        "Kubernetes",
        "Go",
        "Redis",
        "Terraform",
        "FastAPI",
        "Kafka",
        "AWS",
        "Django",
        "gRPC",
        "observability",
        "TypeScript",
        "Rust",
    ],
    "design": [
        "Figma",
        "user research",
        "prototyping",
        "design systems",
        "accessibility (WCAG)",
        "usability testing",
        "interaction design",
        "illustration",
        "motion design",
    ],
    "customers": [
        "Salesforce",
        "HubSpot",
        "Zendesk",
        "onboarding",
        "renewals",
        "QBRs",
        "churn analysis",
        "SQL",
        "customer training",
        "German",
        "Spanish",
        "French",
    ],
}
ROLES = {
    "engineering": [
        "Backend Engineer",
        "Software Engineer",
        "Platform Engineer",
        "Site Reliability Engineer",
    ],
    "design": ["Product Designer", "UX Designer", "Interaction Designer", "Visual Designer"],
    "customers": ["Customer Success Manager", "Account Manager", "Support Lead", "Onboarding Specialist"],
}
COMPANIES = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Finance",
    "Hooli",
    "Vandelay Imports",
    "Soylent Foods",
    "Tyrell Systems",
    "Cyberdyne Labs",
    "Aperture",
]
SCHOOLS = [
    "University of Lisbon",
    "TU Munich",
    "University of Manchester",
    "KTH Stockholm",
    "University of Lagos",
    "Politecnico di Milano",
    "Sorbonne University",
    "University of Tokyo",
]
CITIES = [
    "Lisbon, Portugal",
    "Berlin, Germany",
    "London, UK",
    "Stockholm, Sweden",
    "Lagos, Nigeria",
    "Milan, Italy",
    "Paris, France",
    "Tokyo, Japan",
    "Warsaw, Poland",
    "Madrid, Spain",
]


@dataclass(frozen=True)
class DemoProfile:
    headline: str
    phone: str
    location: str
    linkedin_url: str
    track: str
    skills: tuple[str, ...]


def profile_for(name: str, rng: random.Random) -> DemoProfile:
    track = rng.choice(list(SKILLS))
    years = rng.randint(2, 12)
    skills = tuple(rng.sample(SKILLS[track], 5))
    slug = name.lower().replace(" ", "-")
    return DemoProfile(
        headline=f"{rng.choice(ROLES[track])}, {years} years — {skills[0]}, {skills[1]} and {skills[2]}",
        phone=f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100, 999)} "
        f"{rng.randint(1000, 9999)}",
        location=rng.choice(CITIES),
        linkedin_url=f"https://www.linkedin.com/in/{slug}",
        track=track,
        skills=skills,
    )


def resume_pdf(name: str, email: str, p: DemoProfile, rng: random.Random, *, extra_pages: int = 0) -> bytes:
    """A one- or two-page résumé; ``extra_pages`` adds project pages (for large-file benchmarks)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = [
        Paragraph(name, styles["Title"]),
        Paragraph(p.headline, styles["Heading3"]),
        Paragraph(f"{email} · {p.phone} · {p.location} · {p.linkedin_url}", styles["Normal"]),
        Spacer(1, 12),
        Paragraph("Summary", styles["Heading2"]),
        Paragraph(
            f"{p.headline.split(',')[0]} who enjoys {p.skills[0]} and {p.skills[3]}. Known for calm "
            "delivery, clear writing and mentoring colleagues. Looking for a team that values craft "
            "and kindness.",
            styles["Normal"],
        ),
        Paragraph("Experience", styles["Heading2"]),
    ]
    year = 2026
    for _ in range(3):
        start = year - rng.randint(2, 4)
        company = rng.choice(COMPANIES)
        story.append(
            Paragraph(f"<b>{rng.choice(ROLES[p.track])}</b> — {company}, {start}–{year}", styles["Normal"])
        )
        for skill in rng.sample(list(p.skills), 2):
            story.append(
                Paragraph(
                    f"• Led work on {skill}, cutting turnaround by {rng.randint(15, 60)}% for "
                    f"{rng.randint(3, 40)} teams.",
                    styles["Normal"],
                )
            )
        story.append(Spacer(1, 6))
        year = start
    story += [
        Paragraph("Skills", styles["Heading2"]),
        Paragraph(", ".join(p.skills), styles["Normal"]),
        Paragraph("Education", styles["Heading2"]),
        Paragraph(f"{rng.choice(SCHOOLS)}, {year - rng.randint(3, 5)}–{year}", styles["Normal"]),
    ]
    for page in range(extra_pages):
        story += [PageBreak(), Paragraph(f"Project {page + 1}", styles["Heading2"])]
        story += [
            Paragraph(
                f"Worked with {rng.choice(p.skills)} on a system serving {rng.randint(1, 900)} thousand "
                f"users; wrote the runbooks, the dashboards and the post-mortems.",
                styles["Normal"],
            )
            for _ in range(12)
        ]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=f"{name} — résumé", author=name).build(story)
    return out.getvalue()
