import base64
import re
from unittest.mock import patch

from markupsafe import escape

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT
from odoo.addons.clienteling.tools.qr_code import qr_png

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


@tagged("post_install", "-at_install", "clienteling")
class TestCustomerEntryLink(HttpCase):
    """The store's link, its QR code and poster, the public page's header and the
    thank-you page's wording for customers and for associates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.store, cls.other_store = cls.env["clienteling.store"].create(
            [
                {
                    "name": "Link Test Store",
                    "code": "T-LINK",
                    "country_id": cls.env.ref("base.us").id,
                },
                {
                    "name": "Other Link Store",
                    "code": "T-LINK2",
                    "country_id": cls.env.ref("base.us").id,
                },
            ]
        )
        cls.url = f"/clienteling/join/{cls.store.entry_token}"
        group = cls.env.ref("clienteling.group_clienteling_associate")
        for login, store in (("link_associate", cls.store), ("other_associate", cls.other_store)):
            user = cls.env["res.users"].create(
                {"name": login, "login": login, "password": login, "groups_id": [(4, group.id)]}
            )
            cls.env["hr.employee"].create(
                {"name": login, "user_id": user.id, "clienteling_store_id": store.id}
            )

    def _submit_and_thank(self):
        page = self.url_open(self.url)
        data = {"csrf_token": CSRF.search(page.text).group(1), "name": "Mia Lee", "consent": "1"}
        data["email"] = "mia@example.com"
        response = self.url_open(self.url, data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        return response.headers["Location"]

    def test_link_and_qr_code_follow_the_current_base_url(self):
        Param = self.env["ir.config_parameter"].sudo()
        codes = []
        for base in ("https://old-host.example.com", "https://shop.example.com"):
            Param.set_param("web.base.url", base)
            self.store.invalidate_recordset(["entry_url", "entry_qr"])
            url = f"{base}/clienteling/join/{self.store.entry_token}"
            self.assertEqual(self.store.entry_url, url)
            self.assertEqual(base64.b64decode(self.store.entry_qr), qr_png(url))
            codes.append(self.store.entry_qr)
        self.assertNotEqual(codes[0], codes[1])

    def test_qr_code_is_served_as_an_image_to_an_associate(self):
        self.authenticate("link_associate", "link_associate")
        response = self.url_open(
            f"/web/image/clienteling.store/{self.store.id}/entry_qr", allow_redirects=False
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(response.content, base64.b64decode(self.store.entry_qr))
        self.authenticate(None, None)
        response = self.url_open(
            f"/web/image/clienteling.store/{self.store.id}/entry_qr", allow_redirects=False
        )
        self.assertNotEqual(response.content, base64.b64decode(self.store.entry_qr))

    def test_open_button_opens_the_link_in_a_new_tab(self):
        action = self.store.action_open_entry_url()
        self.assertEqual(
            action, {"type": "ir.actions.act_url", "url": self.store.entry_url, "target": "new"}
        )

    def test_poster_has_the_store_name_qr_code_and_link(self):
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "clienteling.action_report_customer_entry_poster", self.store.ids
            )[0]
        )
        self.assertIn("Link Test Store", html)
        self.assertIn(self.store.entry_url, html)
        self.assertIn('src="data:image/png;base64,' + self.store.entry_qr.decode() + '"', html)

    def test_public_page_shows_the_company_logo_or_its_name(self):
        company = self.store.company_id
        # no logo, or Odoo's "Your logo" placeholder a new company gets: the name
        for logo in (False, company._get_logo()):
            company.logo = logo
            self.assertTrue(company.uses_default_logo)
            page = self.url_open(self.url)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("company_logo", page.text)
            self.assertNotIn("<img", page.text.split('class="o_clienteling_entry_form"')[0])
            # the name as the page escapes it ("Hartley &amp; Vane" in the demo)
            self.assertIn(
                f'o_clienteling_entry_company h3 mb-0">{escape(company.name)}<', page.text
            )
        company.logo = base64.b64encode(qr_png("logo"))
        page = self.url_open(self.url)
        self.assertIn(f"/web/binary/company_logo?company={company.id}", page.text)
        self.assertNotIn("o_clienteling_entry_company", page.text)
        logo = self.url_open(f"/web/binary/company_logo?company={company.id}")
        self.assertEqual(logo.content, base64.b64decode(company.logo_web))

    def test_thank_you_page_for_a_customer_has_no_staff_wording(self):
        for login in (None, "other_associate"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                thanks = self.url_open(self._submit_and_thank())
                self.assertIn("Thank you, Mia Lee", thanks.text)
                self.assertIn("Your details were received", thanks.text)
                self.assertNotIn("Enter another customer", thanks.text)

    def test_thank_you_page_for_an_associate_offers_another_entry(self):
        self.authenticate("link_associate", "link_associate")
        location = self._submit_and_thank()
        thanks = self.url_open(location)
        self.assertIn("Thank you, Mia Lee", thanks.text)
        self.assertIn("Enter another customer", thanks.text)
        # refreshed: the form again, no second entry
        again = self.url_open(location)
        self.assertNotIn("Mia Lee", again.text)
        entries = self.env["clienteling.customer.entry"].search([("store_id", "=", self.store.id)])
        self.assertEqual(len(entries), 1)
