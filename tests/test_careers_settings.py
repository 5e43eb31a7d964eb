"""The careers site's settings as staff set them: the address (unique across companies and their
old addresses, kept as a redirect when changed), the about text, accent colour and links, the logo
(re-encoded by a file worker; hostile or wrong files refused with the old logo kept), who may do
what, and company sign-up choosing the address."""

from __future__ import annotations

import io
import os

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import select

from flowtrack_ui.api.app import create_api
from flowtrack_ui.api.hardening import Hardening
from flowtrack_ui.core.accounts import sign_up
from flowtrack_ui.core.careers import settings as careers
from flowtrack_ui.core.careers import slugs
from flowtrack_ui.core.careers.settings import MAX_LINKS, MAX_OLD_SLUGS
from flowtrack_ui.core.errors import Conflict, Forbidden, InvalidInput, TooLarge, UnsupportedFile
from flowtrack_ui.core.files.images import LOGO_SIDE, MAX_LOGO_BYTES
from flowtrack_ui.core.models import Company, CompanySlugRedirect, StoredFile

from .test_api import client_for, login
from .test_applications import make_pdf

# --- images made here ----------------------------------------------------------------------------


def _image(fmt: str, size: tuple[int, int] = (1200, 600), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 60) if mode == "RGB" else None).save(out, fmt, **save)
    return out.getvalue()


