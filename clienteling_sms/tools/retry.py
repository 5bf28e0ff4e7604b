"""When to try a failed webhook event again."""

MAX_ATTEMPTS = 8  # tried after 1, 2, 4, ... 64 minutes (about two hours), then left to a person


def retry_delay(attempts, max_attempts=MAX_ATTEMPTS):
    """Minutes to wait before trying again an event that failed ``attempts``
    times (1, 2, 4, 8...), or ``None`` when it is given up."""
    if attempts < 1:
        return 0
    if attempts >= max_attempts:
        return None
    return 2 ** (attempts - 1)
