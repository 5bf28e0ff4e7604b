from odoo.tests import tagged

from .common import ClientelingCase
from .security_common import SAME_COMPANY, SecurityBoundaryMixin


@tagged("post_install", "-at_install", "clienteling")
class TestSecurityBoundaries(SecurityBoundaryMixin, ClientelingCase):
    """Every model of the core addon, attacked from store B and company B."""

    security_addons = ("clienteling",)
    security_shared = {
        # Quick replies and the opt-in message are the company's templates, shared by
        # every store: each associate reads them; only administrators change them.
        "clienteling.quick.reply": {"read": SAME_COMPANY},
    }
    security_shared_secrets = {
        # The secret of the store's customer entry link: its own associates open and
        # hand out the form (other stores and companies cannot read the store).
        "clienteling.store": {
            "entry_token": "the store's associates use the link",
            # the connect widget's link is pasted into the retailer's public website
            "connect_token": "the store's associates share the connect page",
        },
        # The secret of a shared product link: the associate who shared it reads it
        # (other stores and companies cannot read the link).
        "clienteling.product.link": {"token": "the associate hands out the link"},
    }

    @classmethod
    def _security_record_clienteling_store(cls):
        return cls.store_a, cls.user_store_manager_a

    @classmethod
    def _security_record_clienteling_consent(cls):
        consent = cls.customer_a._clienteling_record_consent(
            "sms", "opted_in", cls.store_a, "keyword", "YES"
        )
        return consent, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_associate_contact(cls):
        cls.customer_a._clienteling_register_contact("sms", "outbound", employee=cls.employee_a)
        contact = cls.env["clienteling.associate.contact"].search(
            [("partner_id", "=", cls.customer_a.id), ("employee_id", "=", cls.employee_a.id)]
        )
        return contact, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_important_date(cls):
        date = cls.env["clienteling.important.date"].create(
            {"partner_id": cls.customer_a.id, "kind": "birthday", "month": 5, "day": 4}
        )
        return date, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_quick_reply(cls):
        reply = cls.env["clienteling.quick.reply"].create(
            {"name": "Fifth Avenue news", "body": "Hi {{ customer.first_name }}!"}
        )
        return reply, cls.user_manager

    @classmethod
    def _security_record_clienteling_customer_entry(cls):
        if "entry_a" in vars(cls):
            return cls.entry_a, cls.user_associate_a
        cls.entry_a = (
            cls.env["clienteling.customer.entry"]
            .sudo()
            .create(
                {
                    "name": "Pat Pending",
                    "email": "pat.pending@example.com",
                    "mobile": "+12125550177",
                    "consent": True,
                    "consent_wording": "I agree.",
                    "store_id": cls.store_a.id,
                }
            )
        )
        cls.entry_a = cls.entry_a.with_env(cls.env)
        return cls.entry_a, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_service_request(cls):
        # A New Lead of store A: every associate of store A may accept it.
        request = cls.env["clienteling.service.request"].create(
            {
                "customer_name": "Nina New Lead",
                "email": "nina.lead@example.com",
                "source": "widget",
                "store_id": cls.store_a.id,
            }
        )
        return request, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_product_link(cls):
        if "link_a" not in vars(cls):
            coat = cls.env["product.product"].create({"name": "Boundary Coat"})
            cls.link_a = cls.env["clienteling.product.link"]._get_or_create_links(
                coat, partner=cls.customer_a, employee=cls.employee_a
            )
            cls.link_a._register_click()
        return cls.link_a, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_product_link_click(cls):
        link, _owner = cls._security_record_clienteling_product_link()
        return link.click_ids, cls.user_store_manager_a

    @classmethod
    def _security_record_clienteling_sale_credit(cls):
        credit = cls.env["clienteling.sale.credit"].create(
            {
                "key": "boundary,1",
                "name": "S-BOUNDARY",
                "res_model": "res.partner",
                "res_id": cls.customer_a.id,
                "partner_id": cls.customer_a.id,
                "employee_id": cls.employee_a.id,
                "store_id": cls.store_a.id,
                "company_id": cls.store_a.company_id.id,
                "amount": 120.0,
                "date": "2026-03-02 15:00:00",
                "source": "online",
            }
        )
        return credit, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_associate_pick(cls):
        product = cls.env["product.product"].create({"name": "Boundary Scarf", "list_price": 10})
        pick = cls.env["clienteling.associate.pick"].create(
            {"employee_id": cls.employee_a.id, "product_id": product.id}
        )
        return pick, cls.user_associate_a

    @classmethod
    def _security_record_clienteling_storefront_visit(cls):
        Visit = cls.env["clienteling.storefront.visit"]
        Visit._record_visit(cls.employee_a, "198.51.100.7", "Boundary browser")
        return Visit.search([("employee_id", "=", cls.employee_a.id)], limit=1), (
            cls.user_associate_a
        )

    @classmethod
    def _security_record_clienteling_storefront_open(cls):
        Open = cls.env["clienteling.storefront.open"]
        Open._record_open(cls.employee_a, cls.customer_a, "visit")
        return Open.search([("employee_id", "=", cls.employee_a.id)], limit=1), cls.user_manager

    @classmethod
    def _security_wizard_clienteling_storefront_edit(cls):
        return cls.user_associate_a, {
            "employee_id": cls.employee_a.id,
            "slug": "ann-boundary",
            "published": True,
        }

    @classmethod
    def _security_wizard_clienteling_client_book_reassign(cls):
        return cls.user_store_manager_a, {
            "from_employee_id": cls.employee_a.id,
            "to_employee_id": cls.employee_manager_a.id,
            "partner_ids": [(6, 0, cls.customer_a.ids)],
        }

    @classmethod
    def _security_wizard_clienteling_customer_entry_merge(cls):
        cls._security_record_clienteling_customer_entry()
        return cls.user_associate_a, {
            "entry_id": cls.entry_a.id,
            "partner_id": cls.customer_a.id,
        }

    @classmethod
    def _security_wizard_clienteling_consent_correction(cls):
        # system administrators only: the attackers lack the model's access right
        consent, _owner = cls._security_record_clienteling_consent()
        return cls.env.ref("base.user_admin"), {
            "consent_id": consent.id,
            "state": "opted_out",
            "reason": "The customer asked in the store to stop texts.",
        }

    @classmethod
    def _security_record_clienteling_kpi(cls):
        cls.env["clienteling.service.request"].create(
            {
                "customer_name": "Boundary Request",
                "email": "boundary@example.com",
                "store_id": cls.store_a.id,
                "associate_id": cls.employee_a.id,
                "source": "storefront",
            }
        )
        Kpi = cls.env["clienteling.kpi"]
        Kpi._kpi_refresh()
        row = Kpi.search(
            [("store_id", "=", cls.store_a.id), ("employee_id", "=", cls.employee_a.id)]
        )
        return row[:1], cls.user_associate_a
