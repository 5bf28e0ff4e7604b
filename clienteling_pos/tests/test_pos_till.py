from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.clienteling.tests.common import ClientelingCase
from odoo.addons.mail.tests.common import mail_new_test_user

POS_GROUPS = "base.group_user,point_of_sale.group_pos_user"


@tagged("post_install", "-at_install", "clienteling_pos")
class TestPosTill(ClientelingCase):
    """The till's RPCs: a customer's clienteling details, adding them to the
    cashier's client book with their consent to texts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pos_user = mail_new_test_user(
            cls.env, login="t_pos_user", name="Till User", groups=POS_GROUPS
        )
        # The shared till user; cashiers are chosen at the till (pos_hr).
        cls.employee_cashier = cls.env["hr.employee"].create(
            {
                "name": "Carl Cashier",
                "clienteling_store_id": cls.store_a.id,
                "clienteling_role": "associate",
            }
        )
        cls.employee_clerk = cls.env["hr.employee"].create({"name": "Nat No Clienteling"})
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Till Fifth Avenue",
                "clienteling_store_id": cls.store_a.id,
                "module_pos_hr": True,
                "basic_employee_ids": [
                    (6, 0, (cls.employee_cashier | cls.employee_clerk | cls.employee_b).ids)
                ],
            }
        )
        cls.config_no_store = cls.env["pos.config"].create(
            {"name": "Till Without Store", "module_pos_hr": True}
        )
        cls.walk_in = cls.env["res.partner"].create(
            {"name": "Walk In", "mobile": "(212) 555-0177", "country_id": cls.us.id}
        )
        cls.env["clienteling.important.date"].create(
            [
                {"partner_id": cls.walk_in.id, "kind": "birthday", "month": 3, "day": 28},
                {"partner_id": cls.customer_b.id, "kind": "birthday", "month": 4, "day": 2},
            ]
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.pos_user)

    def _wording(self, partner=None):
        return self.Partner.clienteling_pos_consent_wording(
            (partner or self.walk_in).id, self.config.id
        )["wording"]

    def _add(self, partner=None, employee=None, consent=True, wording=None, config=None):
        partner = partner or self.walk_in
        return self.Partner.clienteling_pos_add_to_book(
            partner.id,
            (config or self.config).id,
            employee_id=(employee or self.employee_cashier).id,
            consent=consent,
            wording=self._wording(partner) if wording is None else wording,
        )

    def _consents(self, partner=None):
        return self.env["clienteling.consent"].search(
            [("partner_id", "=", (partner or self.walk_in).id)]
        )

    def test_details(self):
        self.walk_in._clienteling_record_consent("sms", "pending", self.store_a, "associate")
        result = self.Partner.clienteling_pos_details(
            [self.walk_in.id, self.customer_a.id, self.customer_b.id],
            self.config.id,
            self.employee_cashier.id,
        )
        self.assertEqual(result["store"], {"id": self.store_a.id, "name": self.store_a.name})
        walk_in = result["partners"][self.walk_in.id]
        self.assertEqual(walk_in["owner_name"], "")
        self.assertEqual(walk_in["sms_state"], "pending")
        self.assertEqual(walk_in["sms_state_label"], "Pending")
        self.assertTrue(walk_in["has_number"])
        self.assertTrue(walk_in["next_date"])
        self.assertIn("Birthday", walk_in["next_date_label"])
        self.assertTrue(walk_in["can_add"])
        self.assertFalse(walk_in["in_my_book"])
        jane = result["partners"][self.customer_a.id]
        self.assertEqual(jane["owner_name"], "Ann Associate")
        self.assertFalse(jane["can_add"])  # in a colleague's book
        louise = result["partners"][self.customer_b.id]
        self.assertTrue(louise["other_store"])
        self.assertFalse(louise["can_add"])
        self.assertFalse(louise["next_date_label"], "another store book's dates stay there")
        # another cashier of the till, not an associate: details, nothing to add
        result = self.Partner.clienteling_pos_details(
            [self.walk_in.id], self.config.id, self.employee_clerk.id
        )
        self.assertFalse(result["employee_ok"])
        self.assertFalse(result["partners"][self.walk_in.id]["can_add"])
        self.assertFalse(result["partners"][self.walk_in.id]["next_date_label"])
        # a till without store shows nothing
        result = self.Partner.clienteling_pos_details([self.walk_in.id], self.config_no_store.id)
        self.assertEqual(result, {"store": False, "partners": {}})

    def test_details_number_opted_out(self):
        """A STOP from the customer's number (no customer known then) shows."""
        self.env["clienteling.consent"].sudo().create(
            {
                "channel": "sms",
                "address": "+12125550177",
                "store_id": self.store_a.id,
                "state": "opted_out",
                "source": "keyword",
                "wording": "STOP",
            }
        )
        result = self.Partner.clienteling_pos_details([self.walk_in.id], self.config.id)
        self.assertEqual(result["partners"][self.walk_in.id]["sms_state"], "opted_out")

    def test_add_to_book_with_consent(self):
        wording = self._wording()
        self.assertIn(self.store_a.name, wording)
        self.assertNotIn("{{", wording)
        details = self._add(wording=wording)
        self.assertEqual(self.walk_in.clienteling_associate_id, self.employee_cashier)
        self.assertEqual(self.walk_in.clienteling_store_id, self.store_a)
        self.assertTrue(details["in_my_book"])
        self.assertEqual(details["sms_state"], "opted_in")
        consent = self._consents()
        self.assertEqual(len(consent), 1)
        self.assertRecordValues(
            consent,
            [
                {
                    "channel": "sms",
                    "state": "opted_in",
                    "store_id": self.store_a.id,
                    "source": "associate",
                    "wording": wording,
                    "employee_id": self.employee_cashier.id,
                    "user_id": self.pos_user.id,
                    "address": "+12125550177",
                }
            ],
        )
        # again: already in the book and opted in, nothing new in the ledger
        self._add()
        self.assertEqual(len(self._consents()), 1)

    def test_add_to_book_without_consent(self):
        self._add(consent=False, wording="")
        self.assertEqual(self.walk_in.clienteling_associate_id, self.employee_cashier)
        self.assertFalse(self._consents())

    def test_wording_customer_language(self):
        """The sentence is the one of the customer's language, and the one kept."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.store_a.update_field_translations(
            "pos_consent_wording",
            {"fr_FR": "Acceptez-vous les SMS de {{ store.name }} ?"},
        )
        self.walk_in.lang = "fr_FR"
        wording = self._wording()
        self.assertEqual(wording, f"Acceptez-vous les SMS de {self.store_a.name} ?")
        self._add(wording=wording)
        self.assertEqual(self._consents().wording, wording)

    def test_wording_changed(self):
        with self.assertRaisesRegex(UserError, "consent sentence .* has changed"):
            self._add(wording="I agree to anything.")
        self.assertFalse(self.walk_in.clienteling_associate_id)
        self.assertFalse(self._consents())

    def test_no_number(self):
        self.walk_in.mobile = False
        with self.assertRaisesRegex(UserError, "has no phone number"):
            self._add()
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_invalid_number(self):
        self.walk_in.mobile = "12"
        with self.assertRaisesRegex(ValidationError, "Invalid number for Walk In"):
            self._add()
        self.assertFalse(self.walk_in.clienteling_associate_id)
        self.assertFalse(self._consents())

    def test_opted_out(self):
        self.walk_in._clienteling_record_consent("sms", "opted_out", self.store_a, "associate")
        with self.assertRaisesRegex(AccessError, "opted out of"):
            self._add()
        self.assertFalse(self.walk_in.clienteling_associate_id)
        self.assertEqual(self._consents().state, "opted_out")

    def test_other_associate_book(self):
        self.walk_in.clienteling_associate_id = self.employee_a
        with self.assertRaisesRegex(UserError, "already in Ann Associate's client book"):
            self._add()
        self.assertEqual(self.walk_in.clienteling_associate_id, self.employee_a)
        self.assertFalse(self._consents())

    def test_other_store_book(self):
        self.walk_in.clienteling_store_id = self.store_b
        with self.assertRaisesRegex(UserError, "store book of Test Saint-Honoré"):
            self._add(consent=False, wording="")
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_employee_not_associate_of_store(self):
        with self.assertRaisesRegex(UserError, "Nat No Clienteling is not an associate"):
            self._add(employee=self.employee_clerk, consent=False, wording="")
        # an associate of another store, though allowed at this till
        with self.assertRaisesRegex(UserError, "Bea Associate is not an associate"):
            self._add(employee=self.employee_b, consent=False, wording="")
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_employee_not_allowed_at_till(self):
        with self.assertRaisesRegex(AccessError, "cannot work at this point of sale"):
            self._add(employee=self.employee_a, consent=False, wording="")
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_config_without_store(self):
        with self.assertRaisesRegex(UserError, "belongs to no clienteling store"):
            self.Partner.clienteling_pos_add_to_book(
                self.walk_in.id, self.config_no_store.id, self.employee_cashier.id
            )
        with self.assertRaisesRegex(UserError, "belongs to no clienteling store"):
            self.Partner.clienteling_pos_consent_wording(self.walk_in.id, self.config_no_store.id)

    def test_missing_records(self):
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.Partner.clienteling_pos_add_to_book(0, self.config.id, self.employee_cashier.id)
        with self.assertRaisesRegex(AccessError, "cannot use this point of sale"):
            self.Partner.clienteling_pos_add_to_book(self.walk_in.id, 0, self.employee_cashier.id)

    def test_without_pos_hr(self):
        """Without pos_hr the cashier is the user: their own employee."""
        self.config.module_pos_hr = False
        self.config.basic_employee_ids = False
        self.employee_cashier.user_id = self.pos_user
        self._add(employee=self.env["hr.employee"])
        self.assertEqual(self.walk_in.clienteling_associate_id, self.employee_cashier)
        self.walk_in.clienteling_associate_id = False
        # someone else's employee cannot be named
        with self.assertRaisesRegex(AccessError, "cannot work at this point of sale"):
            self._add(employee=self.employee_a)

    def test_not_a_pos_user(self):
        """A Clienteling associate without Point of Sale rights cannot use the till."""
        for user in (self.user_associate_a, self.user_store_manager_a, self.user_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).clienteling_pos_add_to_book(
                    self.walk_in.id, self.config.id, self.employee_cashier.id, consent=False
                )
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).clienteling_pos_details(
                    [self.walk_in.id], self.config.id
                )
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_other_company(self):
        other = self.env["res.company"].create({"name": "Other Retail Co"})
        other_user = mail_new_test_user(
            self.env,
            login="t_pos_other",
            name="Other Till User",
            groups=POS_GROUPS,
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(other_user).clienteling_pos_add_to_book(
                self.walk_in.id, self.config.id, self.employee_cashier.id, consent=False
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(other_user).clienteling_pos_details(
                [self.walk_in.id], self.config.id
            )
        # a customer of another company
        self.walk_in.company_id = other
        with self.assertRaises(AccessError):
            self._add(consent=False, wording="")
        self.assertFalse(self.walk_in.clienteling_associate_id)

    def test_default_wording_translated(self):
        store = self.env["clienteling.store"].create({"name": "Test Soho", "code": "T-SOHO"})
        self.assertIn("{{ store.name }}", store.pos_consent_wording)
        self.assertIn("Test Soho", store._pos_consent_text())
