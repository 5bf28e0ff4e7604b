"""18.0.1.3.0: conversations move to Discuss.

Each conversation with texts gets its Discuss channel (type ``clienteling_text``)
with the associates who answer its number as members, and its texts (chatter
messages of type ``sms``, with their attachments) become that channel's messages:
they are stored once, where associates read and write them. The conversation's
chatter keeps its administrative history. Chats quiet for 30 days are unpinned.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    conversations, moved, unpinned = env["clienteling.conversation"]._move_texts_to_chats()
    _logger.info(
        "Clienteling: %s conversations moved to Discuss (%s texts, %s chats unpinned)",
        conversations,
        moved,
        unpinned,
    )
