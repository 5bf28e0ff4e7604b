import re
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CONSENT_INPUT = re.compile(r"<input[^>]*\bid=\"entry_consent\"[^>]*>")


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerEntryForm(HttpCase):
    """The public form over HTTP, as a customer's phone would use it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
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

    def _post(self, headers=None, allow_redirects=True, **fields):
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
        return self.url_open(self.url, data=data, headers=headers, allow_redirects=allow_redirects)

    def _consent_input(self, response):
        inputs = CONSENT_INPUT.findall(response.text)
        self.assertEqual(len(inputs), 1, response.text)
        return inputs[0]

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

    def test_consent_box_is_ticked_only_when_the_visitor_ticked_it(self):
        for lang in ("en_US", "fr_FR"):
            with self.subTest(lang=lang):
                self.assertNotIn("checked", self._consent_input(self.url_open(self.url)))
                for value in ("", "0", "no"):
                    response = self._post(name="", consent=value, lang=lang)
                    self.assertEqual(response.status_code, 400)
                    self.assertNotIn("checked", self._consent_input(response))
                response = self._post(name="", lang=lang)
                self.assertEqual(response.status_code, 400)
                self.assertIn('checked="checked"', self._consent_input(response))
        self.assertFalse(self._entries())

    def test_successful_post_redirects_and_thanks_once(self):
        response = self._post(allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = response.headers["Location"]
        self.assertIn(f"/clienteling/join/{self.store.entry_token}/thanks?lang=en_US", location)
        self.assertNotIn("Noah", location)
        thanks = self.url_open(location)
        self.assertEqual(thanks.status_code, 200)
        self.assertIn("Thank you, Noah Park", thanks.text)
        # reloading the page sends nothing again and shows the form
        again = self.url_open(location)
        self.assertEqual(again.status_code, 200)
        self.assertIn('name="csrf_token"', again.text)
        self.assertNotIn("Noah Park", again.text)
        self.assertEqual(len(self._entries()), 1)

    def test_control_characters_in_the_link_are_not_found(self):
        token = self.store.entry_token
        for url in (
            f"/clienteling/join/{token}%00",
            "/clienteling/join/%00",
            f"/clienteling/join/{token[:10]}%01{token[10:]}",
            f"/clienteling/join/{token}%00/thanks",
            "/clienteling/join/short",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        page = self.url_open(self.url)
        data = {"csrf_token": CSRF.search(page.text).group(1), "name": "Noah", "email": "n@x.org"}
        self.assertEqual(self.url_open(f"{self.url}%00", data=data).status_code, 404)
        self.assertFalse(self._entries())

    def test_oversized_values_are_not_echoed_whole(self):
        response = self._post(
            name="N" * 5000, email="e" * 5000, birthday_year="9" * 5000, mobile="\x00" * 10
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("too long", response.text)
        self.assertNotIn("N" * 101, response.text)
        self.assertIn('value="' + "N" * 100 + '"', response.text)
        self.assertNotIn("e" * 255, response.text)
        self.assertNotIn("99999", response.text)
        self.assertNotIn("\x00", response.text)
        self.assertFalse(self._entries())

    def test_forged_forwarded_addresses_are_held_by_the_store_limit(self):
        """Odoo in proxy mode reached directly: every request claims a new
        address. The per-address limit cannot see it; the store limit can."""
        self.env["ir.config_parameter"].sudo().set_param(
            "clienteling.customer_entry_store_rate_limit", "3"
        )
        host = f"127.0.0.1:{self.http_port()}"
        with patch.dict(config.options, {"proxy_mode": True}):
            for index in range(3):
                headers = {"X-Forwarded-Host": host, "X-Forwarded-For": f"198.51.100.{index + 1}"}
                response = self._post(headers=headers, email=f"f{index}@example.com")
                self.assertEqual(response.status_code, 200)
            headers = {"X-Forwarded-Host": host, "X-Forwarded-For": "203.0.113.99"}
            response = self._post(headers=headers, email="last@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("too many entries", response.text)
        entries = self._entries()
        self.assertEqual(len(entries), 3)
        self.assertEqual(
            sorted(entries.mapped("remote_address")),
            ["198.51.100.1", "198.51.100.2", "198.51.100.3"],
        )

    def test_rotating_ipv6_addresses_get_429(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "clienteling.customer_entry_rate_limit", "2"
        )
        host = f"127.0.0.1:{self.http_port()}"
        statuses = []
        with patch.dict(config.options, {"proxy_mode": True}):
            for index in range(3):
                headers = {"X-Forwarded-Host": host, "X-Forwarded-For": f"2001:db8:7::{index + 1}"}
                statuses.append(
                    self._post(headers=headers, email=f"v{index}@example.com").status_code
                )
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(set(self._entries().mapped("remote_network")), {"2001:db8:7::/64"})
