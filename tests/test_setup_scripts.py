"""bin/setup stops with one clear message when Odoo 18 cannot be had."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_setup(tmp_path, **env):
    environment = dict(os.environ, CLIENTELING_CACHE=str(tmp_path / "cache"), **env)
    environment.pop("ODOO_SRC", None)
    environment.update(env)
    return subprocess.run(
        ["bash", str(REPO / "bin" / "setup")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_source_directory(tmp_path):
    result = run_setup(tmp_path, ODOO_SRC=str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "Odoo 18 is not available" in result.stderr
    assert "does not exist" in result.stderr
    assert "ODOO_SRC=/path/to/odoo-18.0" in result.stderr


def test_directory_that_is_not_odoo_18(tmp_path):
    fake = tmp_path / "odoo-17"
    (fake / "odoo").mkdir(parents=True)
    (fake / "odoo" / "release.py").write_text("version_info = (17, 0, 0, 'final', 0, '')\n")
    result = run_setup(tmp_path, ODOO_SRC=str(fake))
    assert result.returncode == 1
    assert "is not an Odoo 18.0 source tree" in result.stderr


def test_archive_without_odoo(tmp_path):
    archive = tmp_path / "empty.tar.gz"
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "README").write_text("nothing here")
    subprocess.run(["tar", "-czf", str(archive), "-C", str(tmp_path), "content"], check=True)
    result = run_setup(tmp_path, ODOO_SRC=str(archive))
    assert result.returncode == 1
    assert "holds no Odoo 18.0 source" in result.stderr


def test_failed_download_without_odoo_src(tmp_path):
    result = run_setup(tmp_path, ODOO_NIGHTLY_URL="http://127.0.0.1:9/odoo_18.0.latest.tar.gz")
    assert result.returncode == 1
    assert "the download of http://127.0.0.1:9/odoo_18.0.latest.tar.gz failed" in result.stderr
    assert "Set ODOO_SRC" in result.stderr
