from odoo.tests import tagged

from odoo.addons.clienteling.tests.security_common import ATTACKERS, SecurityBoundaryMixin

from .common import NOW, AdvisorCase


@tagged("post_install", "-at_install", "clienteling_advisor")
class TestAdvisorSecurityBoundaries(SecurityBoundaryMixin, AdvisorCase):
    """Every model of the Advisor (and the buttons of the Advisor SMS bridge's views),
    attacked from store B and company B."""

    security_addons = ("clienteling_advisor",)
    security_shared = {
        # The tiles are one global set of lists, read by every internal user; each
        # tile counts and opens the caller's own lines, and Refresh rebuilds the
        # caller's own company. A Clienteling administrator of any company may rename
        # them (there is one set for every company); nobody deletes them.
        "clienteling.advisor.category": {
            "read": ATTACKERS,
            "write": ("admin_company_b",),
            "action_open": ATTACKERS,
            "action_refresh": ATTACKERS,
        },
        # Refresh, from any line, rebuilds the caller's own company's lists: the line
        # it is pressed on plays no part.
        "clienteling.advisor.recommendation": {"action_refresh": ATTACKERS},
    }

    @classmethod
    def _security_customer_a(cls):
        if "lapsed_a" not in vars(cls):
            cls.lapsed_a = cls.env["res.partner"].create(
                {
                    "name": "Ann's Lapsed Customer",
                    "clienteling_store_id": cls.store_a.id,
                    "clienteling_associate_id": cls.employee_a.id,
                    "clienteling_last_purchase_date": "2026-01-01",
                }
            )
            cls.env["clienteling.advisor.recommendation"]._refresh_company(cls.company, now=NOW)
        return cls.lapsed_a

    @classmethod
    def _security_record_clienteling_advisor_recommendation(cls):
        customer = cls._security_customer_a()
        line = cls.env["clienteling.advisor.recommendation"].search(
            [("partner_id", "=", customer.id), ("category", "=", "keep_in_touch")]
        )
        return line, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_advisor_category(cls):
        return cls.env.ref("clienteling_advisor.category_keep_in_touch"), cls.user_associate_a

    @classmethod
    def _security_record_clienteling_advisor_snooze(cls):
        snooze = cls.env["clienteling.advisor.snooze"]._set(
            cls.employee_a, cls._security_customer_a(), "keep_in_touch", False
        )
        return snooze, cls.user_associate_a

    @classmethod
    def _security_wizard_clienteling_advisor_snooze_wizard(cls):
        line, owner = cls._security_record_clienteling_advisor_recommendation()
        return owner, {"recommendation_ids": [(6, 0, line.ids)], "days": 7}

    @classmethod
    def _security_record_clienteling_advisor_action(cls):
        line, owner = cls._security_record_clienteling_advisor_recommendation()
        cls.env["clienteling.advisor.action"]._record(line, cls.employee_a, "snoozed")
        action = cls.env["clienteling.advisor.action"].search(
            [("partner_id", "=", line.partner_id.id)], limit=1
        )
        return action, owner
