"""Settings from the environment, with defaults for a newcomer's laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    jwt_secret: str | None
    redis_url: str | None
    port: int
    demo: bool
    token_ttl_minutes: int
    public_url: str
    workers: int
    log_level: str
    live_check_seconds: float
    smtp_url: str | None
    mail_from: str
    # The sender inside `make run`; production runs `python -m flowtrack_ui.mailer` on its own.
    embedded_mailer: bool
    # The address the server listens on: loopback unless told otherwise.
    host: str
    # How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
    trusted_proxy_hops: int
    # Browser origins allowed to call the app with credentials: its own, plus any listed.
    cors_origins: tuple[str, ...]
    # Untrusted files (résumés) are read in worker processes (core/files/sandbox.py): how many at
    # once per server process, the wall-clock seconds and the memory (MiB) one job may take.
    file_workers: int = 2
    file_work_seconds: float = 10.0
    file_memory_mb: int = 512
    # Résumé uploads an account may make in an hour (core/files/quota.py).
    resume_uploads_per_hour: int = 10
    # Replies to candidates' emails (mail/inbound.py): the domain of the Reply-To address
    # ``reply+{token}@{domain}`` (None: no Reply-To is added), the mailbox the sender reads them
    # from (``imaps://user:password@host:993/INBOX``; None: nothing polls) and how often.
    inbound_domain: str | None = None
    imap_url: str | None = None
    imap_poll_seconds: float = 30.0
    # The key that seals stored secrets (core/sealed.py); None: one generated in the data folder.
    secret_key: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("FLOWTRACK_DATA_DIR") or PROJECT_ROOT / "data").resolve()
        db_url = os.environ.get("FLOWTRACK_DATABASE_URL") or f"sqlite:///{data_dir / 'flowtrack.db'}"
        port = int(os.environ.get("FLOWTRACK_PORT") or 3000)
        public_url = (os.environ.get("FLOWTRACK_PUBLIC_URL") or f"http://localhost:{port}").rstrip("/")
        extra_origins = [
            o.strip().rstrip("/") for o in (os.environ.get("FLOWTRACK_CORS_ORIGINS") or "").split(",")
        ]
        return cls(
            data_dir=data_dir,
            database_url=db_url,
            jwt_secret=os.environ.get("FLOWTRACK_JWT_SECRET") or None,
            redis_url=os.environ.get("FLOWTRACK_REDIS_URL") or None,
            port=port,
            demo=(os.environ.get("FLOWTRACK_DEMO", "1").strip() not in ("0", "false", "no")),
            token_ttl_minutes=int(os.environ.get("FLOWTRACK_TOKEN_TTL_MINUTES") or 12 * 60),
            public_url=public_url,
            workers=max(1, int(os.environ.get("FLOWTRACK_WORKERS") or 1)),
            log_level=os.environ.get("FLOWTRACK_LOG_LEVEL") or "INFO",
            live_check_seconds=float(os.environ.get("FLOWTRACK_LIVE_CHECK_SECONDS") or 15),
            smtp_url=os.environ.get("FLOWTRACK_SMTP_URL") or None,
            mail_from=os.environ.get("FLOWTRACK_MAIL_FROM") or "FlowTrack <no-reply@flowtrack.local>",
            embedded_mailer=(
                os.environ.get("FLOWTRACK_EMBEDDED_MAILER", "1").strip() not in ("0", "false", "no")
            ),
            host=(os.environ.get("FLOWTRACK_HOST") or "127.0.0.1").strip(),
            trusted_proxy_hops=max(0, int(os.environ.get("FLOWTRACK_TRUSTED_PROXY_HOPS") or 0)),
            cors_origins=own_origins(public_url) + tuple(o for o in extra_origins if o),
            file_workers=max(1, int(os.environ.get("FLOWTRACK_FILE_WORKERS") or 2)),
            file_work_seconds=max(1.0, float(os.environ.get("FLOWTRACK_FILE_WORK_SECONDS") or 10)),
            file_memory_mb=max(128, int(os.environ.get("FLOWTRACK_FILE_MEMORY_MB") or 512)),
            resume_uploads_per_hour=max(1, int(os.environ.get("FLOWTRACK_RESUME_UPLOADS_PER_HOUR") or 10)),
            inbound_domain=(os.environ.get("FLOWTRACK_INBOUND_DOMAIN") or "").strip().lower() or None,
            imap_url=os.environ.get("FLOWTRACK_IMAP_URL") or None,
            imap_poll_seconds=max(1.0, float(os.environ.get("FLOWTRACK_IMAP_POLL_SECONDS") or 30)),
            secret_key=os.environ.get("FLOWTRACK_SECRET_KEY") or None,
        )


def own_origins(public_url: str) -> tuple[str, ...]:
    """The app's own origin; on a loopback URL also its other loopback spellings."""
    parts = urlsplit(public_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return (origin,)
    port = f":{parts.port}" if parts.port else ""
    hosts = ("localhost", "127.0.0.1", "[::1]")
    return (origin,) + tuple(o for o in (f"{parts.scheme}://{h}{port}" for h in hosts) if o != origin)


# Every variable ``Settings.from_env`` reads: the key of the parsed settings.
ENV_NAMES = (
    "FLOWTRACK_CORS_ORIGINS", "FLOWTRACK_DATABASE_URL", "FLOWTRACK_DATA_DIR", "FLOWTRACK_DEMO",
    "FLOWTRACK_EMBEDDED_MAILER", "FLOWTRACK_FILE_MEMORY_MB", "FLOWTRACK_FILE_WORKERS",
    "FLOWTRACK_FILE_WORK_SECONDS", "FLOWTRACK_HOST", "FLOWTRACK_JWT_SECRET", "FLOWTRACK_LIVE_CHECK_SECONDS",
    "FLOWTRACK_INBOUND_DOMAIN", "FLOWTRACK_IMAP_URL", "FLOWTRACK_IMAP_POLL_SECONDS",
    "FLOWTRACK_LOG_LEVEL", "FLOWTRACK_MAIL_FROM", "FLOWTRACK_PORT", "FLOWTRACK_PUBLIC_URL",
    "FLOWTRACK_REDIS_URL", "FLOWTRACK_RESUME_UPLOADS_PER_HOUR", "FLOWTRACK_SECRET_KEY", "FLOWTRACK_SMTP_URL",
    "FLOWTRACK_TOKEN_TTL_MINUTES", "FLOWTRACK_TRUSTED_PROXY_HOPS", "FLOWTRACK_WORKERS",
)  # fmt: skip


_ENV_KEYS = tuple(os.fsencode(name) for name in ENV_NAMES)


def get_settings() -> Settings:
    """Read on every call (tests and tools change the environment), parsed once per distinct one.

    Keyed by the variables it reads, not by a walk over the whole environment: this runs several
    times per request and per live page's wake. CPython's ``os.environ`` keeps the raw values in a
    dict of bytes, which it updates on every change: looking there costs a tenth of ``os.environ.get``
    (which encodes each name first); elsewhere the plain lookups serve."""
    raw = getattr(os.environ, "_data", None)
    if isinstance(raw, dict):
        return _parsed(tuple(raw.get(key) for key in _ENV_KEYS))
    return _parsed(tuple(os.environ.get(name) for name in ENV_NAMES))


@lru_cache(maxsize=32)
def _parsed(_flowtrack_environment: tuple) -> Settings:
    return Settings.from_env()
