from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class ClientelingClientBookReassign(models.TransientModel):
    """Move customers from one associate's client book to another's, e.g. when
    an associate leaves. Conversations and history stay on the customers.

    Store managers move client books between the associates of their stores, and
    only customers of their stores' books (or of no store book); Clienteling
    administrators within the companies they work in."""

    _name = "clienteling.client.book.reassign"
    _description = "Reassign a Client Book"

    allowed_store_ids = fields.Many2many(
        "clienteling.store",
        compute="_compute_allowed_store_ids",
        help="The stores whose associates the user may reassign client books between.",
    )
    from_employee_id = fields.Many2one(
        "hr.employee",
        string="From Associate",
        required=True,
        domain="[('clienteling_store_id', 'in', allowed_store_ids)]",
    )
    to_employee_id = fields.Many2one(
        "hr.employee",
        string="To Associate",
        required=True,
        domain="[('clienteling_store_id', 'in', allowed_store_ids)]",
    )
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

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_allowed_store_ids(self):
        stores = self._allowed_stores()
        for wizard in self:
            wizard.allowed_store_ids = stores

    @api.model
    def _allowed_stores(self):
        if self._is_clienteling_admin():
            return self.env["clienteling.store"].search(
                [("company_id", "in", self.env.companies.ids)]
            )
        return self.env.user.clienteling_store_ids

    @api.model
    def _is_clienteling_admin(self):
        return self.env.su or self.env.user.has_group("clienteling.group_clienteling_manager")

    def _check_stores(self, partners):
        """Refuse associates and customers of stores the user does not manage."""
        self.ensure_one()
        employees = (self.from_employee_id | self.to_employee_id).sudo()
        if self._is_clienteling_admin():
            companies = self.env.companies
            foreign_employees = employees.filtered(lambda e: e.company_id not in companies)
            foreign_partners = partners.filtered(
                lambda p: (
                    p.clienteling_store_id and p.clienteling_store_id.company_id not in companies
                )
            )
        else:
            stores = self.env.user.clienteling_store_ids
            foreign_employees = employees.filtered(lambda e: e.clienteling_store_id not in stores)
            foreign_partners = partners.filtered(
                lambda p: p.clienteling_store_id and p.clienteling_store_id not in stores
            )
        if foreign_employees:
            raise AccessError(
                self.env._(
                    "You can only reassign client books between associates of your stores: "
                    "%s is not one of them.",
                    ", ".join(foreign_employees.mapped("name")),
                )
            )
        if foreign_partners:
            raise AccessError(
                self.env._(
                    "These customers are in the book of a store you do not manage: %s",
                    ", ".join(foreign_partners.mapped("display_name")),
                )
            )

    def action_reassign(self):
        self.ensure_one()
        if self.from_employee_id == self.to_employee_id:
            raise UserError(self.env._("Choose two different associates."))
        self._check_stores(self.partner_ids)
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
        self._check_stores(partners)
        vals = {"clienteling_associate_id": self.to_employee_id.id}
        if self.move_store_book and self.to_employee_id.clienteling_store_id:
            vals["clienteling_store_id"] = self.to_employee_id.clienteling_store_id.id
        # An ordinary write: the record rules check the customers once more.
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
