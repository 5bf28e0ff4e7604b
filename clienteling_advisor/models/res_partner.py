from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def unlink(self):
        # After the deletion, which checked the user's rights: the lines have no
        # foreign key, their ids are enough.
        res = super().unlink()
        self.env["clienteling.advisor.recommendation"].sudo()._forget("partner_id", self)
        return res

    def _clienteling_register_purchase(self, date, amount=0.0, store=None):
        res = super()._clienteling_register_purchase(date, amount=amount, store=store)
        # after the purchase's own checks (the user may read these customers)
        self.env["clienteling.advisor.refresh"].sudo()._refresh_partners(self)
        return res

    def _clienteling_register_contact(self, channel, direction, when=None, employee=None):
        res = super()._clienteling_register_contact(
            channel, direction, when=when, employee=employee
        )
        if employee and direction == "outbound" and self:
            # after the contact's own checks (the user may read these customers)
            self.env["clienteling.advisor.action"].sudo()._record_contacts(
                self, employee, when or fields.Datetime.now()
            )
        self.env["clienteling.advisor.refresh"].sudo()._refresh_partners(self)
        return res
