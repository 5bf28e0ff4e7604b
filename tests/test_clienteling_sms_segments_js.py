"""The Discuss composer's segment counter (JavaScript) counts as the server does."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from clienteling_sms_tools import segments

SCRIPT = Path(__file__).resolve().parent.parent / "clienteling_sms/static/src/discuss/segments.js"
TEXTS = [
    "",
    "Your coat is ready",
    "x" * 160,
    "x" * 161,
    "Prix : 25 € {promo}",
    "Votre manteau est prêt ✨",
    "é" * 70 + "ç",
    "😀" * 40,
]


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")
def test_the_composer_counts_segments_as_the_server():
    source = SCRIPT.read_text().replace("export function", "function")
    program = f"{source}\nconsole.log(JSON.stringify({json.dumps(TEXTS)}.map(describeText)));"
    output = subprocess.run(
        ["node", "-e", program], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output) == [segments.describe(text) for text in TEXTS]
