import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import catalog
from ..tools import regulations as regulation_tools
from ..tools.regulations import ADDRESS_RULES, END_USER_TYPES, KINDS, NUMBER_TYPES
from .clienteling_compliance_regulation_field import CHOICE_SEPARATOR

_logger = logging.getLogger(__name__)

NUMBER_TYPE_SELECTION = [
    ("local", "Local"),
    ("mobile", "Mobile"),
    ("national", "National"),
    ("toll-free", "Toll-free"),
]
assert [key for key, _label in NUMBER_TYPE_SELECTION] == list(NUMBER_TYPES)


class ClientelingComplianceRegulation(models.Model):
    """What a country asks before a number of a type is bought, as the provider
    says it: read from the provider at runtime (regulations change), with an
    offline catalog shipped for a new install (served by the sandbox)."""

    _name = "clienteling.compliance.regulation"
    _description = "Compliance Regulation"
    _order = "country_id, number_type, end_user_type"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    provider = fields.Selection(
        selection="_selection_provider",
        required=True,
        index=True,
        help="The SMS provider whose regulation this is.",
    )
    provider_ref = fields.Char(string="Provider ID", help="The provider's id of the regulation.")
    country_id = fields.Many2one("res.country", required=True, index=True)
    country_code = fields.Char(related="country_id.code")
    number_type = fields.Selection(NUMBER_TYPE_SELECTION, required=True)
    end_user_type = fields.Selection(
        [("business", "Business"), ("individual", "Individual")], required=True
    )
    kind = fields.Selection(
        [
            ("bundle", "Regulatory Bundle"),
            ("a2p_10dlc", "US A2P 10DLC Registration"),
            ("toll_free", "Toll-free Verification"),
            ("none", "No Approval Needed"),
        ],
        required=True,
        default="bundle",
    )
    field_ids = fields.One2many(
        "clienteling.compliance.regulation.field", "regulation_id", string="Information"
    )
    document_ids = fields.One2many(
        "clienteling.compliance.regulation.document", "regulation_id", string="Documents"
    )
    address_rule = fields.Selection(
        [
            ("none", "No Address"),
            ("country", "An Address in the Country"),
            ("locality", "An Address in the Number's Locality"),
        ],
        required=True,
        default="country",
        help="In the number's locality: each store's own address goes with its number.",
    )
    self_service = fields.Boolean(
        help="Numbers of this country can be bought here once approved; elsewhere the "
        "provider's support buys them for you."
    )
    per_number = fields.Boolean(
        string="Per-number Application",
        help="Every number needs its own approved application.",
    )
    requirements = fields.Json(readonly=True, help="The requirements, as last read.")
    fingerprint = fields.Char(readonly=True, index=True)
    fetched_at = fields.Datetime(readonly=True)
    source = fields.Char(help="Where these requirements come from.")

    _sql_constraints = [
        (
            "regulation_uniq",
            "unique(provider, country_id, number_type, end_user_type, kind)",
            "A provider has one regulation per country, number type, end-user type and kind.",
        )
    ]

    @api.model
    def _selection_provider(self):
        return (
            self.env["clienteling.sms.account"]._fields["provider"]._description_selection(self.env)
        )

    @api.model
    def _store_regulations(self, provider_key, regulations, complete=True):
        """Create or update the regulations of ``provider_key`` from a provider's
        answer (``tools.regulations.Regulation``). With ``complete``, those the
        answer no longer has are archived. Returns the regulations whose
        requirements changed (their applications are told)."""
        countries = {
            country.code: country
            for country in self.env["res.country"].search(
                [("code", "in", list({r.country for r in regulations}))]
            )
        }
        existing = {
            (r.country_id.code, r.number_type, r.end_user_type, r.kind): r
            for r in self.with_context(active_test=False).search([("provider", "=", provider_key)])
        }
        seen, changed = self.browse(), self.browse()
        now = fields.Datetime.now()
        for regulation in regulations:
            country = countries.get(regulation.country)
            if (
                not country
                or regulation.number_type not in NUMBER_TYPES
                or regulation.end_user_type not in END_USER_TYPES
                or regulation.kind not in KINDS
                or regulation.address not in ADDRESS_RULES
            ):
                _logger.warning("Regulation %s skipped: unknown country or type", regulation.ref)
                continue
            key = (
                regulation.country,
                regulation.number_type,
                regulation.end_user_type,
                regulation.kind,
            )
            record = existing.get(key)
            fingerprint = regulation_tools.fingerprint(regulation)
            vals = {
                "name": regulation.name,
                "active": True,
                "provider_ref": regulation.ref,
                "address_rule": regulation.address,
                "self_service": regulation.self_service,
                "per_number": regulation.per_number,
                "source": regulation.source,
                "fetched_at": now,
            }
            if not record:
                record = self.create(
                    dict(
                        vals,
                        provider=provider_key,
                        country_id=country.id,
                        number_type=regulation.number_type,
                        end_user_type=regulation.end_user_type,
                        kind=regulation.kind,
                    )
                )
            elif record.fingerprint and record.fingerprint != fingerprint:
                changed |= record
            if record.fingerprint != fingerprint:
                record._write_requirements(regulation)
                vals.update(
                    fingerprint=fingerprint,
                    requirements=regulation_tools.requirements_snapshot(regulation),
                )
            record.write(vals)
            seen |= record
        if complete:
            (self.browse([r.id for r in existing.values()]) - seen).filtered("active").write(
                {"active": False}
            )
        if changed:
            self.env["clienteling.compliance.application"]._on_regulations_changed(changed)
        return changed

    def _write_requirements(self, regulation):
        """Replace the fields and documents by those of ``regulation`` (records
        of the same name are kept, so documents already filed stay linked)."""
        self.ensure_one()
        fields_by_name = {f.name: f for f in self.field_ids}
        for sequence, info in enumerate(regulation.fields):
            vals = {
                "sequence": sequence,
                "label": info.label,
                "description": info.description,
                "required": info.required,
                "choices": CHOICE_SEPARATOR.join(info.choices),
            }
            if info.name in fields_by_name:
                fields_by_name.pop(info.name).write(vals)
            else:
                self.field_ids.create(dict(vals, regulation_id=self.id, name=info.name))
        self.env["clienteling.compliance.regulation.field"].union(*fields_by_name.values()).unlink()
        DocumentType = self.env["clienteling.compliance.document.type"]
        documents_by_name = {d.name: d for d in self.with_context(active_test=False).document_ids}
        for sequence, requirement in enumerate(regulation.documents):
            types = DocumentType
            for accepted in requirement.accepted:
                document_type = DocumentType.search([("code", "=", accepted.code)], limit=1)
                types |= document_type or DocumentType.create(
                    {
                        "code": accepted.code,
                        "name": regulation_tools.DOCUMENT_TYPE_LABELS.get(accepted.code)
                        or accepted.label,
                    }
                )
            vals = {
                "sequence": sequence,
                "label": requirement.label,
                "description": requirement.description,
                "document_type_ids": [(6, 0, types.ids)],
                "type_fields": {t.code: list(t.fields) for t in requirement.accepted},
                "active": True,
            }
            if requirement.name in documents_by_name:
                documents_by_name.pop(requirement.name).write(vals)
            else:
                self.document_ids.create(dict(vals, regulation_id=self.id, name=requirement.name))
        gone = self.env["clienteling.compliance.regulation.document"].union(
            *documents_by_name.values()
        )
        # documents filed under a requirement no longer asked keep it (archived)
        filed = (
            self.env["clienteling.compliance.document"]
            .sudo()
            .search([("requirement_id", "in", gone.ids)])
            .requirement_id
        )
        (gone & filed).write({"active": False})
        (gone - filed).unlink()

    @api.model
    def _load_offline_catalog(self):
        """The catalog shipped with the addon, as the sandbox serves it."""
        self.sudo()._store_regulations("sandbox", catalog.regulations(), complete=False)

    @api.model
    def _find(self, provider, country, number_type, end_user_type=None):
        """The active regulations of ``provider`` for ``country`` and ``number_type``."""
        domain = [
            ("provider", "=", provider),
            ("country_id", "=", country.id),
            ("number_type", "=", number_type),
        ]
        if end_user_type:
            domain.append(("end_user_type", "=", end_user_type))
        return self.search(domain)

    def _to_tools(self):
        """This regulation as ``tools.regulations.Regulation`` (for the checks)."""
        self.ensure_one()
        return regulation_tools.Regulation(
            ref=self.provider_ref or "",
            country=self.country_id.code,
            number_type=self.number_type,
            end_user_type=self.end_user_type,
            name=self.name,
            kind=self.kind,
            fields=tuple(
                regulation_tools.InfoField(
                    name=f.name,
                    label=f.label,
                    description=f.description or "",
                    required=f.required,
                    choices=tuple(f._choice_list()),
                )
                for f in self.field_ids
            ),
            documents=tuple(
                regulation_tools.DocumentRequirement(
                    name=d.name,
                    label=d.label,
                    description=d.description or "",
                    accepted=tuple(
                        regulation_tools.DocumentType(t.code, t.name, tuple(d._fields_of(t)))
                        for t in d.document_type_ids
                    ),
                )
                for d in self.document_ids
            ),
            address=self.address_rule,
            self_service=self.self_service,
            per_number=self.per_number,
        )

    @api.model
    def action_refresh_from_provider(self):
        """Read the regulations of the current company's SMS account."""
        account = self.env["clienteling.sms.account"]._for_company()
        if not account:
            raise UserError(
                self.env._("Set up an SMS account first: the regulations are its provider's.")
            )
        return account.with_env(self.env).action_refresh_regulations()

    @api.model
    def _cron_refresh(self):
        """Weekly: read every company account's regulations from its provider."""
        for account in self.env["clienteling.sms.account"].search([("active", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    account._refresh_regulations()
            except UserError as error:
                _logger.warning("Regulations of account %s not refreshed: %s", account.id, error)
