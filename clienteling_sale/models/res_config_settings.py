from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def action_clienteling_backfill_sales(self):
        """Settings > Clienteling > Load the Sales History."""
        count = self.env["sale.order"]._clienteling_backfill_purchases()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%s confirmed orders added to the customers' purchases.", count
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
