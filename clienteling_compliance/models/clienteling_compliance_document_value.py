from odoo import fields, models
from odoo.exceptions import UserError


class ClientelingComplianceDocumentValue(models.Model):
    """A field read from a supporting document (the business name it shows...)."""

    _name = "clienteling.compliance.document.value"
    _description = "Compliance Document Field"
    _order = "document_id, id"

    document_id = fields.Many2one(
        "clienteling.compliance.document", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    name = fields.Char(string="Machine Name", required=True, readonly=True)
    label = fields.Char(readonly=True)
    value = fields.Char()

    def write(self, vals):
        if self.document_id.filtered("submitted"):
            raise UserError(
                self.env._("A submitted document is kept as the record of what was sent.")
            )
        return super().write(vals)
