"""18.0.1.3.0: texts store the associate of their conversation's number
(``number_employee_id``, for reporting texts received per associate), and the
ledger no longer keeps the words of texts the provider has (they are in the chat).

The column is created and filled here in one UPDATE, so that the ORM does not
compute the related field text by text on large tables.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE clienteling_sms_message ADD COLUMN IF NOT EXISTS number_employee_id int4"
    )
    cr.execute(
        """
        UPDATE clienteling_sms_message message
           SET number_employee_id = conversation.employee_id
          FROM clienteling_conversation conversation
         WHERE conversation.id = message.conversation_id
           AND conversation.employee_id IS NOT NULL
           AND message.number_employee_id IS DISTINCT FROM conversation.employee_id
        """
    )
    _logger.info("clienteling_sms: %s texts on associates' own numbers", cr.rowcount)
    # the words are stored once, in the chat: the ledger keeps those of texts
    # still waiting for the provider (and of texts whose message is gone)
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'clienteling_sms_message' AND column_name = 'body'
        """
    )
    if cr.fetchone():
        cr.execute("ALTER TABLE clienteling_sms_message RENAME COLUMN body TO pending_body")
        cr.execute(
            """
            UPDATE clienteling_sms_message SET pending_body = NULL
             WHERE state NOT IN ('scheduled', 'queued') AND mail_message_id IS NOT NULL
            """
        )
        _logger.info("clienteling_sms: %s texts now read from their chat", cr.rowcount)
