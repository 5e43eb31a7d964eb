"""Run Reflex's production server, rebuilding the frontend only when something it is built from changed.

`reflex run --env prod` compiles the pages and runs the bundler on every start, about ten seconds,
even when nothing changed since the last start. FlowTrack keeps a fingerprint of what the bundle is
made from (the app's code and assets, `rxconfig.py`, the Reflex packages' versions and the URLs the
browser calls, which hold the port) beside the bundle; when it matches, the server starts on the
bundle already built. A restart of `make run`, or the test suite starting one app server per module
on the same port, then takes the backend's start-up time alone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

from flowtrack_ui.core.settings import PROJECT_ROOT

# What the frontend bundle is made from, below the project root.
SOURCES = ("flowtrack_ui", "assets")
STAMP = "flowtrack-build.sha256"  # beside the bundle, in the web folder


def _web_dir() -> Path:
    """Reflex's working folder for the frontend (``.web``, or ``REFLEX_WEB_WORKDIR``)."""
    from reflex.utils.prerequisites import get_web_dir

    return PROJECT_ROOT / get_web_dir()


def fingerprint() -> str:
    """A hash of everything the compiled pages and the bundle depend on."""
    from reflex.config import get_config
    from reflex.constants import Endpoint

    h = hashlib.sha256()
    versions = sorted(
        (d.metadata["Name"].lower(), d.version)
        for d in metadata.distributions()
        if (d.metadata["Name"] or "").lower().startswith("reflex")
    )
    config = get_config()
    h.update(
        json.dumps(
            {
                "python": sys.version,
                "packages": versions,
                "endpoints": {e.name: e.get_url() for e in Endpoint},
                "transport": config.transport,
            },
            sort_keys=True,
        ).encode()
    )
    files = [PROJECT_ROOT / "rxconfig.py"]
    for folder in SOURCES:
        files += (
            p
            for p in (PROJECT_ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc", ".db"}
        )
    for path in sorted(files):
        h.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _bundle_is_current(expected: str, web: Path) -> bool:
    try:
        built = web / "build" / "client" / "index.html"
        return built.is_file() and (web / STAMP).read_text().strip() == expected
    except OSError:
        return False


def _reuse_or_stamp_build() -> None:
    """Skip Reflex's compile and bundle steps when the bundle is current, else stamp the new one."""
    from reflex import reflex as reflex_cli
    from reflex.utils import build

    expected, web = fingerprint(), _web_dir()
    if _bundle_is_current(expected, web):
        print("Frontend unchanged since its last build: serving that build.", flush=True)
        reflex_cli._compile_app = lambda **_: None  # type: ignore[assignment]
        build.setup_frontend_prod = lambda root: None
        return
    (web / STAMP).unlink(missing_ok=True)
    build_frontend = build.setup_frontend_prod

    def build_and_stamp(root: Path) -> None:
        build_frontend(root)
        (web / STAMP).write_text(expected + "\n")

    build.setup_frontend_prod = build_and_stamp


def main(argv: list[str]) -> None:
    """`reflex <argv>`, with the frontend build reused when current (only for `run --env prod`)."""
    from reflex.reflex import cli

    if argv[:1] == ["run"] and "--env" in argv[:-1] and argv[argv.index("--env") + 1] == "prod":
        _reuse_or_stamp_build()
    cli(args=argv, prog_name="reflex")


if __name__ == "__main__":
    main(sys.argv[1:])
