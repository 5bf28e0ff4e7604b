"""18.0.1.3.0: conversations move to Discuss.

The keyword replies (STOP, START, HELP) use the quick replies' placeholders
(``{{ store.name }}``, ``{{ store.landline }}``).

Each conversation with texts gets its Discuss channel (type ``clienteling_text``)
with the associates who answer its number as members, and its texts (chatter
messages of type ``sms``, with their attachments) become that channel's messages:
they are stored once, where associates read and write them. The conversation's
chatter keeps its administrative history. Chats quiet for 30 days are unpinned.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.clienteling.tools.placeholders import LEGACY_STORE_PLACEHOLDERS

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    # one placeholder syntax: the keyword replies write {{ store.name }} like the
    # quick replies (the former {store} still renders)
    for column in ("opt_in_reply", "opt_out_reply", "help_reply"):
        for old, new in LEGACY_STORE_PLACEHOLDERS.items():
            cr.execute(
                SQL(
                    "UPDATE clienteling_sms_account SET %s = replace(%s::text, %s, %s)::jsonb "
                    "WHERE %s::text LIKE %s",
                    SQL.identifier(column),
                    SQL.identifier(column),
                    old,
                    new,
                    SQL.identifier(column),
                    f"%{old}%",
                )
            )
    env = api.Environment(cr, SUPERUSER_ID, {})
    conversations, moved, unpinned = env["clienteling.conversation"]._move_texts_to_chats()
    _logger.info(
        "Clienteling: %s conversations moved to Discuss (%s texts, %s chats unpinned)",
        conversations,
        moved,
        unpinned,
    )
