from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.provider import NUMBER_TYPES, ProviderError


class ClientelingPhoneNumberProvision(models.TransientModel):
    """Buy numbers for many stores or associates at once: each gets a number near
    its store (same area code as the store's landline when the provider has one)."""

    _name = "clienteling.phone.number.provision"
    _description = "Provision Clienteling Numbers"

    account_id = fields.Many2one(
        "clienteling.sms.account",
        required=True,
        default=lambda self: self.env["clienteling.sms.account"]._for_company(),
    )
    target = fields.Selection(
        [
            ("store", "Stores (shared number)"),
            ("employee", "Associates (personal relay number)"),
            ("pool", "Spare numbers"),
        ],
        required=True,
        default="store",
    )
    store_ids = fields.Many2many("clienteling.store", string="Stores")
    employee_ids = fields.Many2many(
        "hr.employee", string="Associates", domain="[('clienteling_store_id', '!=', False)]"
    )
    country_id = fields.Many2one("res.country", help="For spare numbers.")
    quantity = fields.Integer(default=1, help="For spare numbers.")
    number_type = fields.Selection(
        [(key, key.replace("-", " ").capitalize()) for key in NUMBER_TYPES],
        help="Leave empty for the kind of number that texts in each country: local numbers "
        "in the US and Canada, mobile numbers elsewhere.",
    )
    # Provision shows only when numbers can be bought: the company has an SMS account.
    account_available = fields.Boolean(compute="_compute_account_available")

    @api.depends("account_id")
    def _compute_account_available(self):
        available = bool(
            self.env["clienteling.sms.account"].search_count(
                [("company_id", "in", self.env.companies.ids)], limit=1
            )
        )
        for wizard in self:
            wizard.account_available = bool(wizard.account_id) or available

    def _buy(self, country, near_store=None):
        return self.env["clienteling.phone.number"]._purchase(
            self.account_id, country, store=near_store, number_type=self.number_type or None
        )

    def action_provision(self):
        self.ensure_one()
        # numbers are bought on the account for these stores and associates
        self.account_id.check_access("write")
        self.store_ids.check_access("read")
        self.employee_ids.check_access("read")
        Number = self.env["clienteling.phone.number"]
        done, failures = Number, []
        if self.target == "store":
            targets = [(store, store, None) for store in self.store_ids]
        elif self.target == "employee":
            targets = [
                (employee, employee.clienteling_store_id, employee)
                for employee in self.employee_ids
            ]
        else:
            if not self.country_id or self.quantity < 1:
                raise UserError(self.env._("Choose a country and a quantity of at least 1."))
            targets = [(None, None, None)] * self.quantity
        if not targets:
            raise UserError(self.env._("Choose the stores or associates to give a number to."))
        for record, store, employee in targets:
            name = record.display_name if record else self.country_id.name
            if store and not store.country_id:
                failures.append(self.env._("%s: the store has no country.", name))
                continue
            if record and Number.search_count(
                [
                    ("state", "=", "assigned"),
                    (
                        "employee_id" if record._name == "hr.employee" else "store_id",
                        "=",
                        record.id,
                    ),
                ]
            ):
                failures.append(self.env._("%s already has a number.", name))
                continue
            try:
                with self.env.cr.savepoint():
                    number = self._buy(
                        store.country_id if store else self.country_id, near_store=store
                    )
                    if employee:
                        number._assign(employee=employee)
                    elif store:
                        number._assign(store=store)
                    done |= number
            except (UserError, ProviderError) as error:
                reason = (
                    self.env["clienteling.sms.account"]._provider_error_reason(error)
                    if isinstance(error, ProviderError)
                    else str(error)
                )
                failures.append(f"{name}: {reason}")
        if not done and failures:
            raise UserError("\n".join(failures))
        message = self.env._(
            "%(count)s numbers provisioned: %(numbers)s.",
            count=len(done),
            numbers=", ".join(done.mapped("number")),
        )
        if failures:
            message += "\n" + self.env._("Not provisioned:") + "\n" + "\n".join(failures)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failures else "success",
                "message": message,
                "sticky": bool(failures),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
