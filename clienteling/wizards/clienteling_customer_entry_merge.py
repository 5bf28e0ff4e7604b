from odoo import api, fields, models
from odoo.exceptions import UserError


class ClientelingCustomerEntryMerge(models.TransientModel):
    """Merge a pending entry into an existing customer: empty fields are filled,
    differing ones are only replaced when the reviewer ticks them."""

    _name = "clienteling.customer.entry.merge"
    _description = "Merge a Pending Customer into a Customer"

    entry_id = fields.Many2one("clienteling.customer.entry", required=True, ondelete="cascade")
    # Read as the user: an entry of another store shows nothing.
    duplicate_ids = fields.Many2many(related="entry_id.duplicate_ids", compute_sudo=False)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    entry_name = fields.Char(related="entry_id.name", string="Entered Name", compute_sudo=False)
    entry_email = fields.Char(related="entry_id.email", string="Entered Email", compute_sudo=False)
    entry_mobile = fields.Char(
        related="entry_id.mobile", string="Entered Mobile", compute_sudo=False
    )
    entry_birthday = fields.Char(
        related="entry_id.birthday_display", string="Entered Birthday", compute_sudo=False
    )
    partner_name = fields.Char(related="partner_id.name", string="Current Name")
    partner_email = fields.Char(related="partner_id.email", string="Current Email")
    partner_mobile = fields.Char(related="partner_id.mobile", string="Current Mobile")
    partner_birthday = fields.Char(compute="_compute_partner_birthday", string="Current Birthday")
    name_differs = fields.Boolean(compute="_compute_differences")
    email_differs = fields.Boolean(compute="_compute_differences")
    mobile_differs = fields.Boolean(compute="_compute_differences")
    birthday_differs = fields.Boolean(compute="_compute_differences")
    replace_name = fields.Boolean(string="Use the Entered Name")
    replace_email = fields.Boolean(string="Use the Entered Email")
    replace_mobile = fields.Boolean(string="Use the Entered Mobile")
    replace_birthday = fields.Boolean(string="Use the Entered Birthday")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard.entry_id.check_access("write")
            wizard.entry_id._check_pending()
        return wizards

    @api.depends("partner_id")
    def _compute_partner_birthday(self):
        for wizard in self:
            birthday = wizard.partner_id.clienteling_important_date_ids.filtered(
                lambda d: d.kind == "birthday"
            )[:1]
            wizard.partner_birthday = (
                self.env["clienteling.important.date"]._day_month_text(
                    birthday.day, birthday.month, birthday.year
                )
                or False
            )

    @api.depends("partner_id", "entry_id")
    def _compute_differences(self):
        for wizard in self:
            entry, partner = wizard.entry_id, wizard.partner_id
            wizard.name_differs = bool(partner.name) and entry.name != partner.name
            wizard.email_differs = bool(entry.email and partner.email) and (
                entry.email != partner.email_normalized
            )
            wizard.mobile_differs = bool(entry.mobile and partner.mobile) and (
                entry.mobile != partner.phone_sanitized
            )
            wizard.birthday_differs = bool(entry.birthday_display and wizard.partner_birthday) and (
                entry.birthday_display != wizard.partner_birthday
            )

    def action_merge(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Choose the customer to merge into."))
        replace = [
            fname
            for fname in ("name", "email", "mobile", "birthday")
            if self[f"replace_{fname}"] and self[f"{fname}_differs"]
        ]
        self.entry_id._merge_into(self.partner_id, replace)
        return self.partner_id._get_records_action()
