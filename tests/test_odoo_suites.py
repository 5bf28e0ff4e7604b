"""bin/odoo_suites.py: which tests and modules bin/odoo-suites asks Odoo for."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("odoo_suites", REPO / "bin" / "odoo_suites.py")
odoo_suites = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(odoo_suites)

OURS = [
    "clienteling",
    "clienteling_engage",
    "clienteling_sms",
    "clienteling_engage_sms",
    "clienteling_advisor",
    "clienteling_advisor_sms",
    "clienteling_sale",
]


def _module(addons_dir, name, **manifest):
    (addons_dir / name).mkdir(parents=True)
    manifest.setdefault("depends", [])
    (addons_dir / name / "__manifest__.py").write_text(repr(manifest))


@pytest.fixture
def odoo_home(tmp_path):
    home = tmp_path / "odoo-18.0"
    _module(home / "odoo" / "addons", "base")
    _module(home / "addons", "hr", depends=["mail"])
    _module(home / "addons", "mail", depends=["base"])
    _module(home / "addons", "test_mail_sms", depends=["mail"])
    _module(home / "addons", "old_module", installable=False)
    return home


@pytest.mark.parametrize(
    ("suite", "tag"),
    [
        ("hr", "/hr"),
        ("/hr", "/hr"),
        ("/test_mail_sms:TestSMSPerformance", "/test_mail_sms:TestSMSPerformance"),
        (
            "/hr:TestHrEmployee.test_set_user_on_new_employee",
            "/hr:TestHrEmployee.test_set_user_on_new_employee",
        ),
        ("-/mail:TestMailPublicPage", "-/mail:TestMailPublicPage"),
        ("post_install/hr", "post_install/hr"),
    ],
)
def test_suite_tag(suite, tag):
    assert odoo_suites.suite_tag(suite) == tag


@pytest.mark.parametrize(
    ("tag", "module"),
    [
        ("/hr", "hr"),
        ("/test_mail_sms:TestSMSPerformance", "test_mail_sms"),
        ("post_install/hr:TestHrEmployee", "hr"),
        ("-/mail:TestMailPublicPage", None),
        ("post_install", None),
    ],
)
def test_tag_module(tag, module):
    assert odoo_suites.tag_module(tag) == module


def test_odoo_dependencies_of_our_addons():
    """Without our addons, the Odoo modules they bring are installed instead."""
    assert odoo_suites.odoo_dependencies(OURS, REPO) == [
        "calendar",
        "contacts",
        "hr",
        "mail",
        "phone_validation",
        "product",
        "sale",
        "sms",
    ]


def test_odoo_dependencies_through_our_other_addons(tmp_path):
    _module(tmp_path, "ours_a", depends=["ours_b", "mail"])
    _module(tmp_path, "ours_b", depends=["hr", "mail"])
    assert odoo_suites.odoo_dependencies(["ours_a"], tmp_path) == ["hr", "mail"]


def test_plan_with_and_without_our_addons(odoo_home, tmp_path):
    _module(tmp_path, "ours_a", depends=["mail"])
    suites = ["hr", "/test_mail_sms:TestSMSPerformance", "-/hr:TestSlow", "hr"]
    tags, install, modules = odoo_suites.plan(suites, odoo_home, tmp_path, ["ours_a"])
    assert tags == "/hr,/test_mail_sms:TestSMSPerformance,-/hr:TestSlow,/hr"
    assert install == "ours_a,hr,test_mail_sms"
    assert modules == ["hr", "test_mail_sms"]
    _tags, install, _modules = odoo_suites.plan(
        suites, odoo_home, tmp_path, ["ours_a"], with_ours=False
    )
    assert install == "mail,hr,test_mail_sms"


def test_plan_leaves_out_what_cannot_be_installed(odoo_home, tmp_path):
    warnings = []
    tags, install, modules = odoo_suites.plan(
        ["old_module", "nowhere", "/hr"], odoo_home, tmp_path, [], warn=warnings.append
    )
    assert (tags, install, modules) == ("/hr", "hr", ["hr"])
    assert warnings == [
        "old_module is not an installable module: left out",
        "nowhere is not an installable module: left out",
    ]


def test_plan_command(odoo_home, tmp_path, capsys):
    _module(tmp_path, "ours_a", depends=["mail"])
    assert odoo_suites.main(["plan", str(odoo_home), str(tmp_path), "ours_a", "hr"]) == 0
    assert capsys.readouterr().out == "/hr\nours_a,hr\n"
    assert odoo_suites.main(["plan", str(odoo_home), str(tmp_path), "ours_a", "nowhere"]) == 1
    assert "No installable module among the suites." in capsys.readouterr().err
    assert odoo_suites.main(["unknown"]) == 2


def test_unknown_option_stops_before_anything_runs():
    result = subprocess.run(
        ["bash", str(REPO / "bin" / "odoo-suites"), "--fast"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Unknown option --fast (see the top of bin/odoo-suites)" in result.stderr
