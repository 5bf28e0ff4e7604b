import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools.rendering_tools import parse_inline_template, render_inline_template

from odoo.addons.clienteling.tools import placeholders
from odoo.addons.clienteling_sms.tools.provider import ProviderError

from ..tools import regulations as regulation_tools

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("update_needed", "Update Needed"),
    ("expired", "Expired"),
]
# States in which the information and documents can still change.
EDITABLE_STATES = ("draft", "rejected", "update_needed")
# States whose status the provider is asked for.
PENDING_STATES = ("submitted", "in_review")
EXPIRY_WARNING_DAYS = 30
# Set by the provider's answers (through this addon's code), never by a person:
# an approval cannot be typed in.
PROVIDER_FIELDS = {
    "state",
    "valid_until",
    "submitted_date",
    "approved_date",
    "rejection_reason",
    "update_reason",
    "last_error",
    "bundle_ref",
    "end_user_ref",
    "address_ref",
    "registration_ref",
    "update_bundle_ref",
    "evaluation",
    "evaluation_date",
    "check_passed",
    "submitted_fingerprint",
    "submitted_requirements",
    "phone_number_id",
    "replaced_refs",
}


class ClientelingComplianceApplication(models.Model):
    """A company's application for the numbers of a country and type: the
    information and documents a regulation asks for, checked and submitted to
    the provider, whose decision opens the gate on buying numbers."""

    _name = "clienteling.compliance.application"
    _description = "Compliance Application"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "country_id, number_type, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one(
        "clienteling.sms.account",
        string="SMS Account",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env["clienteling.sms.account"]._for_company(),
    )
    provider = fields.Selection(related="account_id.provider")
    regulation_id = fields.Many2one(
        "clienteling.compliance.regulation",
        required=True,
        tracking=True,
        domain="[('provider', '=', provider), ('kind', '!=', 'none')]",
    )
    country_id = fields.Many2one(related="regulation_id.country_id", store=True, index=True)
    number_type = fields.Selection(related="regulation_id.number_type", store=True)
    end_user_type = fields.Selection(related="regulation_id.end_user_type", store=True)
    kind = fields.Selection(related="regulation_id.kind", store=True)
    per_number = fields.Boolean(related="regulation_id.per_number", store=True)
    address_rule = fields.Selection(related="regulation_id.address_rule")
    store_id = fields.Many2one(
        "clienteling.store",
        check_company=True,
        tracking=True,
        help="Per-number countries: the store whose number this application is for.",
    )
    phone_number_id = fields.Many2one(
        "clienteling.phone.number",
        readonly=True,
        copy=False,
        help="Per-number countries: the number bought under this application.",
    )
    state = fields.Selection(
        STATES, required=True, default="draft", tracking=True, copy=False, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Compliance Officer",
        default=lambda self: self.env.user,
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("clienteling_compliance.group_compliance_officer").id)
        ],
    )
    email = fields.Char(
        help="The provider writes here about this application.",
        default=lambda self: self.env.user.email or self.env.company.email,
    )
    valid_until = fields.Date(tracking=True, copy=False, readonly=True)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False)
    update_reason = fields.Text(readonly=True, copy=False, help="What changed at the provider.")
    last_error = fields.Text(readonly=True, copy=False)
    # the provider's ids, each stored as soon as it exists (a failed submit resumes)
    bundle_ref = fields.Char(string="Bundle ID", readonly=True, copy=False)
    end_user_ref = fields.Char(string="End-user ID", readonly=True, copy=False)
    address_ref = fields.Char(string="Address ID", readonly=True, copy=False)
    registration_ref = fields.Char(string="Registration ID", readonly=True, copy=False)
    update_bundle_ref = fields.Char(
        string="Update Bundle ID", readonly=True, copy=False, help="The copy being approved."
    )
    evaluation = fields.Json(readonly=True, copy=False, help="The last check's failures.")
    replaced_refs = fields.Json(
        readonly=True, copy=False, help="Documents sent before and replaced since."
    )
    evaluation_date = fields.Datetime(string="Last Check", readonly=True, copy=False)
    check_passed = fields.Boolean(readonly=True, copy=False)
    submitted_fingerprint = fields.Char(readonly=True, copy=False)
    submitted_requirements = fields.Json(readonly=True, copy=False)
    line_ids = fields.One2many(
        "clienteling.compliance.application.line", "application_id", string="Information"
    )
    document_ids = fields.One2many(
        "clienteling.compliance.document", "application_id", string="Documents"
    )
    requirement_ids = fields.One2many(
        related="regulation_id.document_ids", string="Documents Asked"
    )
    address_ids = fields.One2many(
        "clienteling.compliance.address", "application_id", string="Addresses"
    )
    document_problem = fields.Char(
        compute="_compute_document_problem", help="What is said about the documents."
    )
    progress = fields.Float(compute="_compute_progress")
    missing_count = fields.Integer(compute="_compute_progress")
    editable = fields.Boolean(compute="_compute_editable")

    @api.depends("regulation_id", "store_id")
    def _compute_name(self):
        for application in self:
            regulation = application.regulation_id
            if not regulation:
                application.name = self.env._("New Application")
                continue
            number_type = dict(self._fields["number_type"]._description_selection(self.env)).get(
                regulation.number_type
            )
            parts = [regulation.country_id.name, number_type]
            if regulation.kind in ("a2p_10dlc", "toll_free"):
                parts.append(
                    dict(regulation._fields["kind"]._description_selection(self.env))[
                        regulation.kind
                    ]
                )
            if application.store_id:
                parts.append(application.store_id.name)
            application.name = " · ".join(p for p in parts if p)

    @api.depends("line_ids.value", "line_ids.required", "document_ids.file_size", "regulation_id")
    def _compute_progress(self):
        for application in self:
            required_lines = application.line_ids.filtered("required")
            requirements = application.regulation_id.document_ids
            done = len(required_lines.filtered(lambda line: (line.value or "").strip()))
            covered = application.document_ids.filtered("file_size").requirement_id
            done += len(requirements & covered)
            total = len(required_lines) + len(requirements)
            application.progress = 100.0 * done / total if total else 100.0
            application.missing_count = total - done

    @api.depends("document_ids.problem")
    def _compute_document_problem(self):
        for application in self:
            application.document_problem = " ".join(
                f"{document.requirement_id.label}: {document.problem}"
                for document in application.document_ids
                if document.problem
            )

    @api.depends("state")
    def _compute_editable(self):
        for application in self:
            application.editable = application.state in EDITABLE_STATES

    def _check_provider_fields(self, vals):
        if not self.env.su and PROVIDER_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "%s is set by the provider's answers, not by hand.",
                    ", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(PROVIDER_FIELDS & set(vals))
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_provider_fields(vals)
        applications = super().create(vals_list)
        applications._sync_lines()
        return applications

    def write(self, vals):
        self._check_provider_fields(vals)
        if "regulation_id" in vals and self.filtered(lambda a: a.state != "draft"):
            raise UserError(
                self.env._("The regulation of a submitted application does not change.")
            )
        res = super().write(vals)
        if "regulation_id" in vals:
            self._sync_lines()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_at_provider(self):
        for application in self:
            if application.state in ("submitted", "in_review", "approved", "update_needed"):
                raise UserError(
                    self.env._(
                        "%(name)s is %(state)s: it is kept as the record of what was sent.",
                        name=application.name,
                        state=application._state_label().lower(),
                    )
                )

    @api.constrains("regulation_id", "company_id", "store_id", "state")
    def _check_one_per_country(self):
        for application in self:
            regulation = application.regulation_id
            if regulation.kind == "none":
                raise ValidationError(
                    self.env._(
                        "%s needs no approval: numbers can be bought without an application.",
                        regulation.name,
                    )
                )
            domain = [
                ("id", "!=", application.id),
                ("company_id", "=", application.company_id.id),
                ("regulation_id", "=", regulation.id),
                ("state", "!=", "expired"),
            ]
            if regulation.per_number:
                if not application.store_id:
                    raise ValidationError(
                        self.env._(
                            "%s needs an application per number: choose the store it is for.",
                            regulation.country_id.name,
                        )
                    )
                domain += [
                    ("store_id", "=", application.store_id.id),
                    ("phone_number_id", "=", False),
                ]
            if self.search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "%(company)s already has an application for %(regulation)s.",
                        company=application.company_id.name,
                        regulation=application.name,
                    )
                )

    # Information.

    def _known_values(self):
        """What the product already knows, by field name, to fill new lines."""
        self.ensure_one()
        company = self.company_id
        partner = company.partner_id
        account = self.account_id.sudo()
        opt_in = self.env["clienteling.quick.reply"].sudo()._get_opt_in_message(company)
        store = self.store_id or self.env["clienteling.store"].sudo().search(
            [("company_id", "=", company.id), ("country_id", "=", self.country_id.id)], limit=1
        )
        name = company.name or ""
        values = {
            "business_name": name,
            "business_legal_name": name,
            "legal_name": name,
            "customer_name": name,
            "business_registration_number": company.company_registry or company.vat or "",
            "ein": company.vat or "",
            "business_website": company.website or "",
            "website": company.website or "",
            "website_url": company.website or "",
            "email": self.email or company.email or "",
            "business_email": company.email or "",
            "contact_email": self.email or company.email or "",
            "contact_phone": company.phone or "",
            "phone_number": company.phone or "",
            "street": partner.street or "",
            "street_secondary": partner.street2 or "",
            "city": partner.city or "",
            "region": partner.state_id.code or "",
            "postal_code": partner.zip or "",
            "country": partner.country_id.code or "",
            "opt_in_message": self._example_text(opt_in.body if opt_in else "", store),
            "opt_in_keywords": account.opt_in_keywords or "",
            "opt_out_keywords": account.opt_out_keywords or "",
            "help_keywords": account.help_keywords or "",
            "opt_out_message": self._example_text(account.opt_out_reply, store),
            "help_message": self._example_text(account.help_reply, store),
            "opt_in_proof_url": store.entry_url or "" if store else "",
            "message_flow": self.env._(
                "Customers give their mobile number to a %(company)s store associate in person or "
                "on the store's customer entry form (%(url)s), where they tick an unticked consent "
                "box. The first text asks them to reply YES to receive personal texts from their "
                "store; STOP ends them at any time, HELP gives the store's phone number.",
                company=name,
                url=(store.entry_url if store else "") or company.website or "",
            ),
            "message_sample_1": self._example_text(opt_in.body if opt_in else "", store),
            "business_regions_of_operation": "USA_AND_CANADA",
            "has_embedded_links": "false",
            "has_embedded_phone": "false",
            "business_identity": "DIRECT_CUSTOMER",
            "is_subassigned": "NO",
        }
        user = self.user_id or self.env.user
        first, _sep, last = (user.name or "").partition(" ")
        values.update(
            first_name=first, last_name=last, contact_first_name=first, contact_last_name=last
        )
        return values

    def _example_text(self, text, store=None):
        """A text of the product (opt-in message, automatic replies) as a customer
        reads it: placeholders filled for ``store`` and a sample customer and
        associate (reviewers of a registration judge the words, not templates)."""
        text = placeholders.modernize(text or "")
        if "{{" not in text:
            return text
        parsed = parse_inline_template(text)
        if placeholders.unknown_placeholders(part[1] for part in parsed):
            return text
        sample = placeholders.SAMPLE_VALUES
        values = placeholders.render_values(
            customer=sample["customer"],
            associate=sample["associate"],
            store={"name": store.name, "landline": store.landline_display or store.landline}
            if store
            else sample["store"],
            company={"name": self.company_id.name},
        )
        return render_inline_template(
            [(literal, expression, default.strip()) for literal, expression, default in parsed],
            values,
        )

    def _sync_lines(self):
        """One line per field of the regulation (new lines filled with what the
        product knows; lines of fields it no longer asks for removed)."""
        Line = self.env["clienteling.compliance.application.line"]
        for application in self:
            fields_ = application.regulation_id.field_ids
            lines = {line.name: line for line in application.line_ids}
            known = None
            for info in fields_:
                vals = {
                    "sequence": info.sequence,
                    "label": info.label,
                    "description": info.description,
                    "required": info.required,
                    "choices": info.choices,
                }
                if info.name in lines:
                    lines.pop(info.name).write(vals)
                    continue
                if known is None:
                    known = application._known_values()
                value = known.get(info.name) or ""
                if info.choices and value not in info._choice_list():
                    value = ""
                Line.create(dict(vals, application_id=application.id, name=info.name, value=value))
            Line.union(*lines.values()).unlink()

    def _values(self):
        self.ensure_one()
        return {line.name: (line.value or "").strip() for line in self.line_ids}

    def _documents_for_check(self):
        self.ensure_one()
        return [
            {
                "requirement": document.requirement_id.name,
                "type": document.document_type_id.code,
                "fields": document._read_values(),
                "has_file": bool(document.file_size),
            }
            for document in self.document_ids
        ]

    # Check and submit.

    def _check_officer(self):
        if not self.env.user.has_group("clienteling_compliance.group_compliance_officer"):
            raise UserError(self.env._("Only compliance officers manage applications."))
        self.check_access("write")

    def _compliance_provider(self):
        self.ensure_one()
        return self.account_id._get_compliance_provider()

    def _provider_reason(self, error):
        return self.account_id._provider_error_reason(error)

    def _local_evaluation(self):
        self.ensure_one()
        return regulation_tools.evaluate(
            self.regulation_id._to_tools(), self._values(), self._documents_for_check()
        )

    def _record_evaluation(self, evaluation):
        """Keep the failures of ``evaluation`` and show each next to its field or document."""
        self.ensure_one()
        findings = [
            {
                "requirement": f.requirement,
                "code": f.code,
                "field": f.object_field,
                "check": f.check,
                "reason": f.reason,
            }
            for f in evaluation.findings
        ]
        self.sudo().write(
            {
                "evaluation": findings,
                "evaluation_date": fields.Datetime.now(),
                "check_passed": evaluation.compliant,
            }
        )
        self.line_ids._show_findings(findings)
        self.document_ids._show_findings(findings)

    def _evaluate(self):
        """The regulation's checks here, then (for a bundle) the provider's own
        evaluation of what it received. Returns the evaluation."""
        self.ensure_one()
        evaluation = self._local_evaluation()
        if evaluation.compliant and self.kind == "bundle":
            self._push_to_provider()
            bundle = self.update_bundle_ref or self.bundle_ref
            evaluation = self._compliance_provider().evaluate(bundle)
        self._record_evaluation(evaluation)
        return evaluation

    def action_check(self):
        self._check_officer()
        self.ensure_one()
        if self.state not in EDITABLE_STATES:
            raise UserError(
                self.env._("Only a draft, rejected or outdated application is checked.")
            )
        try:
            evaluation = self._evaluate()
        except ProviderError as error:
            return self._provider_failure(error)
        if evaluation.compliant:
            return self._notify(
                self.env._("Everything the regulation asks for is there."), "success"
            )
        return self._notify(
            self.env._(
                "%s requirements are not met: see the marks next to the information and documents.",
                len(evaluation.findings),
            )
            + self._missing_documents_text(evaluation),
            "warning",
        )

    def _missing_documents_text(self, evaluation):
        """The requirements with no document at all: no row carries their mark."""
        names = {
            f.requirement
            for f in evaluation.findings
            if f.code == regulation_tools.MISSING_DOCUMENT
        }
        labels = self.regulation_id.document_ids.filtered(lambda r: r.name in names).mapped("label")
        if not labels:
            return ""
        return " " + self.env._("No document yet for: %s.", ", ".join(labels))

    def _lock(self):
        """Lock this application's row for the submission, or say it is busy."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM clienteling_compliance_application WHERE id = %s FOR UPDATE NOWAIT",
                    [self.id],
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "%s is being submitted by someone else: try again in a moment.", self.name
                )
            ) from error
        self.invalidate_recordset(["state"])

    def action_submit(self):
        self._check_officer()
        self.ensure_one()
        self._lock()
        if self.state not in EDITABLE_STATES:
            raise UserError(
                self.env._(
                    "%(name)s is already %(state)s.", name=self.name, state=self._state_label()
                )
            )
        try:
            evaluation = self._evaluate()
            if not evaluation.compliant:
                # not raised: the ids created at the provider so far are kept
                return self._notify(
                    self.env._(
                        "%(name)s cannot be submitted yet: %(count)s requirements are not met "
                        "(see the marks next to the information and documents).",
                        name=self.name,
                        count=len(evaluation.findings),
                    )
                    + self._missing_documents_text(evaluation),
                    "danger",
                )
            provider = self._compliance_provider()
            if self.kind == "bundle":
                submission = provider.submit(self.update_bundle_ref or self.bundle_ref)
            else:
                submission = provider.submit_registration(
                    self.kind,
                    self._registration_values(),
                    status_callback=self._status_callback_url(),
                )
                self.sudo().registration_ref = submission.ref
        except ProviderError as error:
            return self._provider_failure(error)
        except ValueError as error:  # what the provider needs is missing: nothing was sent
            raise UserError(
                self.env._("%(name)s cannot be submitted: %(reason)s", name=self.name, reason=error)
            ) from error
        snapshot = self.regulation_id.requirements
        self.sudo().write(
            {
                "submitted_date": fields.Datetime.now(),
                "submitted_fingerprint": self.regulation_id.fingerprint,
                "submitted_requirements": snapshot,
                "rejection_reason": False,
                "last_error": False,
            }
        )
        self.document_ids.sudo().write({"submitted": True})
        self._apply_submission(submission, default_state="submitted")
        return self._notify(
            self.env._("%s was submitted: a review usually takes about a week.", self.name),
            "success",
        )

    def _registration_values(self):
        """The information of a US registration, with the toll-free number it
        verifies (Twilio verifies a toll-free number already bought)."""
        self.ensure_one()
        values = self._values()
        if self.kind == "toll_free" and not values.get("tollfree_phone_number_sid"):
            number = self.phone_number_id or self.env["clienteling.phone.number"].sudo().search(
                [
                    ("account_id", "=", self.account_id.id),
                    ("number_type", "=", "toll-free"),
                    ("state", "!=", "released"),
                    ("provider_sid", "!=", False),
                ],
                limit=1,
            )
            if number.provider_sid:
                values["tollfree_phone_number_sid"] = number.provider_sid
        return values

    def _provider_failure(self, error):
        """A provider refusal during a check or submission: what was created so
        far stays recorded (a retry resumes there), the reason is shown."""
        reason = self._provider_reason(error)
        self.sudo().last_error = reason
        self.message_post(body=self.env._("The provider refused: %s", reason))
        return self._notify(self.env._("The provider refused: %s", reason), "danger")

    def _push_to_provider(self):
        """Create at the provider what the bundle does not have yet (end user,
        addresses, documents with their files, the bundle, its assignments),
        keeping each id as soon as it exists: a retry after a failure creates
        nothing twice. The end user's information is updated each time."""
        self.ensure_one()
        if self.state == "update_needed" and self.bundle_ref and not self.update_bundle_ref:
            # an approved bundle is not changed in place: its numbers hang on it
            raise UserError(
                self.env._(
                    "%s was approved: start its update (a copy of the bundle) before the new "
                    "information is checked or submitted.",
                    self.name,
                )
            )
        provider = self._compliance_provider()
        regulation = self.regulation_id
        address = self.browse()
        if regulation.address_rule != "none":
            # refused before anything is created at the provider
            address = self._address_for(
                self.store_id if regulation.address_rule == "locality" else None
            )
            address._check_complete()
        attributes = {line.name: (line.value or "").strip() for line in self.line_ids if line.value}
        legal_name = attributes.get("business_name") or self.company_id.name
        if self.end_user_ref:
            provider.update_end_user(self.end_user_ref, legal_name, attributes)
        else:
            self.sudo().end_user_ref = provider.create_end_user(
                legal_name, self.end_user_type, attributes
            )
        address_refs = []
        if address:
            address_refs.append(address._ensure_at_provider(provider))
            self.sudo().address_ref = address.provider_ref
        for document in self.document_ids.filtered("file_size"):
            document._ensure_at_provider(provider, address_refs)
        bundle = self.update_bundle_ref or self.bundle_ref
        if not bundle:
            self.sudo().bundle_ref = provider.create_bundle(
                self.name,
                self.email or self.company_id.email,
                regulation.provider_ref,
                status_callback=self._status_callback_url(),
            )
            bundle = self.bundle_ref
        assigned = set(provider.assigned_items(bundle))
        for ref in self.replaced_refs or []:
            if ref in assigned:
                provider.unassign_item(bundle, ref)
                assigned.discard(ref)
        self.sudo().replaced_refs = False
        wanted = [
            self.end_user_ref,
            *self.document_ids.filtered("provider_ref").mapped("provider_ref"),
        ]
        for ref in wanted:
            if ref not in assigned:
                provider.assign_item(bundle, ref)

    def _address_for(self, store=None):
        """The address record sent with the numbers, created on first use: the
        store's where the number's locality matters, else the company's when it
        is in the country, else one of the company's stores there."""
        self.ensure_one()
        partner = store.partner_id if store else None
        if not partner:
            company_partner = self.company_id.partner_id
            partner = company_partner
            if company_partner.country_id != self.country_id:
                local_store = (
                    self.env["clienteling.store"]
                    .sudo()
                    .search(
                        [
                            ("company_id", "=", self.company_id.id),
                            ("country_id", "=", self.country_id.id),
                            ("partner_id", "!=", False),
                        ],
                        limit=1,
                    )
                )
                partner = local_store.partner_id or company_partner
        address = self.sudo().address_ids.filtered(lambda a: a.partner_id == partner)[:1]
        return address or self.env["clienteling.compliance.address"].sudo().create(
            {
                "application_id": self.id,
                "partner_id": partner.id,
                "store_id": store.id if store else False,
            }
        )

    def _set_information(self, values):
        """Fill the information lines, and the fields read from the documents,
        from ``values`` {field machine name: value} (imports, scripts, demo
        data); names the regulation does not ask are ignored."""
        for application in self:
            for line in application.line_ids:
                if line.name in values:
                    line.value = values[line.name]
            for value in application.document_ids.value_ids:
                if value.name in values:
                    value.value = values[value.name]

    def _status_callback_url(self):
        self.ensure_one()
        return "{}/clienteling/compliance/{}/status/{}".format(
            self.account_id.webhook_base_url.rstrip("/"),
            self.account_id.provider,
            self.id,
        )

    # Status.

    def action_refresh_status(self):
        self._check_officer()
        for application in self:
            try:
                application._refresh_status()
            except ProviderError as error:
                return application._provider_failure(error)
        return True

    def _refresh_status(self):
        self.ensure_one()
        provider = self._compliance_provider()
        if self.kind == "bundle":
            ref = self.update_bundle_ref or self.bundle_ref
            if not ref:
                return
            submission = provider.fetch_bundle(ref)
        else:
            if not self.registration_ref:
                return
            submission = provider.fetch_registration(self.kind, self.registration_ref)
        self._apply_submission(submission)

    def _apply_submission(self, submission, default_state=None):
        """Follow the provider's status; tell the officer when it changes."""
        self.ensure_one()
        state = submission.state or default_state
        vals = {}
        if self.update_bundle_ref:
            # the copy under review: the original keeps its numbers meanwhile
            if state == "approved":
                self._compliance_provider().replace_items(self.bundle_ref, self.update_bundle_ref)
                vals.update(
                    state="approved",
                    update_bundle_ref=False,
                    update_reason=False,
                    valid_until=False,
                    submitted_fingerprint=self.regulation_id.fingerprint,
                    submitted_requirements=self.regulation_id.requirements,
                    approved_date=fields.Datetime.now(),
                )
            elif state == "rejected":
                vals["rejection_reason"] = submission.reason or self.env._("No reason given.")
        else:
            if state == "approved" and submission.valid_until:
                valid_until = fields.Date.to_date(submission.valid_until[:10])
                vals["valid_until"] = valid_until
                if self.state != "update_needed":
                    state = "update_needed"
                    vals["update_reason"] = self.env._(
                        "The provider will withdraw its approval on %s unless the information "
                        "is updated.",
                        fields.Date.to_string(valid_until),
                    )
                else:
                    state = "update_needed"
            if state == "rejected":
                vals["rejection_reason"] = submission.reason or self.env._("No reason given.")
            if state and state != self.state:
                vals["state"] = state
                if state == "approved":
                    vals["approved_date"] = fields.Datetime.now()
        if vals:
            self.sudo().write(vals)
        if vals.get("rejection_reason"):
            # a rejected application's documents are replaceable again
            self.document_ids.sudo().write({"submitted": False})
        if vals.get("state") or vals.get("rejection_reason"):
            self._on_state_changed()

    def _on_state_changed(self):
        """An activity for the compliance officer on each decision."""
        self.ensure_one()
        summaries = {
            "approved": self.env._("Approved: numbers of %s can be bought", self.country_id.name),
            "rejected": self.env._("Rejected: fix and resubmit"),
            "update_needed": self.env._("Update needed: the regulation changed"),
            "expired": self.env._(
                "Expired: numbers of %s can no longer be bought", self.country_id.name
            ),
            "in_review": self.env._("In review at the provider"),
        }
        summary = summaries.get(self.state)
        if summary and self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=self.rejection_reason or self.update_reason or "",
                user_id=self.user_id.id,
            )

    @api.model
    def _on_regulations_changed(self, regulations):
        """Applications approved or waiting under older requirements must be updated."""
        applications = self.search(
            [
                ("regulation_id", "in", regulations.ids),
                ("state", "in", ("approved", "submitted", "in_review")),
            ]
        )
        for application in applications:
            old = application.submitted_requirements
            changes = regulation_tools.changes(old, application.regulation_id._to_tools())
            if not changes:
                continue
            application.sudo().write(
                {"state": "update_needed", "update_reason": application._describe_changes(changes)}
            )
            application._sync_lines()
            application._on_state_changed()

    def _describe_changes(self, changes):
        regulation = self.regulation_id
        labels = {f.name: f.label for f in regulation.field_ids}
        labels.update({d.name: d.label for d in regulation.document_ids})
        texts = {
            "field_added": self.env._("New information asked: %s"),
            "field_removed": self.env._("Information no longer asked: %s"),
            "field_now_required": self.env._("Now required: %s"),
            "document_added": self.env._("New document asked: %s"),
            "document_removed": self.env._("Document no longer asked: %s"),
            "document_types_changed": self.env._("Other documents accepted for: %s"),
            "address_changed": self.env._("The address rule changed: %s"),
        }
        return "\n".join(texts[kind] % labels.get(name, name) for kind, name in changes)

    def action_start_update(self):
        """Update an approved bundle through the provider's copy-and-replace:
        the numbers stay attached to the original while the copy is reviewed."""
        self._check_officer()
        self.ensure_one()
        if self.state != "update_needed" or self.kind != "bundle" or not self.bundle_ref:
            raise UserError(self.env._("Only an approved bundle that needs an update is copied."))
        if not self.update_bundle_ref:
            try:
                self.sudo().update_bundle_ref = self._compliance_provider().copy_bundle(
                    self.bundle_ref, self.name
                )
            except ProviderError as error:
                return self._provider_failure(error)
            self.document_ids.sudo().write({"submitted": False})
        return self._notify(
            self.env._("A copy is ready: update the information and documents, then Submit."),
            "info",
        )

    @api.model
    def _cron_poll_status(self):
        """Fallback for missed status callbacks: ask the provider."""
        self.env.cr.execute(
            """
            SELECT id FROM clienteling_compliance_application
             WHERE state IN %s OR update_bundle_ref IS NOT NULL
               FOR UPDATE SKIP LOCKED
            """,
            [PENDING_STATES],
        )
        for application in self.browse([row[0] for row in self.env.cr.fetchall()]):
            try:
                with self.env.cr.savepoint():
                    application._refresh_status()
            except (ProviderError, UserError) as error:
                _logger.warning("Compliance status of application %s: %s", application.id, error)

    @api.model
    def _cron_expiry(self):
        """Approvals past their valid-until date expire; the officer is told a month before."""
        today = fields.Date.context_today(self)
        expired = self.search(
            [("state", "in", ("approved", "update_needed")), ("valid_until", "<", today)]
        )
        for application in expired:
            application.sudo().state = "expired"
            application._on_state_changed()
        soon = self.search(
            [
                ("state", "in", ("approved", "update_needed")),
                ("valid_until", ">=", today),
                ("valid_until", "<=", today + timedelta(days=EXPIRY_WARNING_DAYS)),
            ]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        for application in soon:
            if application.user_id and not application.activity_ids.filtered(
                lambda a, app=application: (
                    a.activity_type_id == todo and a.date_deadline == app.valid_until
                )
            ):
                application.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=application.valid_until,
                    summary=self.env._("Approval ends on %s: update it", application.valid_until),
                    user_id=application.user_id.id,
                )

    # The gate.

    @api.model
    def _approved_for(self, company, country, number_type, store=None, account=None):
        """The approved application that lets ``company`` buy a number of
        ``country`` and ``number_type`` (for ``store``), or an empty recordset."""
        domain = [
            ("company_id", "=", company.id),
            ("country_id", "=", country.id),
            ("number_type", "=", number_type),
            ("state", "=", "approved"),
        ]
        if account:
            domain.append(("account_id", "=", account.id))
        applications = self.sudo().search(domain)
        shared = applications.filtered(lambda a: not a.per_number)
        if shared:
            return shared[:1]
        return applications.filtered(
            lambda a: not a.phone_number_id and (not store or not a.store_id or a.store_id == store)
        )[:1]

    # Helpers.

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _notify(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "sticky": kind in ("warning", "danger"),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _receive_status_callback(self, params):
        """A status callback, signature already verified: follow the provider's
        status (asked again from the provider; a sandbox says it in the call)."""
        self.ensure_one()
        provider = self._compliance_provider()
        submission = provider.submission_from_callback(params)
        if submission is None:
            self._refresh_status()
            return
        current = self.update_bundle_ref or self.bundle_ref or self.registration_ref
        if not current or submission.ref != current:
            # about another bundle (the original during an update, another
            # application's): not this application's status
            _logger.warning(
                "Status callback about %s ignored: application %s follows %s",
                submission.ref,
                self.id,
                current,
            )
            return
        self._apply_submission(submission)

    @api.model
    def _regulations_for(self, company, country, number_type):
        """The regulations the company's provider has for a number of ``country``
        and ``number_type``."""
        account = self.env["clienteling.sms.account"]._for_company(company)
        provider = account.provider or "sandbox"
        return (
            self.env["clienteling.compliance.regulation"]
            .sudo()
            ._find(provider, country, number_type)
        )

    @api.model
    def _gate_refusal(self, company, country, number_type, regulations, store=None):
        """The RedirectWarning refusing a number: what is missing, and a button
        to the application (a new one when there is none)."""
        type_label = dict(self._fields["number_type"]._description_selection(self.env))[
            number_type
        ].lower()
        applications = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("country_id", "=", country.id),
                ("number_type", "=", number_type),
                ("state", "!=", "approved"),
            ],
            order="id desc",
        )
        if store and regulations.filtered("per_number"):
            applications = applications.filtered(lambda a: a.store_id == store) or applications
        application = applications[:1]
        if not regulations:
            message = self.env._(
                "No regulation is known for %(type)s numbers of %(country)s: refresh the "
                "regulations from the provider (Clienteling > Compliance > Regulations).",
                type=type_label,
                country=country.name,
            )
        elif not application:
            per_number = regulations.filtered("per_number")
            message = self.env._(
                "%(country)s: %(type)s numbers need an approved regulatory application%(per)s, "
                "and %(company)s has none.",
                country=country.name,
                type=type_label,
                per=self.env._(" for each number") if per_number else "",
                company=company.name,
            )
        else:
            state = application._state_label()
            detail = {
                "draft": self.env._("items still missing: %s", application.missing_count)
                if application.missing_count
                else self.env._("it is ready to be checked and submitted"),
                "rejected": application.rejection_reason or "",
                "update_needed": application.update_reason or "",
            }.get(application.state, "")
            detail = " (" + detail.rstrip(".") + ")" if detail else ""
            message = self.env._(
                "%(country)s: %(type)s numbers need an approved regulatory application; "
                "%(company)s's application: %(state)s%(detail)s.",
                country=country.name,
                type=type_label,
                company=company.name,
                state=state,
                detail=detail,
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "clienteling_compliance.clienteling_compliance_application_action"
        )
        if application:
            action.update(res_id=application.id, view_mode="form", views=[(False, "form")])
        else:
            regulation = (
                regulations.filtered(lambda r: r.end_user_type == "business")[:1] or regulations[:1]
            )
            action.update(
                view_mode="form",
                views=[(False, "form")],
                context={
                    "default_regulation_id": regulation.id,
                    "default_company_id": company.id,
                    "default_store_id": store.id if store and regulation.per_number else False,
                },
            )
        if application:
            label = self.env._("Open the Application")
        else:
            label = self.env._("Create the Application")
        return RedirectWarning(message, action, label)
