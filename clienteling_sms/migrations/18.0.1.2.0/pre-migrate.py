"""18.0.1.2.0: texts in the Engage inbox move to the bridge ``clienteling_engage_sms``.

What this addon owned of the inbox model changes owner, and the bridge is marked
to be updated in this same run, as installed at this addon's version (as
``clienteling``'s migration does for ``clienteling_engage``, which runs first), when
Engage is there.
"""

import logging

_logger = logging.getLogger(__name__)

BRIDGE = "clienteling_engage_sms"
MODELS = ("clienteling.inbox.message",)


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id FROM ir_model WHERE model IN %s", [MODELS])
    model_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
    cr.execute(
        """
        UPDATE ir_model_data data SET module = %(new)s
         WHERE module = 'clienteling_sms'
           AND NOT EXISTS (
               SELECT 1 FROM ir_model_data other
                WHERE other.module = %(new)s AND other.name = data.name)
           AND ((model = 'ir.model' AND res_id IN %(model_ids)s)
             OR (model = 'ir.model.fields' AND res_id IN (
                    SELECT id FROM ir_model_fields
                     WHERE model_id IN %(model_ids)s OR relation IN %(models)s)))
        """,
        {"new": BRIDGE, "model_ids": model_ids, "models": MODELS},
    )
    moved = cr.rowcount
    cr.execute("SELECT state FROM ir_module_module WHERE name = 'clienteling_engage'")
    engage = cr.fetchone()
    marked = False
    if engage and engage[0] in ("installed", "to upgrade"):
        cr.execute(
            """
            UPDATE ir_module_module bridge SET state = 'to upgrade', latest_version = %s,
                   demo = (SELECT demo FROM ir_module_module WHERE name = 'clienteling_sms')
             WHERE name = %s AND state IN ('uninstalled', 'to install')
            """,
            [version, BRIDGE],
        )
        marked = bool(cr.rowcount)
    _logger.info(
        "Texts in the inbox move to %s: %s XML ids moved%s",
        BRIDGE,
        moved,
        ", updated in this run" if marked else "",
    )
