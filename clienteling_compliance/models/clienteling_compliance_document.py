import base64
import binascii
import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.regulations import ACCEPTED_MIMETYPES, MAX_FILE_SIZE, file_kind

OFFICER = "clienteling_compliance.group_compliance_officer"
# Kept by this addon's code: what was sent, and what the provider or reviewer said.
PROVIDER_FIELDS = {"submitted", "provider_ref", "mimetype", "file_size", "problem"}


class ClientelingComplianceDocument(models.Model):
    """A supporting document of an application: the file (an attachment only
    compliance officers and system administrators read) and what it says."""

    _name = "clienteling.compliance.document"
    _description = "Compliance Document"
    _order = "application_id, requirement_id, id"

    application_id = fields.Many2one(
        "clienteling.compliance.application", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="application_id.company_id", store=True)
    regulation_id = fields.Many2one(related="application_id.regulation_id")
    requirement_id = fields.Many2one(
        "clienteling.compliance.regulation.document",
        required=True,
        ondelete="restrict",
        domain="[('regulation_id', '=', regulation_id)]",
    )
    accepted_type_ids = fields.Many2many(related="requirement_id.document_type_ids")
    document_type_id = fields.Many2one(
        "clienteling.compliance.document.type",
        required=True,
        domain="[('id', 'in', accepted_type_ids)]",
    )
    file = fields.Binary(attachment=True, groups=OFFICER, copy=False)
    filename = fields.Char(copy=False)
    mimetype = fields.Char(readonly=True, copy=False)
    file_size = fields.Integer(readonly=True, copy=False)
    value_ids = fields.One2many(
        "clienteling.compliance.document.value", "document_id", string="Read from the Document"
    )
    provider_ref = fields.Char(string="Provider ID", readonly=True, copy=False)
    submitted = fields.Boolean(readonly=True, copy=False)
    problem = fields.Char(readonly=True, copy=False)

    def _check_provider_fields(self, vals):
        if not self.env.su and PROVIDER_FIELDS & set(vals):
            raise AccessError(self.env._("What the provider was sent is kept as it was sent."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_provider_fields(vals)
            self._check_file(vals)
        documents = super().create(vals_list)
        if not self.env.su:
            closed = documents.application_id.filtered(
                lambda a: a.state not in ("draft", "rejected", "update_needed")
            )
            if closed:
                raise UserError(
                    self.env._(
                        "%s is with the provider: documents are added while it is a draft, "
                        "rejected or being updated.",
                        closed[0].name,
                    )
                )
        documents._sync_values()
        return documents

    def _locked(self):
        """The documents kept as the record of what was sent (a rejected
        application's documents are replaceable again)."""
        return self.filtered(lambda d: d.submitted and d.application_id.state != "rejected")

    def write(self, vals):
        self._check_provider_fields(vals)
        if self._locked() and set(vals) - {"problem", "provider_ref", "submitted"}:
            raise UserError(
                self.env._(
                    "A submitted document is kept as the record of what was sent: start an "
                    "update of the application to send another."
                )
            )
        self._check_file(vals)
        if "file" in vals or "document_type_id" in vals:
            # what the provider was sent goes out of the bundle at the next submission
            for document in self.filtered("provider_ref"):
                application = document.application_id.sudo()
                application.replaced_refs = [
                    *(application.replaced_refs or []),
                    document.provider_ref,
                ]
            # sent again at the next check
            vals = dict(vals, provider_ref=False, problem=False, submitted=False)
        res = super().write(vals)
        if "document_type_id" in vals or "requirement_id" in vals:
            self._sync_values()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if self._locked():
            raise UserError(
                self.env._("A submitted document is kept as the record of what was sent.")
            )

    @api.constrains("application_id", "requirement_id", "document_type_id")
    def _check_document_type(self):
        for document in self:
            requirement = document.requirement_id
            if requirement.regulation_id != document.application_id.regulation_id:
                raise ValidationError(
                    self.env._(
                        "%(requirement)s is not asked by %(application)s's regulation.",
                        requirement=requirement.label,
                        application=document.application_id.name,
                    )
                )
            if document.document_type_id not in requirement.document_type_ids:
                raise ValidationError(
                    self.env._(
                        "%(type)s is not accepted for %(requirement)s: send one of %(accepted)s.",
                        type=document.document_type_id.name,
                        requirement=requirement.label,
                        accepted=", ".join(requirement.document_type_ids.mapped("name")),
                    )
                )

    def _check_file(self, vals):
        """Refuse a file the provider would refuse, before anything is stored."""
        if "file" not in vals:
            return
        if not vals["file"]:
            raise ValidationError(self.env._("The file is empty."))
        try:
            content = base64.b64decode(vals["file"], validate=True)
        except (binascii.Error, ValueError, TypeError) as error:
            raise ValidationError(self.env._("The file could not be read.")) from error
        if not content:
            raise ValidationError(self.env._("The file is empty."))
        if len(content) > MAX_FILE_SIZE:
            raise ValidationError(
                self.env._(
                    "The file is %(size).1f MB: the provider accepts files up to %(limit)s MB.",
                    # rounded up: a file just over the limit does not read as the limit
                    size=math.ceil(len(content) * 10 / 1024 / 1024) / 10,
                    limit=MAX_FILE_SIZE // 1024 // 1024,
                )
            )
        kind = file_kind(content)
        if kind not in ACCEPTED_MIMETYPES:
            raise ValidationError(
                self.env._("Only PDF, JPEG and PNG files are accepted (this file is none of them).")
            )
        vals["mimetype"] = kind
        vals["file_size"] = len(content)

    def _sync_values(self):
        """One value per field read from the document type, filled from the
        application's information of the same name."""
        Value = self.env["clienteling.compliance.document.value"]
        for document in self:
            names = document.requirement_id._fields_of(document.document_type_id)
            current = {value.name: value for value in document.value_ids}
            known = document.application_id._values()
            for name in names:
                if name not in current:
                    label = (
                        document.application_id.line_ids.filtered(
                            lambda line, name=name: line.name == name
                        )[:1].label
                        or name.replace("_", " ").capitalize()
                    )
                    Value.create(
                        {
                            "document_id": document.id,
                            "name": name,
                            "label": label,
                            "value": known.get(name, ""),
                        }
                    )
            Value.union(*[v for n, v in current.items() if n not in names]).unlink()

    def _read_values(self):
        self.ensure_one()
        return {value.name: (value.value or "").strip() for value in self.value_ids}

    def _ensure_at_provider(self, provider, address_refs=()):
        """Send the document with its file, once."""
        self.ensure_one()
        if self.provider_ref:
            return self.provider_ref
        attributes = dict(self._read_values())
        if address_refs:
            attributes["address_sids"] = list(address_refs)
        record = self.sudo()
        content = base64.b64decode(record.file)
        self.sudo().provider_ref = provider.create_document(
            self.filename or self.document_type_id.name,
            self.document_type_id.code,
            attributes,
            self.filename or "document" + ACCEPTED_MIMETYPES.get(self.mimetype, ""),
            content,
            self.mimetype,
        )
        return self.provider_ref

    def _ask_again(self, reason):
        """The reviewer asks for this document again: say it on the document and
        give the compliance officer an activity."""
        self.ensure_one()
        application = self.application_id
        message = reason or self.env._("The reviewer asks for this document again.")
        self.sudo().problem = message
        application.message_post(
            body=self.env._(
                "The reviewer asks again for %(document)s: %(reason)s",
                document=self.requirement_id.label,
                reason=message,
            )
        )
        if application.user_id:
            application.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Send %s again", self.requirement_id.label),
                note=message,
                user_id=application.user_id.id,
            )

    def _show_findings(self, findings):
        labels = {}
        for document in self:
            problems = []
            for finding in findings:
                if finding["requirement"] != document.requirement_id.name:
                    continue
                if finding["code"] == "22217":
                    label = labels.setdefault(
                        finding["field"],
                        document.value_ids.filtered(lambda v, f=finding: v.name == f["field"])[
                            :1
                        ].label
                        or finding["field"].replace("_", " ").capitalize(),
                    )
                    if finding["check"] == "mismatch":
                        problems.append(self.env._("%s differs from the information given.", label))
                    else:
                        problems.append(self.env._("%s is not read from the document.", label))
                elif finding["reason"]:
                    problems.append(finding["reason"])
            document.sudo().problem = " ".join(problems) or False
