import re

from odoo.tests import HttpCase, tagged

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestCustomerEntryForm(HttpCase):
    """The public form over HTTP, as a customer's phone would use it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["res.lang"]._lang_get("fr_FR"):
            cls.env["res.lang"]._activate_lang("fr_FR")
        cls.store = cls.env["clienteling.store"].create(
            {
                "name": "Form Test Store",
                "code": "T-FORM",
                "country_id": cls.env.ref("base.us").id,
                "tz": "America/New_York",
            }
        )
        cls.url = f"/clienteling/join/{cls.store.entry_token}"
        cls.Entry = cls.env["clienteling.customer.entry"]

    def _entries(self):
        return self.Entry.search([("store_id", "=", self.store.id)])

    def _post(self, **fields):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        data = {
            "csrf_token": CSRF.search(page.text).group(1),
            "name": "Noah Park",
            "mobile": "212 555 0123",
            "email": "noah@example.com",
            "birthday_day": "29",
            "birthday_month": "2",
            "birthday_year": "",
            "consent": "1",
        }
        data.update(fields)
        return self.url_open(self.url, data=data)

    def test_form_shows_store_and_exact_consent_wording(self):
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Form Test Store", page.text)
        self.assertIn(
            "I agree to receive personal messages by text and email from Form Test Store.",
            page.text,
        )
        self.assertIn('name="viewport"', page.text)

    def test_unknown_or_archived_store_link_is_not_found(self):
        self.assertEqual(self.url_open("/clienteling/join/not-a-token").status_code, 404)
        self.store.active = False
        self.assertEqual(self.url_open(self.url).status_code, 404)

    def test_good_submission_is_stored_pending(self):
        response = self._post()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Noah Park", response.text)
        entry = self._entries()
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            (entry.state, entry.mobile, entry.birthday_month, entry.birthday_day),
            ("pending", "+12125550123", 2, 29),
        )
        self.assertEqual(entry.remote_address, "127.0.0.1")
        self.assertTrue(entry.user_agent)
        self.assertEqual(entry.lang, "en_US")
        self.assertIn("Form Test Store", entry.consent_wording)
        self.assertFalse(entry.associate_id)

    def test_bad_submission_shows_errors_and_stores_nothing(self):
        response = self._post(name="", email="not-an-email", birthday_day="31", birthday_month="4")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Please enter your name.", response.text)
        self.assertIn("Please enter a valid email address", response.text)
        self.assertIn("Please enter a valid birthday.", response.text)
        self.assertIn('value="212 555 0123"', response.text)  # what was typed is kept
        self.assertFalse(self._entries())

    def test_oversized_field_is_refused_not_cut(self):
        response = self._post(name="N" * 5000)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too long", response.text)
        self.assertFalse(self._entries())

    def test_bot_filling_the_hidden_field_is_thanked_and_ignored(self):
        response = self._post(website="http://spam.example")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Noah Park", response.text)
        self.assertFalse(self._entries())

    def test_missing_csrf_token_is_refused(self):
        response = self.url_open(self.url, data={"name": "Noah Park", "email": "n@example.com"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._entries())

    def test_flood_gets_429(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "clienteling.customer_entry_rate_limit", "2"
        )
        self.assertEqual(self._post(email="a@example.com").status_code, 200)
        self.assertEqual(self._post(email="b@example.com").status_code, 200)
        response = self._post(email="c@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many forms", response.text)
        self.assertEqual(len(self._entries()), 2)

    def test_signed_in_associate_is_remembered(self):
        user = self.env["res.users"].create(
            {
                "name": "Form Associate",
                "login": "form_associate",
                "password": "form_associate",
                "groups_id": [(4, self.env.ref("clienteling.group_clienteling_associate").id)],
            }
        )
        employee = self.env["hr.employee"].create(
            {"name": "Form Associate", "user_id": user.id, "clienteling_store_id": self.store.id}
        )
        self.authenticate("form_associate", "form_associate")
        self.assertEqual(self._post().status_code, 200)
        self.assertEqual(self._entries().associate_id, employee)

    def test_french_visitor_gets_french_page(self):
        page = self.url_open(self.url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        self.assertEqual(page.status_code, 200)
        self.assertIn("février", page.text)
        response = self._post(lang="fr_FR")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Merci", response.text)
        self.assertEqual(self._entries().lang, "fr_FR")
        # The words kept are the words shown: the store's wording in French.
        wording = self._entries().consent_wording
        self.assertIn("J'accepte de recevoir", wording)
        self.assertIn("Form Test Store", wording)
        self.assertIn(wording.replace("'", "&#39;"), page.text)
