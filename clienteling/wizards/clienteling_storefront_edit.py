from odoo import api, fields, models


class ClientelingStorefrontEdit(models.TransientModel):
    """Edit an associate's storefront: for the associate themselves (from My
    Profile), their store's managers and Clienteling administrators, who may not
    have the rights to change employees otherwise."""

    _name = "clienteling.storefront.edit"
    _description = "Edit a Storefront"

    employee_id = fields.Many2one("hr.employee", string="Associate", required=True, readonly=True)
    slug = fields.Char(string="Storefront Address", required=True)
    bio = fields.Text()
    published = fields.Boolean()
    url = fields.Char(compute="_compute_url", string="Storefront Link")
    pick_count = fields.Integer(compute="_compute_pick_count", string="Picks")

    @api.depends("slug")
    def _compute_url(self):
        for wizard in self:
            wizard.url = (
                f"{wizard.get_base_url()}/clienteling/a/{wizard.slug}" if wizard.slug else False
            )

    @api.depends("employee_id")
    def _compute_pick_count(self):
        for wizard in self:
            wizard.pick_count = self.env["clienteling.associate.pick"].search_count(
                [("employee_id", "=", wizard.employee_id.id)]
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            employee = self.env["hr.employee"].browse(vals.get("employee_id"))
            employee._clienteling_check_storefront_access()
        return super().create(vals_list)

    @api.model
    def _action_open(self, employee):
        """The editor of ``employee``'s storefront (access checked by the caller)."""
        wizard = self.create(
            {
                "employee_id": employee.id,
                "slug": employee.sudo().clienteling_storefront_slug
                or employee._clienteling_free_slug(employee.sudo().name),
                "bio": employee.sudo().clienteling_storefront_bio,
                "published": employee.sudo().clienteling_storefront_published,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Storefront of %s", employee.sudo().name),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_save(self):
        self.ensure_one()
        employee = self.employee_id
        employee._clienteling_check_storefront_access()
        employee.sudo().write(
            {
                "clienteling_storefront_slug": (self.slug or "").strip().lower() or False,
                "clienteling_storefront_bio": self.bio,
                "clienteling_storefront_published": self.published,
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def action_view_picks(self):
        """Save, then list the picks."""
        self.action_save()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling.clienteling_associate_pick_action"
        )
        action["domain"] = [("employee_id", "=", self.employee_id.id)]
        action["context"] = {"default_employee_id": self.employee_id.id}
        return action
