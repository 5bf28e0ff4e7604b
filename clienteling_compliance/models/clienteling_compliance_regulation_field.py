from odoo import fields, models

CHOICE_SEPARATOR = " | "


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
    choices = fields.Char(
        help="The allowed values, when the regulation lists them, separated by | (a value "
        "may hold a comma: 1,000)."
    )

    def _choice_list(self):
        self.ensure_one()
        choices = self.choices or ""
        separator = CHOICE_SEPARATOR.strip() if CHOICE_SEPARATOR.strip() in choices else ","
        return [c.strip() for c in choices.split(separator) if c.strip()]
