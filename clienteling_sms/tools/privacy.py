"""What logs may show of a customer."""


def mask_number(number):
    """A phone number (or sender name) for logs: ``+14155550100`` ->
    ``+1415*****00``. Short values keep only their first character."""
    text = str(number or "")
    if len(text) >= 10:
        return text[:5] + "*" * (len(text) - 7) + text[-2:]
    return text[:1] + "*" * (len(text) - 1)
