from werkzeug.datastructures import MultiDict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.sandbox_compliance import SandboxCompliance


class ClientelingComplianceReview(models.TransientModel):
    """Sandbox only: decide an application's review as the provider would, by
    the signed status callback a provider sends (demos, training, tests)."""

    _name = "clienteling.compliance.review"
    _description = "Simulate a Regulatory Review"

    application_id = fields.Many2one("clienteling.compliance.application", required=True)
    decision = fields.Selection(
        [
            ("in-review", "In Review"),
            ("twilio-approved", "Approved"),
            ("twilio-rejected", "Rejected"),
        ],
        required=True,
        default="twilio-approved",
    )
    reason = fields.Text(help="Why it is rejected, or what the reviewer asks, in their words.")
    document_id = fields.Many2one(
        "clienteling.compliance.document",
        string="Ask Again for",
        domain="[('application_id', '=', application_id)]",
        help="In review: the reviewer asks for this document again.",
    )
    valid_until = fields.Date(help="Set it to ask for an update before that date.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "application_id" in fields_list and not values.get("application_id"):
            if self.env.context.get("active_model") == "clienteling.compliance.application":
                values["application_id"] = self.env.context.get("active_id")
        return values

    def action_apply(self):
        self.ensure_one()
        application = self.application_id
        application._check_officer()
        account = application.account_id
        if account.provider != "sandbox":
            raise UserError(self.env._("Only a sandbox account's reviews are simulated."))
        ref = (
            application.update_bundle_ref or application.bundle_ref or application.registration_ref
        )
        if (
            application.state not in ("submitted", "in_review")
            and not application.update_bundle_ref
        ):
            raise UserError(self.env._("Only a submitted application is reviewed."))
        if self.decision == "twilio-rejected" and not (self.reason or "").strip():
            raise UserError(self.env._("Say why the application is rejected."))
        if self.document_id and self.document_id.application_id != application:
            raise UserError(self.env._("The document is not one of this application's."))
        params = SandboxCompliance.review_payload(
            account._provider_account_ref(),
            ref,
            self.decision,
            reason=(self.reason or "").strip(),
            valid_until=fields.Date.to_string(self.valid_until) if self.valid_until else "",
        )
        path = f"/clienteling/compliance/sandbox/status/{application.id}"
        url = account.webhook_base_url.rstrip("/") + path
        provider = account._get_provider()
        headers = {provider.signature_header: provider.sign(url, params)}
        self.env["clienteling.compliance.event"].sudo()._handle_callback(
            "sandbox", application.id, path, MultiDict(params), headers
        )
        if self.document_id and self.decision == "in-review":
            self.document_id._ask_again((self.reason or "").strip())
        return {"type": "ir.actions.act_window_close"}
