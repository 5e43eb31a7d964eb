"""A real IMAP server for the tests: Dovecot, started as its own process on a free loopback port,
with a throwaway configuration and mail folder and one user (a passwd-file, plain text login
allowed on loopback). ``make test`` installs it (Debian's ``dovecot-imapd``); tests deliver
replies into the mailbox with IMAP APPEND, as a mail server would have.

As a non-root user Dovecot runs as that user; as root (a container), its processes run as the
package's own ``dovecot`` account, which owns the throwaway folder, since Dovecot refuses mail
access as uid 0.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .e2e_server import free_port

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "replies", "mailbox-pass"

_CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
{non_root}
"""

# Without root, every service runs as the user who started Dovecot.
_NON_ROOT = """
service auth {
  user = $default_internal_user
}
service auth-worker {
  user = $default_internal_user
}
service imap {
  user = $default_internal_user
}
service log {
  user = $default_internal_user
}
service config {
  user = $default_internal_user
}
service stats {
  user = $default_internal_user
}
service dict {
  user = $default_internal_user
}
"""


class Dovecot:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="flowtrack-imap-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def start(self) -> Dovecot:
        if not Path(DOVECOT).exists():
            pytest.skip(f"{DOVECOT} is missing: `make test` installs Debian's dovecot-imapd")
        root_user = os.geteuid() == 0
        account = pwd.getpwnam("dovecot") if root_user else pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(account.pw_gid).gr_name
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir()
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = self.root / "dovecot.conf"
        config.write_text(
            _CONFIG.format(
                root=self.root,
                user=account.pw_name,
                group=group,
                uid=account.pw_uid,
                gid=account.pw_gid,
                port=self.port,
                non_root="" if root_user else _NON_ROOT,
            )
        )
        if root_user:
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, account.pw_uid, account.pw_gid)
            os.chmod(self.root / "passwd", 0o640)
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "w"),
            start_new_session=True,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Dovecot exited early:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Dovecot did not start:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:]
            for p in (self.root / "stderr.log", self.root / "dovecot.log")
            if p.exists()
        )

    def client(self):
        from imapclient import IMAPClient

        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        c.login(USER, PASSWORD)
        return c

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver one message into the mailbox, unseen (IMAP APPEND)."""
        c = self.client()
        try:
            c.append(folder, raw, flags=())
        finally:
            c.logout()

    def flags(self) -> list[tuple[bytes, ...]]:
        """Each message's flags, in the order they arrived."""
        c = self.client()
        try:
            c.select_folder("INBOX")
            found = c.fetch(c.search(["ALL"]), ["FLAGS"])
            return [tuple(found[uid][b"FLAGS"]) for uid in sorted(found)]
        finally:
            c.logout()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot().start()
    try:
        yield server
    finally:
        server.stop()
