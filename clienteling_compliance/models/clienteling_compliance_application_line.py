from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.regulations import check_value


class ClientelingComplianceApplicationLine(models.Model):
    """One piece of information an application gives: a line of its checklist."""

    _name = "clienteling.compliance.application.line"
    _description = "Compliance Application Information"
    _order = "application_id, sequence, id"

    application_id = fields.Many2one(
        "clienteling.compliance.application", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="application_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Machine Name", required=True, readonly=True)
    label = fields.Char(required=True, readonly=True)
    description = fields.Text(readonly=True)
    required = fields.Boolean(readonly=True)
    choices = fields.Char(readonly=True)
    value = fields.Text()
    status = fields.Selection(
        [("done", "Done"), ("missing", "Missing"), ("optional", "Optional"), ("problem", "To Fix")],
        compute="_compute_status",
    )
    problem = fields.Char(readonly=True, help="What the last check found.")

    @api.depends("value", "required", "problem")
    def _compute_status(self):
        for line in self:
            if line.problem:
                line.status = "problem"
            elif (line.value or "").strip():
                line.status = "done"
            else:
                line.status = "missing" if line.required else "optional"

    @api.onchange("value")
    def _onchange_value(self):
        # a format mistake is said while typing, as the check would say it
        for line in self:
            failed = check_value(line.name, line.value, line.application_id.country_id.code)
            line.problem = self._check_message(failed) if failed else False

    def write(self, vals):
        if "value" in vals:
            for line in self:
                if line.application_id.state not in ("draft", "rejected", "update_needed"):
                    raise UserError(
                        self.env._(
                            "%s was submitted: its information is kept as sent. Start an update "
                            "to change it.",
                            line.application_id.name,
                        )
                    )
            if "problem" not in vals:
                vals = dict(vals, problem=False)
        return super().write(vals)

    def _check_message(self, check):
        messages = {
            "email": self.env._("This is not an e-mail address."),
            "url": self.env._("This is not a web address (https://...)."),
            "registration": self.env._(
                "This is not a registration number of this country's format."
            ),
            "choice": self.env._("Choose one of: %s", self.choices or ""),
            "mismatch": self.env._("It differs from what the document says."),
        }
        return messages.get(check, "")

    def _show_findings(self, findings):
        """Mark each line with what the last check found about it."""
        for line in self:
            problems = []
            for finding in findings:
                if finding["field"] != line.name or finding["code"] == "22217":
                    continue
                if finding["code"] == "22215":
                    problems.append(self.env._("Required."))
                elif finding["check"]:
                    problems.append(line._check_message(finding["check"]))
                elif finding["reason"]:
                    problems.append(finding["reason"])
            line.problem = " ".join(problems) or False
