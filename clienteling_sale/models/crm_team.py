from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    clienteling_store_id = fields.Many2one(
        "clienteling.store",
        # a team may serve every company: its store only credits orders of the store's
        domain="[('company_id', 'in', [company_id] if company_id else allowed_company_ids)]",
        index="btree_not_null",
        help="The store credited with this team's confirmed orders. Without one, an "
        "order goes to its customer's store book.",
    )
