"""A throw-away Dovecot IMAP server for tests and benchmarks (no ``odoo`` import).

Usage::

    server = DovecotServer()          # bin/setup installs Debian's dovecot-imapd
    server.start()                    # 127.0.0.1, a free port, a temporary mail dir
    server.add_user("shop", "secret")
    server.deliver("shop", raw_bytes) # straight into the Maildir (fast)
    ...
    server.stop()                     # kills it and removes every file

Plain-text login on loopback only (``ssl = no``), passwd-file authentication and
Maildir storage. Other addons' tests reuse it (e.g. ``clienteling_sms``). It never
installs anything: tests check for Dovecot first with
``odoo.addons.clienteling.tests.system_tools.require_tool(DOVECOT)`` (skip, or fail under CI).
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
default_internal_user = {user}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{base}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
imap_capability = +CONDSTORE
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users/%u
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
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
service imap-login {{
  chroot =
}}
"""


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or did not start."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DovecotServer:
    host = "127.0.0.1"

    def __init__(self, executable=DOVECOT):
        if not os.path.exists(executable):
            raise DovecotUnavailable(
                f"Dovecot is not installed ({executable}): run bin/setup or "
                "`sudo apt-get install -y dovecot-imapd`."
            )
        self.executable = executable
        self.base = None
        self.port = None
        self.process = None
        if os.geteuid() == 0:
            account = pwd.getpwnam("nobody")
        else:
            account = pwd.getpwuid(os.geteuid())
        self.user, self.uid, self.gid = account.pw_name, account.pw_uid, account.pw_gid

    def start(self):
        self.base = Path(tempfile.mkdtemp(prefix="clienteling-dovecot-"))
        self.port = free_port()
        for sub in ("run", "state", "mail", "home", "users"):
            (self.base / sub).mkdir()
        config = self.base / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                base=self.base, user=self.user, uid=self.uid, gid=self.gid, port=self.port
            )
        )
        self._chown(self.base)
        self.process = subprocess.Popen(
            [self.executable, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                log = self._log()
                self.stop()
                raise DovecotUnavailable(f"Dovecot did not start: {error} {log}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(200).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise DovecotUnavailable("Dovecot did not answer within 15 seconds.")

    def _log(self):
        path = self.base / "dovecot.log" if self.base else None
        return path.read_text(errors="replace")[-2000:] if path and path.exists() else ""

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def _chown(self, path):
        if os.geteuid() != 0:
            return
        for root, dirs, files in os.walk(path):
            os.chown(root, self.uid, self.gid)
            for name in dirs + files:
                os.chown(os.path.join(root, name), self.uid, self.gid)

    def add_user(self, login, password):
        # one passwd file per user: no stale cache of a file changed within a second
        (self.base / "users" / login).write_text(f"{login}:{{PLAIN}}{password}::::::\n")
        self._chown(self.base / "users")
        self.maildir(login)

    def maildir(self, login, folder="INBOX"):
        root = self.base / "mail" / login
        path = root if folder == "INBOX" else root / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        self._chown(root)
        return path

    def deliver(self, login, messages, folder="INBOX", seen=False):
        """Put raw messages (bytes, or one bytes) in a mailbox, as an MTA would."""
        if isinstance(messages, bytes):
            messages = [messages]
        path = self.maildir(login, folder)
        names = []
        for raw in messages:
            name = f"{time.time():.6f}.{uuid.uuid4().hex}.clienteling"
            if seen:
                target = path / "cur" / f"{name}:2,S"
            else:
                target = path / "new" / name
            (path / "tmp" / name).write_bytes(raw)
            os.rename(path / "tmp" / name, target)
            names.append(target)
            if os.geteuid() == 0:
                os.chown(target, self.uid, self.gid)
        return names

    def reset_mailbox(self, login, folder="INBOX"):
        """Forget the mailbox's UIDs (new UIDVALIDITY) while keeping its messages,
        as a server migration or a rebuilt index does."""
        path = self.maildir(login, folder)
        for name in os.listdir(path):
            if name.startswith("dovecot"):
                os.unlink(path / name)
        # keep the new UIDVALIDITY different from the old one (it is a timestamp)
        time.sleep(1.1)
        return path
