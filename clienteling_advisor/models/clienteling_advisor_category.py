from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The lists this addon builds; another addon adds one with ``selection_add``.
CATEGORIES = [
    ("keep_in_touch", "Keep in Touch"),
    ("add_to_client_book", "Add to Client Book"),
    ("new_customer", "New Customers"),
    ("pending_customer", "Pending Customers"),
    ("important_date", "Upcoming Important Dates"),
]


class ClientelingAdvisorCategory(models.Model):
    """An Advisor list, and its tile on the Advisor's main page: how many lines the
    current associate has in it. A refresh builds the lines of each active list
    with the builder ``clienteling.advisor.refresh._sql_<code>``."""

    _name = "clienteling.advisor.category"
    _description = "Advisor List"
    _order = "sequence, id"

    code = fields.Selection(CATEGORIES, required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Char(translate=True)
    sequence = fields.Integer(default=10)
    icon = fields.Char(default="fa-user", help="Font Awesome icon class of the tile.")
    active = fields.Boolean(default=True, help="Archived lists are neither built nor shown.")
    recommendation_count = fields.Integer(compute="_compute_recommendation_count", string="Count")

    _sql_constraints = [("code_uniq", "unique(code)", "One tile per list.")]

    @api.model
    def _code_selection(self):
        """Every list's code and name, for the fields that name a list: they follow
        the lists an addon adds without a ``selection_add`` of their own."""
        lists = self.sudo().with_context(active_test=False).search_fetch([], ["code", "name"])
        return [(advisor_list.code, advisor_list.name) for advisor_list in lists]

    @api.constrains("code")
    def _check_builder(self):
        refresh = self.env["clienteling.advisor.refresh"]
        for advisor_list in self:
            if not refresh._builder(advisor_list.code):
                raise ValidationError(
                    self.env._(
                        "The Advisor list %(list)s has no builder: define the method "
                        "%(method)s of clienteling.advisor.refresh.",
                        list=advisor_list.name,
                        method=f"_sql_{advisor_list.code}",
                    )
                )

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
