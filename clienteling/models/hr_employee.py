from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.service_request_form import is_slug, slugify, unique_slug

ROLE_GROUPS = {
    "associate": "clienteling.group_clienteling_associate",
    "store_manager": "clienteling.group_clienteling_store_manager",
}

# The employee fields the clienteling record rules read through the user
# (user.employee_ids, user.clienteling_store_ids).
RULE_FIELDS = {"user_id", "clienteling_store_id", "clienteling_managed_store_ids", "active"}
# Changed by the associate themselves, their store's managers and Clienteling
# administrators only.
STOREFRONT_FIELDS = {
    "clienteling_storefront_slug",
    "clienteling_storefront_bio",
    "clienteling_storefront_published",
}


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    clienteling_store_id = fields.Many2one(tracking=True, check_company=True)
    clienteling_role = fields.Selection(tracking=True)
    clienteling_managed_store_ids = fields.Many2many(
        "clienteling.store",
        "clienteling_store_manager_rel",
        "employee_id",
        "store_id",
        string="Managed Stores",
        check_company=True,
        groups="hr.group_hr_user",
        help="Stores this employee manages besides their own: they see these stores' "
        "clienteling records like their own store's.",
    )
    clienteling_storefront_pick_ids = fields.One2many(
        "clienteling.associate.pick", "employee_id", string="Storefront Picks"
    )
    clienteling_storefront_url = fields.Char(
        compute="_compute_clienteling_storefront_url", string="Storefront Link"
    )
    clienteling_sales_amount = fields.Monetary(
        compute="_compute_clienteling_sales_amount",
        string="Credited Sales",
        currency_field="clienteling_sales_currency_id",
        groups="clienteling.group_clienteling_associate",
    )
    clienteling_sales_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Credited Sales Currency"
    )

    _sql_constraints = [
        (
            "clienteling_storefront_slug_uniq",
            "unique(clienteling_storefront_slug)",
            "This storefront address is taken: choose another one.",
        ),
    ]

    @api.depends("clienteling_storefront_slug")
    def _compute_clienteling_storefront_url(self):
        for employee in self:
            slug = employee.clienteling_storefront_slug
            employee.clienteling_storefront_url = (
                f"{employee.get_base_url()}/clienteling/a/{slug}" if slug else False
            )

    @api.constrains(
        "clienteling_storefront_slug", "clienteling_storefront_published", "clienteling_store_id"
    )
    def _check_clienteling_storefront(self):
        for employee in self:
            slug = employee.clienteling_storefront_slug
            if slug and not is_slug(slug):
                raise ValidationError(
                    self.env._(
                        '"%s" cannot be a storefront address: use lowercase letters, digits '
                        "and single dashes (64 characters at most), like ann-lee.",
                        slug,
                    )
                )
            if employee.clienteling_storefront_published and not (
                slug and employee.clienteling_store_id
            ):
                raise ValidationError(
                    self.env._(
                        "%s's storefront needs an address and a Clienteling store to be published.",
                        employee.name,
                    )
                )

    @api.model
    def _clienteling_free_slug(self, name):
        """A storefront address for ``name`` that no employee has yet."""
        base = slugify(name) or "associate"
        taken = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("clienteling_storefront_slug", "=like", f"{base}%")],
                ["clienteling_storefront_slug"],
            )
        )
        return unique_slug(base, set(taken.mapped("clienteling_storefront_slug")))

    def _clienteling_check_storefront_access(self):
        """The user may change these employees' storefronts: their own, those of
        the stores they manage, or any of their companies' as Clienteling
        administrator."""
        if self.env.su:
            return
        user = self.env.user
        is_admin = user.has_group("clienteling.group_clienteling_manager")
        is_store_manager = user.has_group("clienteling.group_clienteling_store_manager")
        for employee in self.sudo():
            if employee.user_id == user:
                continue
            if is_admin and employee.company_id in self.env.companies:
                continue
            if is_store_manager and employee.clienteling_store_id in user.clienteling_store_ids:
                continue
            raise AccessError(
                self.env._(
                    "Only %s, the managers of their store and Clienteling administrators can "
                    "change their storefront.",
                    employee.name,
                )
            )

    def action_clienteling_edit_storefront(self):
        """Open the storefront editor of this employee."""
        self.ensure_one()
        self._clienteling_check_storefront_access()
        return self.env["clienteling.storefront.edit"]._action_open(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (
                not self.env.su
                and {k for k, v in vals.items() if v} & STOREFRONT_FIELDS
                and not self.env.user.has_group("clienteling.group_clienteling_manager")
            ):
                raise AccessError(
                    self.env._("Only Clienteling administrators can create a storefront.")
                )
            if vals.get("clienteling_store_id") and not vals.get("clienteling_storefront_slug"):
                vals["clienteling_storefront_slug"] = self._clienteling_free_slug(
                    vals.get("name") or ""
                )
        employees = super().create(vals_list)
        employees.filtered("clienteling_role")._clienteling_sync_user_groups()
        if employees._clienteling_rule_inputs():
            self._clienteling_clear_rule_cache()
        return employees

    def write(self, vals):
        if STOREFRONT_FIELDS & vals.keys():
            self._clienteling_check_storefront_access()
        rule_inputs = RULE_FIELDS & vals.keys() and self._clienteling_rule_inputs()
        res = super().write(vals)
        if {"clienteling_role", "user_id"} & vals.keys():
            self._clienteling_sync_user_groups()
        if RULE_FIELDS & vals.keys() and self._clienteling_rule_inputs() != rule_inputs:
            self._clienteling_clear_rule_cache()
        return res

    def unlink(self):
        had_users = bool(self._clienteling_rule_inputs())
        res = super().unlink()
        if had_users:
            self._clienteling_clear_rule_cache()
        return res

    def _clienteling_rule_inputs(self):
        """What the record rules of these employees' users are computed from.

        Only employees linked to a user count: an employee without a user is in
        nobody's rules.
        """
        return {
            (
                employee.id,
                employee.user_id.id,
                employee.active,
                employee.clienteling_store_id.id,
                frozenset(employee.clienteling_managed_store_ids.ids),
            )
            for employee in self.sudo().with_context(active_test=False)
            if employee.user_id
        }

    @api.model
    def _clienteling_clear_rule_cache(self):
        """Make the record rules see a change of users' employees or stores.

        Odoo caches each user's rule domains (``ir.rule._compute_domain``) in the
        registry's "default" cache, which only ``registry.clear_cache()`` empties.
        The pending employee changes are written first: a refused value (a user
        already linked to another employee of the company) raises its own error
        here, instead of failing later inside the evaluation of a rule domain,
        where Odoo turns it into a generic server error. The users' stores are
        computed again too (an archived employee changes them without changing a
        field they depend on).
        """
        self.flush_model()
        self.env["clienteling.store"].flush_model(["manager_ids"])
        self.env["res.users"].invalidate_model(["clienteling_store_ids"])
        self.env.registry.clear_cache()

    def _clienteling_sync_user_groups(self):
        """Give each employee's user the group of their clienteling role.

        A store manager who becomes an associate loses the store manager group,
        unless they are a Clienteling Manager (which implies it).
        """
        manager_group = self.env.ref("clienteling.group_clienteling_manager")
        store_manager_group = self.env.ref(ROLE_GROUPS["store_manager"])
        for employee in self.sudo().filtered(lambda e: e.user_id and e.clienteling_role):
            user = employee.user_id
            role_group = self.env.ref(ROLE_GROUPS[employee.clienteling_role])
            # A user already in the group is not written: each change of groups
            # empties every registry cache, in every worker.
            commands = [] if role_group in user.groups_id else [(4, role_group.id)]
            if (
                employee.clienteling_role == "associate"
                and store_manager_group in user.groups_id
                and manager_group not in user.groups_id
            ):
                commands.append((3, store_manager_group.id))
            if commands:
                user.write({"groups_id": commands})

    def _compute_clienteling_sales_amount(self):
        # the credits the user may read (record rules): their own, their stores'
        amounts = {
            employee.id: amount
            for employee, amount in self.env["clienteling.sale.credit"]._read_group(
                [("employee_id", "in", self.ids)], ["employee_id"], ["amount:sum"]
            )
        }
        for employee in self:
            employee.clienteling_sales_amount = amounts.get(employee.id, 0.0)

    def action_view_clienteling_sales(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.clienteling_sale_credit_action"
        )
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_client_book(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.res_partner_action_client_book"
        )
        action["domain"] = [("clienteling_associate_id", "=", self.id)]
        action["context"] = {"default_clienteling_associate_id": self.id}
        return action
