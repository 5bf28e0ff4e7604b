from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    clienteling_auto_assign_books = fields.Boolean(
        related="company_id.clienteling_auto_assign_books", readonly=False
    )
    clienteling_request_team_mode = fields.Boolean(
        related="company_id.clienteling_request_team_mode", readonly=False
    )
    clienteling_link_attribution_days = fields.Integer(
        related="company_id.clienteling_link_attribution_days", readonly=False
    )
    clienteling_has_sales_bridge = fields.Boolean(compute="_compute_clienteling_has_sales_bridge")

    def _compute_clienteling_has_sales_bridge(self):
        has_bridge = bool(self.env["clienteling.sale.credit"]._backfill_models())
        for settings in self:
            settings.clienteling_has_sales_bridge = has_bridge

    def action_clienteling_backfill_sales(self):
        """Settings > Clienteling > Sales > Load the Sales History."""
        counts = self.env["clienteling.sale.credit"]._backfill_purchases()
        IrModel = self.env["ir.model"]
        detail = ", ".join(
            f"{IrModel._get(model).name}: {count}" for model, count in counts.items()
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Orders added to the customers' purchases: %s.", detail or "0"
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