def _noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: its size in bytes is about width × height × 3."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def _bomb() -> bytes:
    """48 KB of PNG that decodes to 20,000 × 20,000 pixels (400 megapixels)."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    return out.getvalue()


def _company(db, company_id: int) -> Company:
    with db.session() as s:
        return s.get(Company, company_id)


def _files(db) -> set[int]:
    with db.session() as s:
        return set(s.exec(select(StoredFile.id)).all())


# --- the address ---------------------------------------------------------------------------------


def test_a_company_starts_with_the_address_made_from_its_name(db, acme):
    got = careers.get_careers(db, acme.recruiter)
    assert got.slug == "acme" and got.careers_url.endswith("/careers/acme")
    assert got.can_edit and not careers.get_careers(db, acme.manager).can_edit
    assert '<script src="' in got.embed_script and "/careers/acme/embed.js" in got.embed_script
    assert got.embed_iframe.startswith("<iframe") and "/careers/acme/embed" in got.embed_iframe


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("a", "2–50"),
        ("-acme", "starting and ending"),
        ("acme-", "starting and ending"),
        ("ac me", "lower-case"),
        ("acme_jobs", "lower-case"),
        ("x" * 51, "2–50"),
        ("api", "reserved"),
        ("jobs", "reserved"),
        (42, "must be text"),
    ],
)
def test_a_malformed_address_is_refused_and_nothing_changes(db, acme, typed, words):
    with pytest.raises(InvalidInput, match=words):
        careers.update_careers(db, acme.recruiter, {"slug": typed, "about": "Not saved"})
    got = careers.get_careers(db, acme.recruiter)
    assert (got.slug, got.about) == ("acme", "")


def test_an_address_is_trimmed_and_lower_cased(db, acme):
    assert careers.update_careers(db, acme.recruiter, {"slug": "  Acme-Jobs "}).slug == "acme-jobs"


def test_a_changed_address_redirects_and_stays_the_companys(db, acme, globex):
    moved = careers.update_careers(db, acme.recruiter, {"slug": "acme-careers"})
    assert moved.slug == "acme-careers" and moved.old_slugs == ("acme",)
    with db.session() as s:
        assert slugs.holder(s, "acme") == acme.recruiter.company_id
    # Nobody else may take it, current or former.
    for taken in ("acme", "acme-careers"):
        with pytest.raises(Conflict, match="taken"):
            careers.update_careers(db, globex.recruiter, {"slug": taken})
        with pytest.raises(Conflict):
            sign_up.register_company(db, "Initech", "boss@initech.test", "correct horse battery", "B", taken)
    assert careers.get_careers(db, globex.recruiter).slug == "globex"
    # The company itself takes its old address back: that redirect goes, the other one comes.
    back = careers.update_careers(db, acme.recruiter, {"slug": "acme"})
    assert back.slug == "acme" and back.old_slugs == ("acme-careers",)
    with db.session() as s:
        rows = s.exec(select(CompanySlugRedirect.slug, CompanySlugRedirect.company_id)).all()
    assert rows == [("acme-careers", acme.recruiter.company_id)]


def test_the_same_address_again_changes_nothing(db, acme):
    same = careers.update_careers(db, acme.recruiter, {"slug": "acme", "about": "Hello"})
    assert (same.slug, same.old_slugs, same.about) == ("acme", (), "Hello")


def test_a_company_keeps_at_most_a_few_old_addresses(db, acme, globex):
    for n in range(MAX_OLD_SLUGS + 2):
        careers.update_careers(db, acme.recruiter, {"slug": f"acme-{n}"})
    got = careers.get_careers(db, acme.recruiter)
    assert len(got.old_slugs) == MAX_OLD_SLUGS
    assert "acme" not in got.old_slugs and "acme-0" not in got.old_slugs  # the oldest were let go
    assert got.old_slugs[0] == f"acme-{MAX_OLD_SLUGS}"  # newest first
    # One let go is free again; one kept is not.
    assert careers.update_careers(db, globex.recruiter, {"slug": "acme"}).slug == "acme"
    with pytest.raises(Conflict):
        careers.update_careers(db, globex.recruiter, {"slug": "acme-5"})


# --- about, accent colour, links -----------------------------------------------------------------


def test_about_accent_and_links_are_checked_and_kept(db, acme):
    got = careers.update_careers(
        db,
        acme.recruiter,
        {
            "about": "## Who we are\n\nWe make **anvils**.",
            "accent_color": "#0A7B83",
            "links": [
                {"label": "Website", "url": "https://acme.example"},
                {"label": "Blog", "url": "acme.example/blog"},
            ],
        },
    )
    assert got.about.startswith("## Who we are") and got.accent_color == "#0a7b83"
    assert [(link.label, link.url) for link in got.links] == [
        ("Website", "https://acme.example"),
        ("Blog", "https://acme.example/blog"),
    ]
    # A field left out keeps its value.
    again = careers.update_careers(db, acme.recruiter, {"accent_color": "#111111"})
    assert again.about == got.about and again.links == got.links


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"accent_color": "red"}, "hex colour"),
        ({"accent_color": "#12345"}, "hex colour"),
        ({"accent_color": "#1234567"}, "hex colour"),
        ({"about": "x" * 5001}, "at most 5000"),
        ({"about": "bell\x07"}, "invalid character"),
        ({"links": [{"label": "x", "url": "javascript:alert(1)"}]}, "http:// or https://"),
        ({"links": [{"label": "x", "url": "ftp://files.acme.example"}]}, "http:// or https://"),
        ({"links": [{"label": "x", "url": "data:text/html,<b>hi</b>"}]}, "http:// or https://"),
        ({"links": [{"label": "x", "url": "https://"}]}, "http:// or https://"),
        ({"links": [{"label": "", "url": "https://acme.example"}]}, "label is required"),
        ({"links": [{"label": "x" * 41, "url": "https://acme.example"}]}, "at most 40"),
        ({"links": [{"label": "x", "url": "https://acme.example/" + "a" * 300}]}, "at most 300"),
        (
            {"links": [{"label": f"L{n}", "url": "https://a.example"} for n in range(MAX_LINKS + 1)]},
            "at most 8",
        ),
        ({"links": "https://acme.example"}, "must be a list"),
        ({"links": ["https://acme.example"]}, "must be an object"),
        ({"logo": "x"}, "Unknown careers setting"),
        ("about", "must be an object"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(db, acme, fields, words):
    careers.update_careers(db, acme.recruiter, {"about": "Kept", "accent_color": "#222222"})
    with pytest.raises(InvalidInput, match=words):
        careers.update_careers(db, acme.recruiter, fields)
    got = careers.get_careers(db, acme.recruiter)
    assert (got.about, got.accent_color, got.links) == ("Kept", "#222222", ())


# --- who may ---------------------------------------------------------------------------------------


def test_hiring_managers_read_only_and_candidates_not_at_all(db, acme, candidate):
    before = _company(db, acme.recruiter.company_id)
    assert careers.get_careers(db, acme.manager).slug == "acme"
    for attempt in (
        lambda: careers.update_careers(db, acme.manager, {"about": "Mine now"}),
        lambda: careers.set_logo(db, acme.manager, _image("PNG")),
        lambda: careers.remove_logo(db, acme.manager),
        lambda: careers.get_careers(db, candidate),
        lambda: careers.update_careers(db, candidate, {"slug": "taken-over"}),
        lambda: careers.set_logo(db, candidate, _image("PNG")),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert _company(db, acme.recruiter.company_id) == before


def test_another_companys_recruiter_changes_only_their_own(db, acme, globex):
    careers.update_careers(db, acme.recruiter, {"about": "Acme's words"})
    careers.set_logo(db, acme.recruiter, _image("PNG"))
    acme_before = _company(db, acme.recruiter.company_id)
    careers.update_careers(db, globex.recruiter, {"about": "Globex's words", "accent_color": "#000000"})
    careers.set_logo(db, globex.recruiter, _image("JPEG"))
    careers.remove_logo(db, globex.recruiter)
    assert _company(db, acme.recruiter.company_id) == acme_before
    assert careers.get_careers(db, globex.recruiter).about == "Globex's words"


# --- the logo --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "size", "mode"),
    [
        ("PNG", (1200, 600), "RGBA"),
        ("JPEG", (3000, 4000), "RGB"),
        ("WEBP", (300, 100), "RGB"),
        ("PNG", (64, 64), "P"),
    ],
)
def test_a_logo_is_re_encoded_to_a_small_png(db, acme, fmt, size, mode):
    got = careers.set_logo(db, acme.recruiter, _image(fmt, size, mode))
    assert got.has_logo and got.logo_url.startswith(got.careers_url + "/logo?v=")
    png = careers.logo_png(db, acme.manager)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert max(img.size) == min(LOGO_SIDE, max(size))
        assert abs(img.size[0] / img.size[1] - size[0] / size[1]) < 0.02


def test_nothing_of_the_upload_but_its_pixels_is_kept(db, acme):
    exif = Image.Exif()
    exif[0x010E] = "secret camera notes"  # ImageDescription
    upload = _image("JPEG", (400, 300), exif=exif.tobytes()) + b"<script>trailing bytes</script>"
    careers.set_logo(db, acme.recruiter, upload)
    png = careers.logo_png(db, acme.recruiter)
    assert b"secret camera notes" not in png and b"<script>" not in png
    with Image.open(io.BytesIO(png)) as img:
        assert "exif" not in img.info


def test_a_new_logo_replaces_the_old_file_and_removing_deletes_it(db, acme):
    files_before = _files(db)
    first = careers.set_logo(db, acme.recruiter, _image("PNG"))
    first_file = _company(db, acme.recruiter.company_id).logo_file_id
    second = careers.set_logo(db, acme.recruiter, _image("WEBP"))
    second_file = _company(db, acme.recruiter.company_id).logo_file_id
    assert first.logo_url != second.logo_url
    assert _files(db) == files_before | {second_file} and first_file not in _files(db)
    gone = careers.remove_logo(db, acme.recruiter)
    assert not gone.has_logo and gone.logo_url == "" and careers.logo_png(db, acme.recruiter) is None
    assert _files(db) == files_before


@pytest.mark.parametrize(
    ("upload", "error", "words"),
    [
        (lambda: b"", InvalidInput, "empty"),
        (lambda: "not bytes", InvalidInput, "as a file"),
        (lambda: _noise_png(900, 900), TooLarge, "at most 2 MiB"),
        (lambda: make_pdf("Not a logo"), UnsupportedFile, "PNG, JPEG or WebP"),
        (
            lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            UnsupportedFile,
            "PNG",
        ),
        (lambda: _image("GIF", (50, 50), "P"), UnsupportedFile, "PNG, JPEG or WebP"),
        (lambda: _image("PNG")[:60], InvalidInput, "could not be read"),
        (lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(2000), InvalidInput, "could not be read"),
        (lambda: _bomb(), InvalidInput, "too many pixels"),
    ],
)
def test_a_bad_logo_is_refused_and_the_old_one_kept(db, acme, upload, error, words):
    careers.set_logo(db, acme.recruiter, _image("PNG"))
    before, files = _company(db, acme.recruiter.company_id).logo_file_id, _files(db)
    with pytest.raises(error, match=words):
        careers.set_logo(db, acme.recruiter, upload())
    assert _company(db, acme.recruiter.company_id).logo_file_id == before
    assert _files(db) == files


# --- over HTTP -------------------------------------------------------------------------------------


def test_the_careers_routes(db, acme, globex, candidate):
    c = client_for(db)
    rec, hm = login(c, "rec@acme.test"), login(c, "hm@acme.test")
    cand = login(c, "cand@example.com")
    assert c.get("/api/company/careers").status_code == 401
    assert c.get("/api/company/careers", headers=cand).status_code == 403
    shown = c.get("/api/company/careers", headers=hm)
    assert shown.status_code == 200 and shown.json()["slug"] == "acme" and shown.json()["can_edit"] is False
    assert shown.json()["logo_url"] is None and shown.json()["embed_script"].startswith("<div")

    r = c.put("/api/company/careers", json={"about": "Mine"}, headers=hm)
    assert r.status_code == 403 and "may not edit the careers site" in r.json()["detail"]
    body = {
        "slug": "acme-jobs",
        "about": "We make *anvils*.",
        "accent_color": "#AA3300",
        "links": [{"label": "Website", "url": "https://acme.example"}],
    }
    r = c.put("/api/company/careers", json=body, headers=rec)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["slug"], got["accent_color"], got["old_slugs"]) == ("acme-jobs", "#aa3300", ["acme"])
    assert got["links"] == [{"label": "Website", "url": "https://acme.example"}]
    assert (
        got["careers_url"].endswith("/careers/acme-jobs")
        and "/careers/acme-jobs/embed" in got["embed_iframe"]
    )
    # Fields left out, or null, keep their value.
    r = c.put("/api/company/careers", json={"about": None, "accent_color": "#000000"}, headers=rec)
    assert r.json()["about"] == "We make *anvils*." and r.json()["slug"] == "acme-jobs"

    globex_rec = login(c, "rec@globex.test")
    r = c.put("/api/company/careers", json={"slug": "acme"}, headers=globex_rec)
    assert r.status_code == 409 and "taken" in r.json()["detail"]
    for bad in (
        {"accent_color": "blue"},
        {"links": [{"label": "x", "url": "javascript:alert(1)"}]},
        {"slug": "A B"},
    ):
        r = c.put("/api/company/careers", json=bad, headers=rec)
        assert r.status_code == 422 and isinstance(r.json()["detail"], str | list), r.text
    r = c.put(
        "/api/company/careers", json={"links": [{"label": "x", "url": "https://a.example"}] * 9}, headers=rec
    )
    assert r.status_code == 422
    assert c.get("/api/company/careers", headers=rec).json()["links"] == body["links"]


def test_the_logo_routes(db, acme):
    c = client_for(db)
    rec, hm = login(c, "rec@acme.test"), login(c, "hm@acme.test")

    def put(data: bytes, headers=rec, name="logo.png"):
        return c.put("/api/company/logo", files={"file": (name, data, "image/png")}, headers=headers)

    r = put(_image("PNG", (800, 200)))
    assert r.status_code == 200, r.text
    url = r.json()["logo_url"]
    assert "/careers/acme/logo?v=" in url
    for data, status in (
        (_bomb(), 422),
        (b"GIF89a" + b"\0" * 100, 415),
        (make_pdf("A PDF named logo.png"), 415),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_LOGO_BYTES + 10), 413),
    ):
        refused = put(data)
        assert refused.status_code == status, refused.text
        assert refused.json()["detail"]
        assert c.get("/api/company/careers", headers=rec).json()["logo_url"] == url
    assert c.put("/api/company/logo", headers=rec).status_code == 422  # no file at all
    assert put(_image("PNG"), headers=hm).status_code == 403
    assert c.delete("/api/company/logo", headers=hm).status_code == 403
    r = c.delete("/api/company/logo", headers=rec)
    assert r.status_code == 200 and r.json()["logo_url"] is None


def test_a_logo_near_its_limit_passes_the_body_limit(db, acme):
    """The server's body limit (1 MiB for most requests) lets a logo of up to 2 MiB through."""
    c = TestClient(Hardening(create_api(lambda: db)), raise_server_exceptions=False)
    rec = login(c, "rec@acme.test")
    data = _noise_png(760, 760)  # about 1.7 MB
    assert 1_048_576 < len(data) <= MAX_LOGO_BYTES
    r = c.put("/api/company/logo", files={"file": ("big.png", data, "image/png")}, headers=rec)
    assert r.status_code == 200, r.text
    assert c.put("/api/me/profile", json={"headline": "x" * 2_000_000}, headers=rec).status_code == 413


