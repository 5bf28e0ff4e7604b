"""18.0.1.2.0: the Engage inbox moves to its own addon, ``clienteling_engage``.

Every row stays where it is (same tables, same ids). Before this update could
delete them as obsolete (which drops the tables), the moved models, their fields,
selections, constraints and many2many tables, and the views, actions, menus,
rules, access rights, cron and demo records change owner; then
``clienteling_engage`` is marked to be updated in this same run, as installed at
the version of Clienteling it was part of: its noupdate records (the cron's
settings, demo records) keep their values, its own migrations run, nothing is
created twice. ``clienteling_sms``'s migration does the same for the bridge
``clienteling_engage_sms``.
"""

import csv
import logging
from pathlib import Path

from lxml import etree

from odoo.modules.module import get_manifest, get_module_path
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

ENGAGE = "clienteling_engage"
MODELS = (
    "clienteling.inbox.message",
    "clienteling.mail.account",
    "clienteling.inbox.audit",
    "clienteling.inbox.assign",
)


def declared_names(module):
    """The XML ids ``module``'s data and demo files declare for itself (without
    the module prefix), with the server action Odoo gives each cron."""
    manifest = get_manifest(module)
    path = Path(get_module_path(module))
    names = set()
    for file in manifest.get("data", []) + manifest.get("demo", []):
        if file.endswith(".xml"):
            for node in etree.parse(str(path / file)).iter("record", "menuitem", "template"):
                names.add(node.get("id") or "")
        elif file.endswith(".csv"):
            with open(path / file, newline="", encoding="utf-8") as rows:
                names.update(row["id"] for row in csv.DictReader(rows))
    own = set()
    for name in filter(None, names):
        prefix, _dot, local = name.rpartition(".")
        if prefix in ("", module):
            own.update((local, f"{local}_ir_actions_server"))
    return sorted(own)


def move_records(cr, old, new, models, names):
    """Give module ``new`` what module ``old`` owns of ``models`` (the models,
    their fields, selections, constraints, inherits, many2many tables and
    records, and the fields of other models pointing to them) and the XML ids
    ``names``. Returns the number of XML ids moved."""
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [models])
    model_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
    # XML ids ``new`` already has (a run stopped half way): the old ones go
    cr.execute(
        """
        DELETE FROM ir_model_data old USING ir_model_data new
         WHERE old.module = %s AND new.module = %s AND old.name = new.name
        """,
        [old, new],
    )
    cr.execute(
        """
        UPDATE ir_model_data SET module = %(new)s
         WHERE module = %(old)s AND (
               name = ANY(%(names)s)
            OR model IN %(models)s
            OR (model = 'ir.model' AND res_id IN %(model_ids)s)
            OR (model = 'ir.model.fields' AND res_id IN (
                    SELECT id FROM ir_model_fields
                     WHERE model_id IN %(model_ids)s OR relation IN %(models)s))
            OR (model = 'ir.model.fields.selection' AND res_id IN (
                    SELECT selection.id FROM ir_model_fields_selection selection
                      JOIN ir_model_fields field ON field.id = selection.field_id
                     WHERE field.model_id IN %(model_ids)s))
            OR (model = 'ir.model.constraint' AND res_id IN (
                    SELECT id FROM ir_model_constraint WHERE model IN %(model_ids)s))
            OR (model = 'ir.model.inherit' AND res_id IN (
                    SELECT id FROM ir_model_inherit WHERE model_id IN %(model_ids)s)))
        """,
        {"old": old, "new": new, "names": list(names), "models": models, "model_ids": model_ids},
    )
    moved = cr.rowcount
    # constraints and many2many tables are dropped with the module that owns them
    for table in ("ir_model_constraint", "ir_model_relation"):
        cr.execute(
            SQL(
                """
                UPDATE %(table)s row SET module = new.id
                  FROM ir_module_module old, ir_module_module new
                 WHERE old.name = %(old)s AND new.name = %(new)s
                   AND row.module = old.id AND row.model IN %(model_ids)s
                   AND NOT EXISTS (
                       SELECT 1 FROM %(table)s other
                        WHERE other.module = new.id AND other.name = row.name)
                """,
                table=SQL.identifier(table),
                old=old,
                new=new,
                model_ids=model_ids,
            )
        )
    return moved


def load_in_this_run(cr, module, version, demo):
    """Mark ``module`` (listed by this run, not installed) to be updated in this
    run as if installed at ``version``: Odoo loads the modules marked while it
    loads the others (``load_marked_modules``), in update mode."""
    cr.execute(
        """
        UPDATE ir_module_module SET state = 'to upgrade', latest_version = %s, demo = %s
         WHERE name = %s AND state IN ('uninstalled', 'to install')
        """,
        [version, demo, module],
    )
    if not cr.rowcount:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
        row = cr.fetchone()
        if not row:
            _logger.error(
                "%s is not in the list of modules: update the list, then install it", module
            )
        return False
    return True


def migrate(cr, version):
    if not version:
        return
    moved = move_records(cr, "clienteling", ENGAGE, MODELS, declared_names(ENGAGE))
    cr.execute("SELECT demo FROM ir_module_module WHERE name = 'clienteling'")
    (demo,) = cr.fetchone()
    marked = load_in_this_run(cr, ENGAGE, version, demo)
    _logger.info(
        "Engage moves to %s: %s XML ids moved, %s",
        ENGAGE,
        moved,
        "updated in this run" if marked else "already installed",
    )
