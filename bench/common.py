"""Helpers shared by the benchmark scripts: run with the project's venv (.venv/bin/python)."""

import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ODOO_RC = REPO / "var" / "odoo.conf"
_CONFIGURED = []


def odoo_env(dbname):
    """An Odoo environment on ``dbname`` (superuser), as a context manager yielding env."""
    import odoo  # noqa: PLC0415 - only with the project's venv
    from odoo.modules.registry import Registry  # noqa: PLC0415

    if not _CONFIGURED:
        odoo.tools.config.parse_config(["-c", str(ODOO_RC), "--log-level=warn"])
        _CONFIGURED.append(True)
    registry = Registry(dbname)

    class Context:
        def __enter__(self):
            self.cr = registry.cursor()
            return odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})

        def __exit__(self, exc_type, *exc):
            if exc_type is None:
                self.cr.commit()
            self.cr.close()

    return Context()


def create_database(dbname, modules):
    subprocess.run(["dropdb", "--if-exists", dbname], check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            str(ODOO_RC),
            "-d",
            dbname,
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        env=dict(os.environ),
    )
    return time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(values_ms):
    return {
        "p50": statistics.median(values_ms),
        "p99": percentile(values_ms, 0.99),
        "mean": statistics.fmean(values_ms),
    }


def start_odoo_server(dbname, port, *extra_args):
    """An Odoo server on ``dbname`` (2 workers, no cron), once it answers
    ``/web/health``; the caller kills it."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            str(ODOO_RC),
            "-d",
            dbname,
            f"--db-filter=^{dbname}$",
            f"--http-port={port}",
            "--workers=2",
            "--no-database-list",
            "--max-cron-threads=0",
            *extra_args,
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/web/health")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("The Odoo server did not start.")
