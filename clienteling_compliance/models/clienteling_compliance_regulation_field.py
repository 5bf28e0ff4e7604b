from odoo import fields, models


class ClientelingComplianceRegulationField(models.Model):
    """A piece of information a regulation asks for."""

    _name = "clienteling.compliance.regulation.field"
    _description = "Compliance Regulation Field"
    _order = "regulation_id, sequence, id"
    _rec_name = "label"

    regulation_id = fields.Many2one(
        "clienteling.compliance.regulation", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Machine Name", required=True)
    label = fields.Char(required=True)
    description = fields.Text()
    required = fields.Boolean(default=True)
    choices = fields.Char(help="Comma-separated allowed values, when the regulation lists them.")

    def _choice_list(self):
        self.ensure_one()
        return [c.strip() for c in (self.choices or "").split(",") if c.strip()]
