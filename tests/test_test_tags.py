"""Every Odoo test class of every addon carries ``@tagged(...)`` with its addon's name.

Odoo runs an untagged class at install time, before the addons that extend it are
loaded, and ``--test-tags clienteling_sms`` finds only classes tagged ``clienteling_sms``.
Addons are the directories with a ``__manifest__.py``, so addons added later are checked
too.
"""

import ast
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _name(node):
    """``Case`` for ``Case``, ``common.Case`` or ``Case[...]``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _tags(cls):
    """The tags of the class's ``@tagged(...)`` decorator, or None without one."""
    for decorator in cls.decorator_list:
        if isinstance(decorator, ast.Call) and _name(decorator.func) == "tagged":
            return {arg.value for arg in decorator.args if isinstance(arg, ast.Constant)}
    return None


def _classes(repo):
    """(addon, path, class node) of every class in every addon's tests."""
    for manifest in sorted(repo.glob("*/__manifest__.py")):
        addon = manifest.parent
        for path in sorted((addon / "tests").rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.ClassDef):
                    yield addon.name, path, node


def untagged_test_classes(repo):
    """Test classes (Odoo cases with test methods) lacking ``@tagged`` with their addon."""
    classes = list(_classes(repo))
    bases, own_tests = {}, {}
    for _addon, _path, cls in classes:
        bases.setdefault(cls.name, set()).update(filter(None, map(_name, cls.bases)))
        has_tests = any(
            isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            and item.name.startswith("test")
            for item in cls.body
        )
        own_tests[cls.name] = own_tests.get(cls.name, False) or has_tests

    def lineage(name, seen=None):
        """The class and its ancestors defined in the addons (by name), and the rest."""
        seen = set() if seen is None else seen
        if name not in seen:
            seen.add(name)
            for base in bases.get(name, ()):
                lineage(base, seen)
        return seen

    problems = []
    for addon, path, cls in classes:
        ancestors = lineage(cls.name)
        # Odoo's cases (BaseCase, TransactionCase, HttpCase...) and their test bases
        # (MailCommon, SMSCommon...); a mixin of tests is not named Test*
        is_case = cls.name.startswith("Test") or any(
            name.endswith(("Case", "Common")) for name in ancestors - {cls.name}
        )
        if not is_case or not any(own_tests.get(name) for name in ancestors):
            continue
        tags = _tags(cls)
        where = f"{path.relative_to(repo)}:{cls.lineno} {cls.name}"
        if tags is None:
            problems.append(f"{where}: no @tagged(...) decorator")
        elif addon not in tags:
            problems.append(f"{where}: @tagged(...) lacks the addon's name {addon!r}")
    return problems


def test_every_test_class_is_tagged_with_its_addon():
    assert any(True for _ in _classes(REPO)), "no test class found: is REPO right?"
    problems = untagged_test_classes(REPO)
    assert not problems, "Tag these test classes:\n" + "\n".join(problems)


def test_the_check_finds_untagged_classes(tmp_path):
    addon = tmp_path / "clienteling_new"
    (addon / "tests").mkdir(parents=True)
    (addon / "__manifest__.py").write_text("{'name': 'New'}\n")
    (addon / "tests" / "common.py").write_text(
        textwrap.dedent(
            """
            from odoo.tests import TransactionCase

            class NewCase(TransactionCase):
                def helper(self):
                    pass

            class ChecksMixin:
                def test_shared(self):
                    pass
            """
        )
    )
    (addon / "tests" / "test_new.py").write_text(
        textwrap.dedent(
            """
            from odoo.tests import HttpCase, common, tagged
            from .common import ChecksMixin, NewCase

            class TestUntagged(NewCase):
                def test_one(self):
                    pass

            @tagged("post_install", "-at_install")
            class TestWithoutAddonTag(common.TransactionCase):
                def test_one(self):
                    pass

            class TestInherited(ChecksMixin, HttpCase):
                pass

            @tagged("post_install", "-at_install", "clienteling_new")
            class TestTagged(NewCase):
                def test_one(self):
                    pass

            class NotACase(ChecksMixin):
                pass

            class AlsoNotATestClass(NewCase):
                pass

            class TestOnOdooCommon(SMSCommon):
                def test_one(self):
                    pass
            """
        )
    )
    (tmp_path / "not_an_addon" / "tests").mkdir(parents=True)
    (tmp_path / "not_an_addon" / "tests" / "test_x.py").write_text(
        "from odoo.tests import TransactionCase\n\n"
        "class TestX(TransactionCase):\n    def test_x(self):\n        pass\n"
    )
    problems = untagged_test_classes(tmp_path)
    assert [problem.split(": ")[0] for problem in problems] == [
        "clienteling_new/tests/test_new.py:5 TestUntagged",
        "clienteling_new/tests/test_new.py:10 TestWithoutAddonTag",
        "clienteling_new/tests/test_new.py:14 TestInherited",
        "clienteling_new/tests/test_new.py:28 TestOnOdooCommon",
    ]
    assert "no @tagged(...) decorator" in problems[0]
    assert "lacks the addon's name 'clienteling_new'" in problems[1]
