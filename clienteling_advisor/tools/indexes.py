"""Index definitions moved to another table."""

import re

_INDEXDEF = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (USING .*)$", re.DOTALL)


def index_on(indexdef, name, table):
    """The statement creating index ``name`` on ``table`` (quoted identifiers) as
    ``indexdef`` (``pg_get_indexdef``) defines it on another table."""
    match = _INDEXDEF.match(indexdef)
    if not match:
        raise ValueError(f"Unexpected index definition: {indexdef}")
    unique, rest = match.groups()
    return f"CREATE {unique or ''}INDEX {name} ON {table} {rest}"
