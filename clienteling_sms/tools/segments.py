"""SMS encoding and segment count, as carriers bill them."""

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def encoding(text):
    """'GSM-7' when every character fits the GSM 03.38 alphabet, else 'UCS-2'."""
    for char in text or "":
        if char not in GSM7_BASIC and char not in GSM7_EXTENDED:
            return "UCS-2"
    return "GSM-7"


def length_in_units(text):
    """Length in the encoding's units: GSM-7 septets (extended characters take two)
    or UCS-2 code units (characters outside the BMP, like most emoji, take two)."""
    text = text or ""
    if encoding(text) == "GSM-7":
        return sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


def segment_count(text):
    """Number of SMS segments: 160/153 characters in GSM-7, 70/67 in UCS-2."""
    units = length_in_units(text)
    if not units:
        return 0
    single, multi = (160, 153) if encoding(text) == "GSM-7" else (70, 67)
    if units <= single:
        return 1
    return -(-units // multi)


def describe(text):
    """Figures for the composer: encoding, characters used, segments."""
    return {
        "encoding": encoding(text),
        "length": length_in_units(text),
        "segments": segment_count(text),
    }
