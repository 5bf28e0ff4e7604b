"""QR codes as PNG images, drawn by ``qrcode`` (a requirement of Odoo itself)."""

import io

import qrcode


def qr_png(text, box_size=10, border=4):
    """The PNG bytes of a QR code of ``text``, with the standard quiet zone."""
    code = qrcode.QRCode(box_size=box_size, border=border)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
