from odoo import api, fields, models

ROLE_GROUPS = {
    "associate": "clienteling.group_clienteling_associate",
    "store_manager": "clienteling.group_clienteling_store_manager",
}

# The employee fields the clienteling record rules read through the user
# (user.employee_ids, user.clienteling_store_ids).
RULE_FIELDS = {"user_id", "clienteling_store_id", "clienteling_managed_store_ids", "active"}


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

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered("clienteling_role")._clienteling_sync_user_groups()
        if employees._clienteling_rule_inputs():
            self._clienteling_clear_rule_cache()
        return employees

    def write(self, vals):
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

    def action_view_client_book(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.res_partner_action_client_book"
        )
        action["domain"] = [("clienteling_associate_id", "=", self.id)]
        action["context"] = {"default_clienteling_associate_id": self.id}
        return action
