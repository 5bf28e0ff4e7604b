"""Display safety of inbound e-mail bodies (no server, no database)."""

from clienteling_engage_tools.mail_display import display_html

HOSTILE = """<html><head><style>body { display: none }</style></head><body>
<a href="https://phish.example" style="position:fixed; inset:0; z-index:9; width:100vw;
   height:100vh; margin-top:-40px; color:red">Click</a>
<img src="https://tracker.example/p.gif" srcset="https://tracker.example/2.gif 2x">
<table background="https://tracker.example/bg.png" width="99999"><tr><td>t</td></tr></table>
<div style="background:url(https://tracker.example/b.png); font-size:9000px; width:300px">z</div>
<img src="/web/session/logout"><img src="cid:logo"><img src="data:image/png;base64,AA">
</body></html>"""


def test_overlays_and_remote_content_removed():
    shown, original = display_html(HOSTILE)
    for forbidden in ("position", "z-index", "inset", "100vw", "-40px", "9000px", "99999"):
        assert forbidden not in shown
        assert forbidden not in original
    assert "tracker.example" not in shown
    assert "/web/session/logout" not in shown and "/web/session/logout" not in original
    assert "color:red" in shown and "width:300px" in shown
    assert 'src="cid:logo"' in shown and "data:image/png" in shown
    assert "<style" not in shown


def test_original_keeps_the_remote_images():
    _shown, original = display_html(HOSTILE)
    for remote in ("tracker.example/p.gif", "tracker.example/2.gif", "bg.png", "b.png"):
        assert remote in original


def test_nothing_blocked_nothing_kept():
    assert display_html('<p style="color:blue">Hi <img src="cid:x"></p>') == (
        '<p style="color:blue">Hi <img src="cid:x"></p>',
        None,
    )
    assert display_html("") == ("", None)
    assert display_html("plain & simple") == ("<p>plain &amp; simple</p>", None)


def test_document_with_encoding_declaration():
    shown, original = display_html(
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>é</p>'
        '<img src="http://a.example/i.png"></body></html>'
    )
    assert shown == "<p>é</p><img>"
    assert 'src="http://a.example/i.png"' in original
