import os
import tempfile
import unittest
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from . import system_tools
from .common import BrowserCase
from .system_tools import MissingSystemTool

INSTALL_CHROMIUM = "sudo apt-get install -y chromium"


@tagged("post_install", "-at_install", "clienteling")
class TestBrowserWithoutChromium(BrowserCase):
    """Tours are skipped without Chromium and fail when CI is set, with the command
    that installs it (Odoo's HttpCase alone skips them, CI included)."""

    @contextmanager
    def environment(self, ci):
        environ = {name: value for name, value in os.environ.items() if name != "CI"}
        if ci:
            environ["CI"] = "true"
        with patch.dict(os.environ, environ, clear=True):
            yield

    @contextmanager
    def chromium_unfindable(self):
        with (
            tempfile.TemporaryDirectory() as empty,
            patch.dict(os.environ, {"PATH": empty}),
            patch.object(system_tools, "SBIN_DIRS", ()),
        ):
            yield

    def tour(self):
        """The exception the tour raised: asserting on it here, as a SkipTest escaping
        the test would skip it rather than fail it."""
        try:
            self.start_tour("/odoo", "clienteling_no_such_tour", login="admin")
        except Exception as error:
            return error
        raise AssertionError("the tour ran without Chromium")

    def test_missing_chromium_skips_the_tour(self):
        with self.environment(ci=False), self.chromium_unfindable():
            skip = self.tour()
        self.assertIsInstance(skip, unittest.SkipTest)
        self.assertIn("Chromium is not installed", str(skip))
        self.assertIn(INSTALL_CHROMIUM, str(skip))
        self.assertIn("bin/setup", str(skip))

    def test_missing_chromium_fails_the_tour_under_ci(self):
        with self.environment(ci=True), self.chromium_unfindable():
            failure = self.tour()
        self.assertIsInstance(failure, MissingSystemTool)
        self.assertIsInstance(failure, AssertionError)  # a failure, not a skip
        self.assertIn(INSTALL_CHROMIUM, str(failure))
        self.assertIn("CI is set", str(failure))

    def test_browser_odoo_cannot_start_fails_only_under_ci(self):
        """Chromium found, but Odoo's HttpCase skips (e.g. it finds no Chrome)."""
        odoo_skip = unittest.SkipTest("Chrome executable not found")
        with (
            patch.object(system_tools.shutil, "which", return_value="/usr/bin/chromium"),
            patch("odoo.tests.common.ChromeBrowser", side_effect=odoo_skip),
        ):
            with self.environment(ci=False):
                self.assertIs(self.tour(), odoo_skip)
            with self.environment(ci=True):
                failure = self.tour()
        self.assertIsInstance(failure, MissingSystemTool)
        self.assertIn("Chrome executable not found", str(failure))
