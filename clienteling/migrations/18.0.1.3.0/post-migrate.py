"""18.0.1.3.0: quick replies are offered in Discuss's composer (``::``)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["clienteling.quick.reply"].with_context(active_test=False).search(
        []
    )._sync_canned_responses()
