"""Run Odoo's own test suites once with the whole registry loaded.

Used by bin/odoo-suites; takes the options of odoo-bin (e.g. ``-c var/odoo.conf -d DB
--test-enable --test-tags /hr,/sms --stop-after-init --http-port=PORT``).

Odoo runs a module's ``at_install`` tests right after that module is loaded, when the
registry holds only the modules loaded before it: the overrides of addons that depend
on it (ours) are not there yet, so an ``at_install`` test of ``hr`` never meets our
``hr.employee``. Here the database is loaded first, without running any test, and then
every selected test (``at_install`` and ``post_install``) runs against the complete
registry, module by module. Each module's result is logged as
``odoo_suites: <module>: N tests, N failed, N error(s)``.
"""

import logging
import os
import sys
import time

os.environ["TZ"] = "UTC"

import odoo
from odoo.modules.registry import Registry
from odoo.service import server
from odoo.tools import config

_logger = logging.getLogger("odoo_suites")


def _module_suite(loader, module_name):
    """The module's tests selected by --test-tags, at_install ones first."""
    from odoo.tests.suite import OdooSuite  # noqa: PLC0415

    tests = [
        test
        for position in ("at_install", "post_install")
        for test in loader.make_suite([module_name], position)
    ]
    return OdooSuite(tests)


def preload_registries(dbnames):
    """Replaces odoo.service.server.preload_registries (same contract: returns rc)."""
    from odoo.tests import loader  # noqa: PLC0415
    from odoo.tests.result import OdooTestResult  # noqa: PLC0415

    rc = 0
    for dbname in dbnames or []:
        try:
            # Load the whole registry without the tests Odoo runs while loading.
            config["test_enable"] = False
            try:
                registry = Registry.new(dbname)
            finally:
                config["test_enable"] = True
            if registry._assertion_report is None:
                registry._assertion_report = OdooTestResult()
            report = registry._assertion_report
            for module_name in sorted(registry._init_modules):
                suite = _module_suite(loader, module_name)
                if not suite.countTestCases():
                    continue
                if suite.has_http_case():
                    with registry.cursor() as cr:
                        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                        env["ir.qweb"]._pregenerate_assets_bundles()
                started = time.time()
                result = loader.run_suite(suite, global_report=report)
                report.update(result)
                _logger.info(
                    "%s: %d tests, %d failed, %d error(s) in %.0fs",
                    module_name,
                    result.testsRun,
                    result.failures_count,
                    result.errors_count,
                    time.time() - started,
                )
            report.log_stats()
            if not report.wasSuccessful():
                rc += 1
        except Exception:
            _logger.critical("Failed to run the tests on %s.", dbname, exc_info=True)
            return -1
    return rc


if __name__ == "__main__":
    server.preload_registries = preload_registries
    sys.argv[0] = "odoo"
    odoo.cli.main()
