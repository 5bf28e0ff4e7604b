"""bin/gen-readme: every README.rst is what the generator writes, and valid RST."""

import importlib.machinery
import importlib.util
import io
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docutils.core import publish_doctree
from docutils.utils import SystemMessage

REPO = Path(__file__).resolve().parent.parent
_loader = importlib.machinery.SourceFileLoader("gen_readme", str(REPO / "bin" / "gen-readme"))
_spec = importlib.util.spec_from_loader("gen_readme", _loader)
gen_readme = importlib.util.module_from_spec(_spec)
_loader.exec_module(gen_readme)

ADDONS = gen_readme.addon_dirs()
# as OCA's checks and PyPI's readme_renderer: any warning is an error
STRICT = {"halt_level": 2, "report_level": 2, "file_insertion_enabled": False, "raw_enabled": False}


def check_rst(text):
    return publish_doctree(text, settings_overrides={**STRICT, "warning_stream": io.StringIO()})


def test_every_addon_has_fragments():
    names = {path.name for path in ADDONS}
    assert {"clienteling", "clienteling_sms", "clienteling_advisor"} <= names
    for path in REPO.iterdir():
        if (path / "__manifest__.py").exists():
            assert (path / "readme" / "DESCRIPTION.md").exists(), path.name


@pytest.mark.parametrize("addon_dir", ADDONS, ids=[path.name for path in ADDONS])
def test_readme_is_generated(addon_dir):
    readme = addon_dir / "README.rst"
    assert readme.exists(), f"run bin/gen-readme: {addon_dir.name}/README.rst is missing"
    assert readme.read_text(encoding="utf-8") == gen_readme.render(addon_dir), (
        f"run bin/gen-readme: {addon_dir.name}/README.rst differs from readme/*.md"
    )


@pytest.mark.parametrize("addon_dir", ADDONS, ids=[path.name for path in ADDONS])
def test_readme_is_valid_rst(addon_dir):
    doctree = check_rst((addon_dir / "README.rst").read_text(encoding="utf-8"))
    titles = [node.astext() for node in doctree.findall() if node.tagname == "title"]
    manifest = gen_readme.read_manifest(addon_dir)
    assert titles[0] == manifest["name"]
    assert "Bug Tracker" in titles
    assert "Credits" in titles


def test_invalid_rst_is_refused():
    with pytest.raises(SystemMessage):
        check_rst("Title\n===\n\n`unclosed link <https://example.com>_\n")


def test_inline_markup():
    inline = gen_readme.inline
    assert inline("**bold**, *it*, _it_ and `code`") == "**bold**, *it*, *it* and ``code``"
    assert inline("see [the docs](https://example.com/a_b)") == (
        "see `the docs <https://example.com/a_b>`__"
    )
    # markup glued to a word needs an escaped space in RST
    assert inline("`res.partner`s") == "``res.partner``\\ s"
    # RST markup characters in plain text are escaped; snake_case stays as is
    assert inline("a*b|c d_ clienteling_sms") == "a\\*b\\|c d\\_ clienteling_sms"


def test_blocks():
    text = """\
Intro line one
line two.

## Settings

1. First **step**,
   continued.
2. Second:

   - nested item
   - another

```
bin/demo --port 8075
```
"""
    rst = gen_readme.markdown_to_rst(text, depth=1)
    assert rst == (
        "Intro line one line two.\n"
        "\n"
        "Settings\n"
        "--------\n"
        "\n"
        "1. First **step**, continued.\n"
        "2. Second:\n"
        "\n"
        "   - nested item\n"
        "   - another\n"
        "\n"
        "::\n"
        "\n"
        "    bin/demo --port 8075\n"
    )
    check_rst("Title\n=====\n\nSection\n=======\n\n" + rst)


def test_headings_in_description_are_rubrics():
    rst = gen_readme.markdown_to_rst("# What\n\ntext", rubric_headings=True)
    assert rst.startswith(".. rubric:: What\n")


def test_unsupported_markdown_is_refused():
    with pytest.raises(gen_readme.FragmentError):
        gen_readme.markdown_to_rst("| a | b |\n|---|---|\n| 1 | 2 |\n")
    with pytest.raises(gen_readme.FragmentError):
        gen_readme.markdown_to_rst("```\nnever closed\n")


def test_check_mode_reports_stale_readme(tmp_path, monkeypatch):
    addon = tmp_path / "some_addon"
    (addon / "readme").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        repr({"name": "Some Addon", "author": "Clienteling for Odoo", "license": "LGPL-3"})
    )
    (addon / "readme" / "DESCRIPTION.md").write_text("Does *something*.\n")
    assert gen_readme.main(["--check", str(addon)]) == 1
    assert not (addon / "README.rst").exists()
    assert gen_readme.main([str(addon)]) == 0
    assert gen_readme.main(["--check", str(addon)]) == 0
    check_rst((addon / "README.rst").read_text())


class _Page(HTMLParser):
    """The tags, images and external references of an index.html."""

    def __init__(self):
        super().__init__()
        self.tags, self.images, self.external = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        for name in ("src", "href"):
            if (attrs.get(name) or "").startswith(("http:", "https:", "//")) and tag != "a":
                self.external.append(attrs[name])


DESCRIBED = sorted(path.parents[2] for path in REPO.glob("*/static/description/index.html"))


@pytest.mark.parametrize("addon_dir", DESCRIBED, ids=[path.name for path in DESCRIBED])
def test_app_description(addon_dir):
    """static/description/index.html as Odoo Apps shows it: no script, no external
    asset, screenshots that exist, 1280x800 PNGs, under 3 MB per addon."""
    description = addon_dir / "static" / "description"
    page = _Page()
    page.feed((description / "index.html").read_text(encoding="utf-8"))
    assert not page.tags & {"script", "link", "style", "iframe"}, page.tags
    assert not page.external, page.external
    assert page.images, "no screenshot"
    total = 0
    for src in page.images:
        image = description / src
        assert image.is_file(), src
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src
        width, height = struct.unpack(">II", image.read_bytes()[16:24])
        assert (width, height) == (1280, 800), src
        total += image.stat().st_size
    assert total < 3 * 1024 * 1024


def test_every_addon_has_a_description():
    for path in REPO.iterdir():
        if (path / "__manifest__.py").exists():
            assert (path / "static" / "description" / "index.html").exists(), path.name
