import re

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.rendering_tools import parse_inline_template, render_inline_template

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..tools import placeholders


class ClientelingQuickReply(models.Model):
    """Message templates associates pick while texting, and the opt-in message.

    Bodies use Odoo's inline template syntax with a fixed set of placeholders
    (see ``tools/placeholders.py``), e.g. ``Hi {{ customer.first_name }}``.
    """

    _name = "clienteling.quick.reply"
    _description = "Clienteling Quick Reply"
    _order = "kind, sequence, id"

    name = fields.Char(string="Title", required=True, translate=True)
    body = fields.Text(string="Message", required=True, translate=True)
    kind = fields.Selection(
        [("opt_in", "Opt-in Message"), ("quick_reply", "Quick Reply")],
        required=True,
        default="quick_reply",
        help="The opt-in message is the first text a new customer receives; it asks "
        "for their consent. Each company has exactly one.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    placeholder_help = fields.Text(compute="_compute_placeholder_help", string="Placeholders")

    _sql_constraints = [
        (
            "one_opt_in_per_company",
            "EXCLUDE USING btree (company_id WITH =) WHERE (kind = 'opt_in' AND active)",
            "A company has one active opt-in message: edit it instead of adding another.",
        ),
    ]

    def _placeholder_labels(self):
        return {
            "customer.name": self.env._("Customer's full name"),
            "customer.first_name": self.env._("Customer's first name"),
            "associate.name": self.env._("Associate's full name"),
            "associate.first_name": self.env._("Associate's first name"),
            "store.name": self.env._("Store name"),
            "store.landline": self.env._("Store landline (E.164)"),
            "company.name": self.env._("Company name"),
        }

    def _compute_placeholder_help(self):
        labels = self._placeholder_labels()
        text = "\n".join(f"{{{{ {key} }}}}: {labels[key]}" for key in placeholders.PLACEHOLDERS)
        for reply in self:
            reply.placeholder_help = text

    @api.constrains("body")
    def _check_body(self):
        for reply in self:
            parsed = parse_inline_template(reply.body or "")
            literal = "".join(part[0] for part in parsed)
            if "{{" in literal or "}}" in literal:
                raise ValidationError(
                    self.env._(
                        "%(title)s: a placeholder is not closed. Write placeholders as "
                        "{{ customer.first_name }}.",
                        title=reply.name,
                    )
                )
            unknown = placeholders.unknown_placeholders(part[1] for part in parsed)
            if unknown:
                raise ValidationError(
                    self.env._(
                        "%(title)s: unknown placeholder %(unknown)s. Available: %(available)s.",
                        title=reply.name,
                        unknown=", ".join(f"{{{{ {expr} }}}}" for expr in unknown),
                        available=", ".join(placeholders.PLACEHOLDERS),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")  # before looking at other companies' messages
        for vals in vals_list:
            if vals.get("kind") == "opt_in" and vals.get("active", True):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                self._check_no_other_opt_in(company)
        replies = super().create(vals_list)
        replies._sync_canned_responses()
        return replies

    def _sync_canned_responses(self):
        """Offer each active quick reply in Discuss's composer (``::shortcut``),
        once per language it is written in, to clienteling users."""
        Canned = self.env["mail.canned.response"].with_user(SUPERUSER_ID)
        Canned.search([("clienteling_quick_reply_id", "in", self.ids)]).unlink()
        group = self.env.ref("clienteling.group_clienteling_associate")
        langs = self.env["res.lang"].get_installed()
        vals_list = []
        for reply in self.filtered(lambda r: r.kind == "quick_reply" and r.active):
            source = re.sub(r"[^a-z0-9]+", "-", reply.with_context(lang="en_US").name.lower())
            seen = set()
            for code, lang_name in langs:
                translated = reply.with_context(lang=code)
                if translated.body in seen:
                    continue
                seen.add(translated.body)
                vals_list.append(
                    {
                        "source": source.strip("-") or str(reply.id),
                        "substitution": translated.body,
                        "description": f"{translated.name} ({lang_name})"
                        if len(langs) > 1
                        else translated.name,
                        "group_ids": [fields.Command.set(group.ids)],
                        "clienteling_quick_reply_id": reply.id,
                    }
                )
        Canned.create(vals_list)

    def _check_no_other_opt_in(self, company, except_ids=()):
        """Refuse a second active opt-in message for ``company`` with a clear message
        (the exclusion constraint above guards concurrent saves)."""
        other = self.sudo().search(
            [
                ("kind", "=", "opt_in"),
                ("company_id", "=", company.id),
                ("id", "not in", list(except_ids)),
            ],
            limit=1,
        )
        if other:
            raise ValidationError(
                self.env._(
                    "%s already has an opt-in message: edit it instead of adding another.",
                    company.name,
                )
            )

    def write(self, vals):
        self.check_access("write")  # before looking at other companies' messages
        companies = self.filtered(lambda r: r.kind == "opt_in").company_id
        if {"kind", "active", "company_id"} & vals.keys():
            for reply in self:
                kind = vals.get("kind", reply.kind)
                active = vals.get("active", reply.active)
                if kind == "opt_in" and active:
                    company = self.env["res.company"].browse(
                        vals.get("company_id", reply.company_id.id)
                    )
                    self._check_no_other_opt_in(company, except_ids=self.ids)
        res = super().write(vals)
        self._check_opt_in_kept(companies)
        if {"name", "body", "kind", "active"} & vals.keys():
            self._sync_canned_responses()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_opt_in(self):
        companies = self.filtered(lambda r: r.kind == "opt_in" and r.active).company_id
        kept = self.search(
            [
                ("kind", "=", "opt_in"),
                ("company_id", "in", companies.ids),
                ("id", "not in", self.ids),
            ]
        ).company_id
        self._raise_opt_in_missing(companies - kept)

    def _check_opt_in_kept(self, companies):
        if self.env.context.get(MODULE_UNINSTALL_FLAG) or not companies:
            return
        kept = self.search(
            [("kind", "=", "opt_in"), ("company_id", "in", companies.ids)]
        ).company_id
        self._raise_opt_in_missing(companies - kept)

    def _raise_opt_in_missing(self, companies):
        if companies:
            raise UserError(
                self.env._(
                    "%s must keep one active opt-in message: every conversation with a new "
                    "customer starts with it. Edit its text instead.",
                    companies[0].name,
                )
            )

    @api.model
    def _ensure_opt_in_message(self, companies):
        """Give each company without an opt-in message a copy of the default one."""
        default = self.env.ref("clienteling.quick_reply_opt_in_default", raise_if_not_found=False)
        if not default:
            return
        covered = self.search(
            [("kind", "=", "opt_in"), ("company_id", "in", companies.ids)]
        ).company_id
        for company in companies - covered:
            default.copy({"company_id": company.id, "name": default.name})

    @api.model
    def _get_opt_in_message(self, company=None):
        company = company or self.env.company
        return self.with_context(active_test=True).search(
            [("kind", "=", "opt_in"), ("company_id", "=", company.id)], limit=1
        )

    def _render(self, partner, employee=None, store=None):
        """The body for ``partner``, in the customer's language, with placeholders filled."""
        self.ensure_one()
        body = self.with_context(lang=partner.lang or self.env.lang).body or ""
        store = store or (employee.clienteling_store_id if employee else None)
        company = (store.company_id if store else None) or self.company_id
        values = placeholders.render_values(
            customer={"name": partner.name},
            associate={"name": employee.name} if employee else None,
            store={"name": store.name, "landline": store.landline} if store else None,
            company={"name": company.name},
        )
        instructions = [
            (literal, expression, default.strip())
            for literal, expression, default in parse_inline_template(body)
        ]
        return render_inline_template(instructions, values)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for reply, vals in zip(self, vals_list, strict=True):
            if "name" not in (default or {}):
                vals["name"] = self.env._("%s (copy)", reply.name)
            if reply.kind == "opt_in" and "company_id" not in (default or {}):
                vals["kind"] = "quick_reply"  # a copy of the opt-in message is a draft reply
        return vals_list
