"""18.0.1.1.0: texts stay in their store.

- Texts were copied into the customer's chatter, which every internal user reads:
  those copies are deleted (the texts stay in their conversations).
- People who may not read a conversation (customers, users of other stores) were
  subscribed to it as followers: they are removed.
- Failed webhook events are tried once more now (short codes and sender names no
  longer fail), then follow the new retry schedule.
"""

import logging
import re
from collections import defaultdict
from pathlib import Path

from odoo import SUPERUSER_ID, api, fields

_logger = logging.getLogger(__name__)

# The prefixes this addon wrote before the texts it copied to the customer's chatter.
PREFIXES = ("Text to the customer:", "Text from the customer:")
# Their translations as shipped with 18.0.1.0.0 (the .po files no longer hold them).
SHIPPED_TRANSLATIONS = ("SMS au client :", "SMS du client :")


def _translated_prefixes():
    """The prefixes and their translations in every language the addon shipped."""
    prefixes = set(PREFIXES) | set(SHIPPED_TRANSLATIONS)
    i18n = Path(__file__).resolve().parents[2] / "i18n"
    entry = re.compile(r'^msgid "(?P<id>[^"]*)"\nmsgstr "(?P<str>[^"]*)"', re.MULTILINE)
    for po_file in i18n.glob("*.po"):
        for match in entry.finditer(po_file.read_text(encoding="utf-8")):
            if match["id"] in PREFIXES and match["str"]:
                prefixes.add(match["str"])
    return sorted(prefixes)


def _prefix_pattern(prefix):
    """A PostgreSQL regular expression matching a body that starts with ``prefix``
    (optionally in a paragraph), whatever space precedes its colon (French
    typography: none, a space, a no-break space, or their HTML entities)."""
    words = prefix.rstrip(":").rstrip(" \u00a0\u202f")
    return f"^(<p>)?\\s*{re.escape(words)}(\\s|&nbsp;|&#160;|&#8239;|\u00a0|\u202f)*:"


def _delete_partner_copies(cr):
    patterns = [_prefix_pattern(prefix) for prefix in _translated_prefixes()]
    cr.execute(
        """
        DELETE FROM mail_message
         WHERE model = 'res.partner'
           AND message_type = 'sms'
           AND body ~ ANY(%s)
        """,
        [patterns],
    )
    _logger.info("Deleted %s copies of texts from customers' chatter", cr.rowcount)


def _remove_outside_followers(env):
    cr = env.cr
    # partners without an active internal user (customers above all) never follow
    cr.execute(
        """
        DELETE FROM mail_followers f
         WHERE f.res_model = 'clienteling.conversation'
           AND NOT EXISTS (
                SELECT 1 FROM res_users u
                 WHERE u.partner_id = f.partner_id AND u.active AND NOT u.share
           )
        """
    )
    removed = cr.rowcount
    followers = env["mail.followers"].search([("res_model", "=", "clienteling.conversation")])
    by_partner = defaultdict(lambda: env["mail.followers"])
    for follower in followers:
        by_partner[follower.partner_id] |= follower
    Conversation = env["clienteling.conversation"]
    for partner, rows in by_partner.items():
        conversations = Conversation.browse(rows.mapped("res_id")).exists()
        readable = Conversation
        for user in partner.user_ids.filtered(lambda u: u.active and u._is_internal()):
            readable |= (
                conversations.with_user(user)
                .with_context(allowed_company_ids=user.company_ids.ids)
                ._filtered_access("read")
            )
        outside = rows.filtered(lambda row, ids=set(readable.ids): row.res_id not in ids)
        removed += len(outside)
        outside.sudo().unlink()
    _logger.info("Removed %s followers of conversations they may not read", removed)


def _schedule_failed_events(cr):
    cr.execute(
        "UPDATE clienteling_sms_event SET next_retry_date = %s WHERE state = 'failed'",
        [fields.Datetime.now()],
    )


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _delete_partner_copies(cr)
    _remove_outside_followers(env)
    _schedule_failed_events(cr)
