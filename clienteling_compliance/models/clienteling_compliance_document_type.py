from odoo import fields, models


class ClientelingComplianceDocumentType(models.Model):
    """A kind of supporting document a provider accepts (a registry excerpt, a
    utility bill...), with the fields read from it."""

    _name = "clienteling.compliance.document.type"
    _description = "Compliance Document Type"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True, help="The provider's name for this type.")

    _sql_constraints = [("code_uniq", "unique(code)", "Document type codes are unique.")]
