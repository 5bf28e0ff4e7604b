"""18.0.1.1.0: what was done about an inbox message moves from the customer to it.

Before, the inbox's "To-Do" created an activity on the customer with the e-mail as
its note, "Appointment" an event with the e-mail as its description and "Email
Reply" posted the reply (and its attachments) in the customer's chatter: readable by
every internal user. Each was audited on the inbox message by its user in the same
transaction, so the record is found by its audit row (same creator, same creation
time) and moved onto the message: the activity and the reply with its attachments
become the message's, the event becomes private, linked to the message, with a
reference instead of the e-mail as description. SQL: nothing is sent again.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, plaintext2html

_logger = logging.getLogger(__name__)

INBOX = "clienteling.inbox.message"


def _audited(env, action):
    """[(inbox message, audit user, audit create_date)] of ``action``."""
    env.cr.execute(
        SQL(
            """
            SELECT audit.message_id, audit.user_id, audit.create_date
              FROM clienteling_inbox_audit audit
              JOIN clienteling_inbox_message message ON message.id = audit.message_id
             WHERE audit.action = %s AND message.partner_id IS NOT NULL
             ORDER BY audit.id
            """,
            action,
        )
    )
    Message = env[INBOX]
    return [(Message.browse(mid), uid, date) for mid, uid, date in env.cr.fetchall()]


def _move_todos(env, inbox_model_id):
    moved = 0
    for message, uid, date in _audited(env, "todo"):
        env.cr.execute(
            SQL(
                """
                UPDATE mail_activity
                   SET res_model_id = %(model_id)s, res_model = %(model)s, res_id = %(id)s,
                       res_name = %(name)s
                 WHERE res_model = 'res.partner' AND create_uid = %(uid)s
                   AND create_date = %(date)s AND calendar_event_id IS NULL
                """,
                model_id=inbox_model_id,
                model=INBOX,
                id=message.id,
                name=message.subject or message.sender,
                uid=uid,
                date=date,
            )
        )
        moved += env.cr.rowcount
    return moved


def _privatize_appointments(env, inbox_model_id):
    moved = 0
    for message, uid, date in _audited(env, "appointment"):
        env.cr.execute(
            SQL(
                """
                UPDATE calendar_event
                   SET privacy = 'private', res_model_id = %(model_id)s, res_model = %(model)s,
                       res_id = %(id)s, description = %(description)s
                 WHERE res_model_id IS NULL AND create_uid = %(uid)s AND create_date = %(date)s
                """,
                model_id=inbox_model_id,
                model=INBOX,
                id=message.id,
                description=plaintext2html(message._clienteling_reference()),
                uid=uid,
                date=date,
            )
        )
        moved += env.cr.rowcount
    return moved


def _move_replies(env):
    moved = 0
    for message, uid, date in _audited(env, "email_reply"):
        env.cr.execute(
            SQL(
                """
                SELECT id FROM mail_message
                 WHERE model = 'res.partner' AND message_type = 'comment'
                   AND create_uid = %s AND create_date = %s
                """,
                uid,
                date,
            )
        )
        ids = tuple(row[0] for row in env.cr.fetchall())
        if not ids:
            continue
        env.cr.execute(
            SQL(
                """
                UPDATE ir_attachment SET res_model = %(model)s, res_id = %(id)s
                 WHERE res_model = 'res.partner' AND id IN (
                       SELECT attachment_id FROM message_attachment_rel
                        WHERE message_id IN %(ids)s)
                """,
                model=INBOX,
                id=message.id,
                ids=ids,
            )
        )
        env.cr.execute(
            SQL(
                "UPDATE mail_message SET model = %s, res_id = %s, record_name = %s WHERE id IN %s",
                INBOX,
                message.id,
                message.subject or message.sender,
                ids,
            )
        )
        moved += len(ids)
    return moved


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.flush_all()
    inbox_model_id = env["ir.model"]._get_id(INBOX)
    todos = _move_todos(env, inbox_model_id)
    events = _privatize_appointments(env, inbox_model_id)
    replies = _move_replies(env)
    env.invalidate_all()
    _logger.info(
        "Engage: moved from customers to their inbox messages: %s To-Dos, %s appointments "
        "(now private), %s replies",
        todos,
        events,
        replies,
    )
