"""Print Odoo's requirements.txt as pins this Python can install.

Odoo pins old wheels for Python < 3.12 that no longer build with current
setuptools, while its Python >= 3.12 pins install fine on 3.11. So markers are
evaluated as if for Python 3.12 when running an older interpreter.
python-ldap (LDAP login only) needs system headers and is left out.
"""

import sys

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement

SKIPPED = {"python-ldap"}


def installable(lines, environment):
    for raw in lines:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.name.lower() in SKIPPED:
            continue
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        requirement.marker = None
        yield str(requirement)


def main(path):
    environment = default_environment()
    if sys.version_info < (3, 12):
        environment.update(python_version="3.12", python_full_version="3.12.0")
    with open(path, encoding="utf-8") as handle:
        for requirement in installable(handle, environment):
            print(requirement)


if __name__ == "__main__":
    main(sys.argv[1])
