"""``odoo-bin clienteling_backfill -d DB [--online]``: load the sales history into
the customers' purchases, as the Settings button does, for every company.

Meant for a maintenance window: a large history loads in the exclusive bulk mode
(the tables the credits point to are locked, reads included, for the load: about
15 s per 1,000,000 orders). ``--online`` keeps them readable (only the credits are
locked; about 3 times slower), as the Settings button does.

Odoo finds the command because this addon has a ``cli`` package (odoo/cli/command.py
imports the addons that have one before reading the command name)."""

import sys
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def backfill(env, exclusive=True):
    """Credit every bridge's orders not credited yet, as the superuser (all
    companies). Returns ``{model: number of orders credited}``; the caller commits."""
    env = env(su=True, context=dict(env.context, clienteling_backfill_exclusive=exclusive))
    if "clienteling.sale.credit" not in env:
        return {}
    return env["clienteling.sale.credit"]._backfill_purchases()


def report(counts):
    """The lines the command prints for ``backfill``'s counts."""
    if not counts:
        return ["No sales bridge installed (clienteling_sale, clienteling_pos): nothing to load."]
    lines = [f"{model}: {count} orders credited" for model, count in counts.items()]
    lines.append(f"Total: {sum(counts.values())} orders credited")
    return lines


class ClientelingBackfill(Command):
    """Load the sales history into the Clienteling customers' purchases"""

    name = "clienteling_backfill"

    def run(self, args):
        online = "--online" in args
        args = [arg for arg in args if arg != "--online"]
        config.parser.prog = f"{Path(sys.argv[0]).name} {self.name}"
        config.parse_config(args, setup_logging=True)
        dbname = config["db_name"]
        if not dbname or "," in dbname:
            sys.exit("clienteling_backfill needs one database: -d DB")
        registry = Registry(dbname)
        # the cursor commits when the block ends without error, rolls back otherwise
        with registry.cursor() as cr:
            counts = backfill(api.Environment(cr, SUPERUSER_ID, {}), exclusive=not online)
        sys.stdout.write("".join(f"{line}\n" for line in report(counts)))
