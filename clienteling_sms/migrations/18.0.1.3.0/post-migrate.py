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
    cr.execute(
        """
        SELECT DISTINCT res_id FROM mail_message
         WHERE model = 'clienteling.conversation' AND message_type = 'sms'
        """
    )
    conversations = env["clienteling.conversation"].browse([row[0] for row in cr.fetchall()])
    conversations = conversations.exists()
    for conversation in conversations:
        conversation._get_channel()
    env.flush_all()
    cr.execute(
        """
        UPDATE ir_attachment a
           SET res_model = 'discuss.channel', res_id = c.channel_id
          FROM clienteling_conversation c
         WHERE a.res_model = 'clienteling.conversation' AND a.res_id = c.id
           AND c.channel_id IS NOT NULL
        """
    )
    cr.execute(
        """
        UPDATE mail_message m
           SET model = 'discuss.channel', res_id = c.channel_id, message_type = 'comment',
               record_name = NULL
          FROM clienteling_conversation c
         WHERE m.model = 'clienteling.conversation' AND m.res_id = c.id
           AND m.message_type = 'sms' AND c.channel_id IS NOT NULL
        """
    )
    moved = cr.rowcount
    # the chat's last activity is its last text; members see it as read up to there
    cr.execute(
        """
        UPDATE discuss_channel ch
           SET last_interest_dt = last.date
          FROM (SELECT res_id, max(date) AS date, max(id) AS message_id FROM mail_message
                 WHERE model = 'discuss.channel' GROUP BY res_id) last
         WHERE last.res_id = ch.id AND ch.channel_type = 'clienteling_text'
        """
    )
    cr.execute(
        """
        UPDATE discuss_channel_member m
           SET last_interest_dt = ch.last_interest_dt,
               seen_message_id = last.message_id,
               new_message_separator = last.message_id + 1
          FROM discuss_channel ch,
               (SELECT res_id, max(id) AS message_id FROM mail_message
                 WHERE model = 'discuss.channel' GROUP BY res_id) last
         WHERE m.channel_id = ch.id AND last.res_id = ch.id
           AND ch.channel_type = 'clienteling_text'
        """
    )
    env.invalidate_all()
    unpinned = env["clienteling.conversation"]._cron_unpin_quiet_chats()
    _logger.info(
        "Clienteling: %s conversations moved to Discuss (%s texts, %s chats unpinned)",
        len(conversations),
        moved,
        unpinned,
    )
