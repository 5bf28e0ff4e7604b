from odoo import fields, models


class ClientelingComplianceRegulationDocument(models.Model):
    """A supporting document a regulation asks for, and the document types it accepts."""

    _name = "clienteling.compliance.regulation.document"
    _description = "Compliance Document Requirement"
    _order = "regulation_id, sequence, id"
    _rec_name = "label"
    _rec_names_search = ["label", "name"]

    regulation_id = fields.Many2one(
        "clienteling.compliance.regulation", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(
        default=True, help="Archived: no longer asked, kept for the documents filed under it."
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Requirement", required=True)
    label = fields.Char(required=True)
    description = fields.Text()
    document_type_ids = fields.Many2many(
        "clienteling.compliance.document.type",
        "clienteling_compliance_requirement_type_rel",
        "requirement_id",
        "type_id",
        string="Accepted Documents",
    )
    type_fields = fields.Json(
        string="Fields Read", help="The fields read from each accepted document type, by type code."
    )

    def _fields_of(self, document_type):
        """The fields read from a document of ``document_type`` for this requirement."""
        self.ensure_one()
        return list((self.type_fields or {}).get(document_type.code) or [])
