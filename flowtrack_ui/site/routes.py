"""The careers site's addresses (DESIGN.md, "Wave 3 routes"), included in the FastAPI app that Reflex
mounts itself inside, so they answer before any Reflex page. GET and HEAD, nothing else."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from . import embed, feeds, pages

READ = ["GET", "HEAD"]
# Text the site sends compressed to a client that accepts gzip, from this size on.
COMPRESSED_TYPES = ("text/", "application/xml", "application/rss+xml", "application/json")
MIN_COMPRESSED = 1024


class CompressedRoute(APIRoute):
    """A site route whose text answers go out gzipped when the client accepts it: the page
    weight a visitor on a phone pays. (Reflex's own files are served compressed already.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def compressed(request: Request) -> Response:
            response = await handler(request)
            return gzipped(request, response)

        return compressed


def gzipped(request: Request, response: Response) -> Response:
    body = getattr(response, "body", b"")
    kind = response.headers.get("content-type", "")
    if (
        len(body) < MIN_COMPRESSED
        or not kind.startswith(COMPRESSED_TYPES)
        or "content-encoding" in response.headers
        or "gzip" not in request.headers.get("accept-encoding", "").lower()
    ):
        return response
    packed = gzip.compress(body, compresslevel=6)
    response.body = packed
    response.headers["content-length"] = str(len(packed))
    response.headers["content-encoding"] = "gzip"
    vary = response.headers.get("vary")
    response.headers["vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    return response


router = APIRouter(include_in_schema=False, route_class=CompressedRoute)


@router.api_route("/careers", methods=READ)
def careers_index(request: Request) -> Response:
    return pages.index(request)


@router.api_route("/careers/", methods=READ)
def careers_index_slash(request: Request) -> Response:
    """Before the app's own page at that address (the first careers site's)."""
    return pages.unknown(request)


@router.api_route("/careers/assets/{name}", methods=READ)
def careers_asset(request: Request, name: str) -> Response:
    return pages.asset(request, name)


@router.api_route("/careers/{slug}", methods=READ)
def careers_page(request: Request, slug: str) -> Response:
    return pages.company_page(request, slug)


@router.api_route("/careers/{slug}/jobs/{job_ref}", methods=READ)
def job_page(request: Request, slug: str, job_ref: str) -> Response:
    return pages.job_page_response(request, slug, job_ref)


@router.api_route("/careers/{slug}/jobs.rss", methods=READ)
def jobs_rss(request: Request, slug: str) -> Response:
    return feeds.rss(request, slug)


@router.api_route("/careers/{slug}/jobs.xml", methods=READ)
def jobs_xml(request: Request, slug: str) -> Response:
    return feeds.indeed(request, slug)


@router.api_route("/careers/{slug}/jobs.json", methods=READ)
def jobs_json(request: Request, slug: str) -> Response:
    return embed.jobs_json(request, slug)


@router.api_route("/careers/{slug}/embed.js", methods=READ)
def embed_script(request: Request, slug: str) -> Response:
    return embed.script(request, slug)


@router.api_route("/careers/{slug}/embed", methods=READ)
def embed_frame(request: Request, slug: str) -> Response:
    return embed.frame(request, slug)


@router.api_route("/careers/{slug}/logo", methods=READ)
def company_logo(request: Request, slug: str) -> Response:
    return pages.logo(request, slug)


@router.api_route("/sitemap.xml", methods=READ)
def sitemap(request: Request) -> Response:
    return feeds.sitemap(request)


@router.api_route("/robots.txt", methods=READ)
def robots(request: Request) -> Response:
    return feeds.robots(request)


@router.api_route("/careers/{slug}/{rest:path}", methods=READ)
def careers_unknown(request: Request, slug: str, rest: str) -> Response:
    """Last: any other address under a careers site is the site's HTML 404."""
    return pages.unknown(request)
