from clienteling_tools.qr_code import qr_png


def test_qr_png_is_a_png_that_grows_with_the_text():
    short = qr_png("https://shop.example.com/clienteling/join/abc")
    long = qr_png("https://shop.example.com/clienteling/join/" + "x" * 200)
    assert short.startswith(b"\x89PNG\r\n\x1a\n")
    assert long.startswith(b"\x89PNG\r\n\x1a\n")
    assert short != long
    assert qr_png("same") == qr_png("same")
