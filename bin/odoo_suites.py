"""Helpers of bin/odoo-suites: run Odoo's own test suites once with the whole registry.

``odoo_suites.py plan [--without] ODOO_HOME REPO_DIR SUITE...`` prints two lines: the
``--test-tags`` value and the modules to install (our addons, or without them the Odoo
modules they depend on, then the suites' modules). A suite is a module name (``hr``) or
an Odoo test tag (``/test_mail_sms:TestSMSPerformance``, ``-/mail:TestX``); our own
addons' suites work too. Suites that are not installable modules are named on stderr
and left out.

``odoo_suites.py run ODOO-OPTIONS...`` takes the options of odoo-bin (``-c CONF -d DB
--test-enable --test-tags TAGS --stop-after-init --http-port=PORT``). Odoo runs a
module's ``at_install`` tests right after that module is loaded, when the registry
holds only the modules loaded before it: the overrides of addons that depend on it
(ours) are not there yet, so an ``at_install`` test of ``hr`` never meets our
``hr.employee``. Here the database is loaded first, without running any test, then
every selected test (``at_install`` and ``post_install``) runs against the complete
registry, module by module, each module's result logged as
``odoo_suites: <module>: N tests, N failed, N error(s)``.
"""

import ast
import logging
import os
import re
import sys
import time
from pathlib import Path

_logger = logging.getLogger("odoo_suites")

# [-][tag][/module][:class][.method][[params]], as odoo.tests.tag_selector reads it.
TAG_MODULE = re.compile(r"^[+-]?(?:\*|\w*)/(\w+)")


def suite_tag(suite):
    """The Odoo test tag of a suite: a bare module name is ``/module``."""
    if suite[:1] in "+-" or any(char in suite for char in "/:.["):
        return suite
    return f"/{suite}"


def tag_module(tag):
    """The module a test tag selects, or None (exclusions and tags without module)."""
    if tag.startswith("-"):
        return None
    match = TAG_MODULE.match(tag)
    return match and match.group(1)


def read_manifest(module_dir):
    manifest = Path(module_dir) / "__manifest__.py"
    if not manifest.is_file():
        return None
    return ast.literal_eval(manifest.read_text(encoding="utf-8"))


def find_module(name, addons_dirs):
    """The manifest of the installable module ``name`` in ``addons_dirs``, or None."""
    for addons_dir in addons_dirs:
        manifest = read_manifest(Path(addons_dir) / name)
        if manifest is not None:
            return manifest if manifest.get("installable", True) else None
    return None


def odoo_dependencies(addons, repo_dir):
    """The Odoo modules the repository's ``addons`` depend on (directly or through
    one another), sorted."""
    ours = {path.parent.name for path in Path(repo_dir).glob("*/__manifest__.py")}
    seen, todo, odoo_modules = set(), list(addons), set()
    while todo:
        addon = todo.pop()
        if addon in seen:
            continue
        seen.add(addon)
        for dependency in read_manifest(Path(repo_dir) / addon)["depends"]:
            if dependency in ours:
                todo.append(dependency)
            else:
                odoo_modules.add(dependency)
    return sorted(odoo_modules)


def plan(suites, odoo_home, repo_dir, ours, with_ours=True, warn=print):
    """(test tags, modules to install, suites' modules) for ``suites``."""
    addons_dirs = [Path(odoo_home) / "odoo" / "addons", Path(odoo_home) / "addons", repo_dir]
    tags, modules = [], []
    for suite in suites:
        tag = suite_tag(suite)
        module = tag_module(tag)
        if module and find_module(module, addons_dirs) is None:
            warn(f"{module} is not an installable module: left out")
            continue
        tags.append(tag)
        if module and module not in modules:
            modules.append(module)
    base = list(ours) if with_ours else odoo_dependencies(ours, repo_dir)
    install = base + [module for module in modules if module not in base]
    return ",".join(tags), ",".join(install), modules


def _preload_registries(dbnames):
    """Replaces odoo.service.server.preload_registries (same contract: returns rc)."""
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tests import loader  # noqa: PLC0415
    from odoo.tests.result import OdooTestResult  # noqa: PLC0415
    from odoo.tests.suite import OdooSuite  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

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
                suite = OdooSuite(
                    [
                        test
                        for position in ("at_install", "post_install")
                        for test in loader.make_suite([module_name], position)
                    ]
                )
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


def run(odoo_args):
    os.environ["TZ"] = "UTC"
    import odoo  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415

    server.preload_registries = _preload_registries
    sys.argv = ["odoo", *odoo_args]
    odoo.cli.main()


def main(argv):
    if argv[:1] == ["run"]:
        return run(argv[1:])
    if argv[:1] == ["plan"]:
        args = argv[1:]
        with_ours = args[:1] != ["--without"]
        if not with_ours:
            args = args[1:]
        odoo_home, repo_dir, ours, *suites = args
        tags, install, modules = plan(
            suites,
            odoo_home,
            repo_dir,
            ours.split(","),
            with_ours,
            warn=lambda message: print(message, file=sys.stderr),
        )
        if not modules:
            print("No installable module among the suites.", file=sys.stderr)
            return 1
        print(tags)
        print(install)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
