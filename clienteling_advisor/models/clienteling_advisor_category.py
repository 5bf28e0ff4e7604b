from odoo import api, fields, models

from .clienteling_advisor_recommendation import CATEGORIES


class ClientelingAdvisorCategory(models.Model):
    """A tile of the Advisor's main page: one list, and how many lines the
    current associate has in it."""

    _name = "clienteling.advisor.category"
    _description = "Advisor List"
    _order = "sequence, id"

    code = fields.Selection(CATEGORIES, required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Char(translate=True)
    sequence = fields.Integer(default=10)
    icon = fields.Char(default="fa-user", help="Font Awesome icon class of the tile.")
    recommendation_count = fields.Integer(compute="_compute_recommendation_count", string="Count")

    _sql_constraints = [("code_uniq", "unique(code)", "One tile per list.")]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_recommendation_count(self):
        counts = dict(
            self.env["clienteling.advisor.recommendation"]._read_group(
                [("for_me", "=", True), ("category", "in", self.mapped("code"))],
                ["category"],
                ["__count"],
            )
        )
        for tile in self:
            tile.recommendation_count = counts.get(tile.code, 0)

    def action_open(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_advisor.clienteling_advisor_recommendation_action"
        )
        action.update(
            name=self.name,
            display_name=self.name,
            domain=[("for_me", "=", True), ("category", "=", self.code)],
            context={"clienteling_advisor_category": self.code},
        )
        return action

    def action_refresh(self):
        return self.env["clienteling.advisor.recommendation"].action_refresh()
