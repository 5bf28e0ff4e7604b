import dataclasses

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.clienteling_sms.tools.provider import ProviderError

from ..tools import catalog
from ..tools.provider import get_compliance_class


class ClientelingSmsAccount(models.Model):
    _inherit = "clienteling.sms.account"

    def _get_compliance_provider(self):
        """The account's provider for regulatory approval."""
        self.ensure_one()
        compliance_class = get_compliance_class(self.provider)
        if compliance_class is None:
            raise UserError(self.env._("%s cannot handle regulatory applications.", self.name))
        return compliance_class(self._get_provider())

    def _refresh_regulations(self):
        """Read the provider's regulations into the catalog."""
        self.ensure_one()
        try:
            regulations = self._get_compliance_provider().list_regulations()
        except ProviderError as error:
            raise UserError(
                self.env._(
                    "The regulations could not be read: %s", self._provider_error_reason(error)
                )
            ) from error
        # what the provider does not say (seed 000's self-service and per-number
        # countries, an address in the number's locality) comes from the catalog
        offline = {
            (r.country, r.number_type, r.end_user_type, r.kind): r for r in catalog.regulations()
        }
        completed = []
        for regulation in regulations:
            listed = offline.get(
                (
                    regulation.country,
                    regulation.number_type,
                    regulation.end_user_type,
                    regulation.kind,
                )
            )
            if listed:
                address = regulation.address
                if listed.address == "locality" and address != "none":
                    address = "locality"
                regulation = dataclasses.replace(
                    regulation,
                    self_service=listed.self_service,
                    per_number=listed.per_number,
                    address=address,
                )
            completed.append(regulation)
        regulations = completed
        # US/CA registrations are not regulatory bundles: no provider lists them
        known = {(r.country, r.number_type, r.end_user_type, r.kind) for r in regulations}
        regulations = list(regulations) + [
            r
            for r in catalog.regulations()
            if r.kind != "bundle"
            and (r.country, r.number_type, r.end_user_type, r.kind) not in known
        ]
        Regulation = self.env["clienteling.compliance.regulation"].sudo()
        return Regulation._store_regulations(self.provider, regulations)

    def action_refresh_regulations(self):
        if not self.env.user.has_group("clienteling_compliance.group_compliance_officer"):
            raise UserError(self.env._("Only compliance officers refresh the regulations."))
        accounts = self or self._for_company().with_env(self.env)
        accounts.check_access("read")
        changed = self.env["clienteling.compliance.regulation"]
        for account in accounts:
            changed |= account._refresh_regulations()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if changed else "success",
                "message": self.env._(
                    "Regulations read from the provider: %s changed since the last reading.",
                    len(changed),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