# --- company sign-up chooses the address ---------------------------------------------------------


def test_company_sign_up_takes_the_chosen_address(db, acme):
    c = client_for(db)
    body = {"company_name": "Initech", "email": "boss@initech.test", "password": "correct horse battery"}
    r = c.post("/api/companies", json={**body, "full_name": "Bill", "company_slug": "Initech-Careers"})
    assert r.status_code == 201, r.text
    with db.session() as s:
        assert s.exec(select(Company.slug).where(Company.name == "Initech")).one() == "initech-careers"
    r = c.post(
        "/api/companies",
        json={
            **body,
            "company_name": "Initrode",
            "email": "b@initrode.test",
            "full_name": "B",
            "company_slug": "acme",
        },
    )
    assert r.status_code == 409 and "taken" in r.json()["detail"]
    r = c.post(
        "/api/companies",
        json={
            **body,
            "company_name": "Initrode",
            "email": "b@initrode.test",
            "full_name": "B",
            "company_slug": "no way",
        },
    )
    assert r.status_code == 422
    r = c.post(
        "/api/companies",
        json={**body, "company_name": "Initrode", "email": "b@initrode.test", "full_name": "B"},
    )
    assert r.status_code == 201
    with db.session() as s:
        assert s.exec(select(Company.slug).where(Company.name == "Initrode")).one() == "initrode"
