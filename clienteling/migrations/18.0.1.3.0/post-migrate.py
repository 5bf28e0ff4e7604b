"""18.0.1.3.0:

- one placeholder syntax: the stores' consent wordings wrote the store's name as
  ``{store}``; like the quick replies they now write ``{{ store.name }}`` (and
  ``{{ store.landline }}``). The wordings are rewritten in every language. The
  former syntax still renders.
- quick replies are offered in Discuss's composer (``:shortcut``), as canned
  responses kept in step with them.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.clienteling.tools.placeholders import LEGACY_STORE_PLACEHOLDERS

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    for old, new in LEGACY_STORE_PLACEHOLDERS.items():
        # the translated wordings are a JSON object: the placeholders hold no quote
        cr.execute(
            SQL(
                """UPDATE clienteling_store
                      SET entry_consent_wording = replace(entry_consent_wording::text, %s, %s)::jsonb
                    WHERE entry_consent_wording::text LIKE %s""",
                old,
                new,
                f"%{old}%",
            )
        )
        if cr.rowcount:
            _logger.info("Consent wording of %s stores: %s written %s", cr.rowcount, old, new)
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["clienteling.quick.reply"].with_context(active_test=False).search(
        []
    )._sync_canned_responses()
