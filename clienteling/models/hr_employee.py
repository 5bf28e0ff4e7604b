from odoo import api, fields, models

ROLE_GROUPS = {
    "associate": "clienteling.group_clienteling_associate",
    "store_manager": "clienteling.group_clienteling_store_manager",
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

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        employees.filtered("clienteling_role")._clienteling_sync_user_groups()
        if any(vals.get("clienteling_store_id") for vals in vals_list):
            self.env.registry.clear_cache()  # record rules depend on users' stores
        return employees

    def write(self, vals):
        res = super().write(vals)
        if {"clienteling_role", "user_id"} & vals.keys():
            self._clienteling_sync_user_groups()
        if {"clienteling_store_id", "clienteling_managed_store_ids", "user_id"} & vals.keys():
            self.env.registry.clear_cache()  # record rules depend on users' stores
        return res

    def _clienteling_sync_user_groups(self):
        """Give each employee's user the group of their clienteling role.

        A store manager who becomes an associate loses the store manager group,
        unless they are a Clienteling Manager (which implies it).
        """
        manager_group = self.env.ref("clienteling.group_clienteling_manager")
        store_manager_group = self.env.ref(ROLE_GROUPS["store_manager"])
        for employee in self.sudo().filtered(lambda e: e.user_id and e.clienteling_role):
            user = employee.user_id
            commands = [(4, self.env.ref(ROLE_GROUPS[employee.clienteling_role]).id)]
            if (
                employee.clienteling_role == "associate"
                and store_manager_group in user.groups_id
                and manager_group not in user.groups_id
            ):
                commands.append((3, store_manager_group.id))
            user.write({"groups_id": commands})

    def action_view_client_book(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.res_partner_action_client_book"
        )
        action["domain"] = [("clienteling_associate_id", "=", self.id)]
        action["context"] = {"default_clienteling_associate_id": self.id}
        return action
