"""What an OCA reviewer checks first: license, manifests, requirements, Python 3.10."""

import ast
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MANIFESTS = sorted(REPO.glob("*/__manifest__.py"))
HEADER = (
    "# Copyright 2026 Clienteling for Odoo\n"
    "# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).\n"
)


def _manifest(path):
    return ast.literal_eval(path.read_text())


def test_every_manifest_has_the_header_license_and_author():
    assert len(MANIFESTS) >= 4
    for path in MANIFESTS:
        manifest = _manifest(path)
        assert path.read_text().startswith(HEADER), path
        assert manifest["license"] == "LGPL-3", path
        assert manifest["author"] == "Clienteling for Odoo", path


def test_license_texts():
    assert "GNU LESSER GENERAL PUBLIC LICENSE\n                       Version 3" in (
        (REPO / "LICENSE").read_text()
    )
    assert "GNU GENERAL PUBLIC LICENSE\n                       Version 3" in (
        (REPO / "COPYING").read_text()
    )


def test_requirements_are_what_the_manifests_declare():
    declared = set()
    for path in MANIFESTS:
        declared |= set(_manifest(path).get("external_dependencies", {}).get("python", []))
    listed = set()
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            listed.add(re.match(r"[A-Za-z0-9_.-]+", line).group(0))
    assert listed == declared


def test_readme_stays_inside_the_repository():
    assert "../" not in (REPO / "README.md").read_text()


def test_python_310_check_catches_newer_python(tmp_path):
    good = tmp_path / "good.py"
    good.write_text("import datetime\n\nUTC = datetime.timezone.utc\n")
    bad = tmp_path / "bad.py"
    bad.write_text("import datetime\n\nUTC = datetime.UTC\n")
    check = str(REPO / "bin" / "check-py310")
    passed = subprocess.run([check, str(good)], capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = subprocess.run([check, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode != 0
    assert "datetime.UTC" in failed.stdout
    context = tmp_path / "context.py"
    method = "enter" + "Context"  # split, or this file would fail the check itself
    context.write_text(f"class T:\n    def setUp(self):\n        self.{method}(open('x'))\n")
    failed = subprocess.run([check, str(context)], capture_output=True, text=True, check=False)
    assert failed.returncode != 0
    assert "enterContext" in failed.stderr
