"""18.0.1.1.0: the Engage inbox keeps customers' e-mails and texts to its stores.

* Inbox messages were copied into the linked customer's chatter, which every
  internal user can read (with its attachments): those copies, found through the
  former ``posted_message_id`` column, are deleted with their attachments. Each
  message stays in its store-scoped inbox message; the customer's form lists them.
  (Odoo drops the column itself once the field is gone.)
* Bodies already imported are made safe to display as new ones are: styles that
  could cover the screen removed, remote images blocked until "Load Remote Images".
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql
from odoo.tools.misc import split_every

from odoo.addons.clienteling_engage.tools import mail_display

_logger = logging.getLogger(__name__)


def _delete_chatter_copies(env):
    cr = env.cr
    if not sql.column_exists(cr, "clienteling_inbox_message", "posted_message_id"):
        return
    cr.execute(
        "SELECT posted_message_id FROM clienteling_inbox_message "
        "WHERE posted_message_id IS NOT NULL"
    )
    ids = [row[0] for row in cr.fetchall()]
    Message = env["mail.message"]
    for batch in split_every(1000, ids):
        copies = Message.browse(batch).exists()
        attachments = copies.attachment_ids
        shared = Message.search(
            [("attachment_ids", "in", attachments.ids), ("id", "not in", copies.ids)]
        ).attachment_ids
        (attachments - shared).unlink()
        copies.unlink()
    cr.execute("UPDATE clienteling_inbox_message SET posted_message_id = NULL")
    _logger.info("Engage: %s inbox copies removed from customers' chatter", len(ids))


def _make_bodies_safe(env):
    env.cr.execute(
        SQL(
            """
            SELECT id FROM clienteling_inbox_message
             WHERE channel = 'email' AND body IS NOT NULL
               AND body ~* %s
            """,
            r"(src|srcset|background|poster|style|width|height)\s*=",
        )
    )
    ids = [row[0] for row in env.cr.fetchall()]
    Inbox = env["clienteling.inbox.message"]
    for batch in split_every(500, ids):
        for message in Inbox.browse(batch):
            shown, original = mail_display.display_html(message.body or "")
            message.write(
                {
                    "body": shown,
                    "body_original": original or False,
                    "remote_content_blocked": bool(original),
                }
            )
        env.flush_all()
        env.invalidate_all()
    _logger.info("Engage: %s inbox bodies made safe to display", len(ids))


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _delete_chatter_copies(env)
    _make_bodies_safe(env)
