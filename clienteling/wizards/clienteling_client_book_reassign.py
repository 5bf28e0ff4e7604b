from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingClientBookReassign(models.TransientModel):
    """Move customers from one associate's client book to another's, e.g. when
    an associate leaves. Conversations and history stay on the customers."""

    _name = "clienteling.client.book.reassign"
    _description = "Reassign a Client Book"

    from_employee_id = fields.Many2one("hr.employee", string="From Associate", required=True)
    to_employee_id = fields.Many2one("hr.employee", string="To Associate", required=True)
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        help="Leave empty to move the whole client book.",
    )
    move_store_book = fields.Boolean(
        string="Also Move to the New Associate's Store Book",
        help="Customers also join the store book of the new associate's store.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "hr.employee" and self.env.context.get(
            "active_id"
        ):
            values.setdefault("from_employee_id", self.env.context["active_id"])
        elif self.env.context.get("active_model") == "res.partner" and self.env.context.get(
            "active_ids"
        ):
            partners = self.env["res.partner"].browse(self.env.context["active_ids"])
            values.setdefault("partner_ids", [(6, 0, partners.ids)])
            if len(partners.clienteling_associate_id) == 1:
                values.setdefault("from_employee_id", partners.clienteling_associate_id.id)
        return values

    def action_reassign(self):
        self.ensure_one()
        if self.from_employee_id == self.to_employee_id:
            raise UserError(self.env._("Choose two different associates."))
        partners = self.partner_ids or self.env["res.partner"].search(
            [("clienteling_associate_id", "=", self.from_employee_id.id)]
        )
        strangers = partners.filtered(lambda p: p.clienteling_associate_id != self.from_employee_id)
        if strangers:
            raise UserError(
                self.env._(
                    "These customers are not in %(associate)s's client book: %(names)s",
                    associate=self.from_employee_id.name,
                    names=", ".join(strangers.mapped("display_name")),
                )
            )
        if not partners:
            raise UserError(self.env._("%s's client book is empty.", self.from_employee_id.name))
        vals = {"clienteling_associate_id": self.to_employee_id.id}
        if self.move_store_book and self.to_employee_id.clienteling_store_id:
            vals["clienteling_store_id"] = self.to_employee_id.clienteling_store_id.id
        partners.write(vals)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s customers moved to %(associate)s's client book.",
                    count=len(partners),
                    associate=self.to_employee_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
