"""Load each addon's pure ``tools`` package without importing the addon (which needs Odoo).

``import clienteling_tools`` gives ``clienteling/tools``; ``clienteling_engage_tools``
the Engage addon's, and so on.
"""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _load_tools(addon):
    init = REPO / addon / "tools" / "__init__.py"
    if not init.exists():
        return
    name = f"{addon}_tools"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


for _addon in (
    "clienteling",
    "clienteling_engage",
    "clienteling_sms",
    "clienteling_engage_sms",
    "clienteling_compliance",
    "clienteling_advisor",
    "clienteling_advisor_sms",
):
    _load_tools(_addon)


def _load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


if (REPO / "clienteling_sms" / "tests" / "twilio_recorder.py").exists():
    _load_module("twilio_recorder", REPO / "clienteling_sms" / "tests" / "twilio_recorder.py")

if (REPO / "clienteling_compliance" / "tests" / "twilio_compliance_recorder.py").exists():
    _load_module(
        "twilio_compliance_recorder",
        REPO / "clienteling_compliance" / "tests" / "twilio_compliance_recorder.py",
    )
