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


def update_database(dbname, modules):
    """``-u modules`` on ``dbname`` (after pulling new fields); returns the seconds."""
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
            "-u",
            modules,
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        env=dict(os.environ),
    )
    return time.perf_counter() - started


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


class column_defaults:
    """Within it, the NOT NULL columns of these models' tables that the bulk SQL
    generators do not fill (added by other modules, e.g. ``account`` on res.partner)
    take the fields' defaults in PostgreSQL; removed on exit."""

    def __init__(self, env, model_names):
        self.env = env
        self.model_names = model_names
        self.columns = []

    def __enter__(self):
        cr = self.env.cr
        for name in self.model_names:
            model = self.env[name]
            cr.execute(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
                      AND column_name != 'id'""",
                [model._table],
            )
            fnames = [row[0] for row in cr.fetchall() if row[0] in model._fields]
            values = model.default_get(fnames)
            for fname in fnames:
                if values.get(fname) is None:
                    continue
                value = model._fields[fname].convert_to_column(values[fname], model)
                cr.execute(
                    f'ALTER TABLE "{model._table}" ALTER COLUMN "{fname}" SET DEFAULT %s',
                    [value],
                )
                self.columns.append((model._table, fname))
        return self

    def __exit__(self, *exc):
        for table, column in self.columns:
            self.env.cr.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" DROP DEFAULT')
