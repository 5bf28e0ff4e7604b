"""System programs some tests need (no ``odoo`` import).

``bin/setup`` (run by ``bin/test`` and ``bin/demo``) installs them; tests never install
anything. A test that needs a missing one is skipped with the command to run, and fails
with that command when the environment variable ``CI`` is set, so CI never passes by
skipping.
"""

import os
import shutil
import unittest
from typing import NamedTuple

# Debian keeps daemons in sbin, which a non-root PATH often lacks.
SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")


class SystemTool(NamedTuple):
    name: str
    executables: tuple
    package: str

    @property
    def install_command(self):
        return f"sudo apt-get install -y {self.package}"


DOVECOT = SystemTool("Dovecot", ("dovecot",), "dovecot-imapd")
# The names Odoo's HttpCase looks for on Linux (odoo.tests.common._find_executable).
CHROMIUM = SystemTool(
    "Chromium",
    ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable"),
    "chromium",
)


class MissingSystemTool(AssertionError):
    """A program a test needs is missing while running under CI (a test failure)."""


def running_on_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_tool(tool):
    """The path of the tool's program, or None."""
    search_path = os.pathsep.join([os.environ.get("PATH", ""), *SBIN_DIRS])
    for executable in tool.executables:
        path = shutil.which(executable, path=search_path)
        if path:
            return path
    return None


def missing_tool_message(tool, detail=""):
    return (
        f"{tool.name} is not installed{detail}: run bin/setup (it installs it when it can) or "
        f"`{tool.install_command}`, then run the tests again."
    )


def report_missing_tool(tool, detail=""):
    """Fail under CI, skip otherwise; both with the command that installs the tool."""
    message = missing_tool_message(tool, detail)
    if running_on_ci():
        raise MissingSystemTool(f"{message} (CI is set: a missing {tool.name} fails the tests)")
    raise unittest.SkipTest(message)


def require_tool(tool):
    """The path of the tool's program; skips the test (fails it under CI) when missing."""
    path = find_tool(tool)
    if not path:
        report_missing_tool(tool)
    return path
