"""Customer keywords (STOP, START, HELP...) in a received text."""

import re
import unicodedata

DEFAULT_OPT_IN = ("START", "YES", "UNSTOP", "OUI")
DEFAULT_OPT_OUT = (
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "ARRET",
)
DEFAULT_HELP = ("HELP", "INFO")

OPT_IN = "opt_in"
OPT_OUT = "opt_out"
HELP = "help"

_NOT_A_LETTER = re.compile(r"[^A-Z0-9]+")


def normalize(text):
    """Upper-case letters and digits only, accents removed: ' Arrêt! ' -> 'ARRET'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_A_LETTER.sub("", ascii_text.upper())


def parse_list(text):
    """Keywords from a comma or space separated setting, normalized, without repeats."""
    words = []
    for word in re.split(r"[,\s;]+", text or ""):
        word = normalize(word)
        if word and word not in words:
            words.append(word)
    return words


def classify(body, opt_in=DEFAULT_OPT_IN, opt_out=DEFAULT_OPT_OUT, help_words=DEFAULT_HELP):
    """``OPT_IN``, ``OPT_OUT``, ``HELP`` or ``None`` for a received text.

    Only a message that is the keyword alone counts (any case, surrounding spaces
    and punctuation ignored), as carriers do: "Stop." opts out, "stop by the
    store later" does not. Opting out wins if a word is in several lists.
    """
    word = normalize(body)
    if not word:
        return None
    for kind, words in ((OPT_OUT, opt_out), (OPT_IN, opt_in), (HELP, help_words)):
        if word in {normalize(w) for w in words}:
            return kind
    return None
