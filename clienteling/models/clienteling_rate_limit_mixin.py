from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.customer_entry import rate_key

# Submissions accepted in RATE_WINDOW from one network address (an IPv6 /64 counts
# as one) and for one store, whatever the addresses, per public form model: system
# parameters clienteling.customer_entry_rate_limit and
# clienteling.customer_entry_store_rate_limit override the counts. The store limit
# holds when addresses can be forged or rotated.
RATE_LIMIT = 20
STORE_RATE_LIMIT = 200
RATE_WINDOW = timedelta(minutes=10)


class CustomerEntryRateLimited(UserError):
    """Too many submissions from one network address, or for one store."""


class ClientelingRateLimitMixin(models.AbstractModel):
    """What the public forms of a store (customer entry, service requests) keep
    to limit submissions per sender network and per store."""

    _name = "clienteling.rate.limit.mixin"
    _description = "Clienteling Public Form Rate Limit"

    remote_network = fields.Char(
        string="Sender Network",
        readonly=True,
        index=True,
        groups="base.group_system",
        help="What the per-address limit counts: the IPv4 address, or the IPv6 /64 network.",
    )

    @api.model
    def _check_rate(self, remote_address, store):
        """Refuse a submission when ``remote_address`` (its /64 for IPv6) or
        ``store`` already reached its limit in the window. Serialized per network
        and per store, so concurrent requests cannot overshoot."""
        Param = self.env["ir.config_parameter"].sudo()
        Records = self.sudo().with_context(active_test=False)
        since = fields.Datetime.now() - RATE_WINDOW
        network = rate_key(remote_address)
        checks = [
            (
                f"{self._name}.store.{store.id}",
                [("store_id", "=", store.id)],
                "clienteling.customer_entry_store_rate_limit",
                STORE_RATE_LIMIT,
                self.env._("This form received too many entries. Please try again later."),
            )
        ]
        if network:
            checks.insert(
                0,
                (
                    f"{self._name}.{network}",
                    [("remote_network", "=", network)],
                    "clienteling.customer_entry_rate_limit",
                    RATE_LIMIT,
                    self.env._(
                        "Too many forms were sent from this network. Please try again later."
                    ),
                ),
            )
        for lock, domain, param, default, message in checks:
            try:
                limit = int(Param.get_param(param, default))
            except ValueError:
                limit = default
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", lock))
            if Records.search_count([*domain, ("create_date", ">=", since)]) >= limit:
                raise CustomerEntryRateLimited(message)
