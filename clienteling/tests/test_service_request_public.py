import re

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CONSENT_WORDING = "I agree to receive personal messages by text and email from Public Test Store."


@tagged("post_install", "-at_install", "clienteling")
class TestServiceRequestPublicPages(HttpCase):
    """The connect widget, an associate's storefront and the footer form, over
    HTTP as a customer's phone would use them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        if not cls.env["res.lang"]._lang_get("fr_FR"):
            cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.company.clienteling_request_team_mode = False
        cls.store = cls.env["clienteling.store"].create(
            {
                "name": "Public Test Store",
                "code": "T-PUB",
                "country_id": cls.env.ref("base.us").id,
                "tz": "America/New_York",
            }
        )
        cls.other_store = cls.env["clienteling.store"].create(
            {
                "name": "Other Public Store",
                "code": "T-PUB2",
                "country_id": cls.env.ref("base.us").id,
            }
        )
        cls.employee = cls.env["hr.employee"].create(
            {
                "name": "Paula Picks",
                "clienteling_store_id": cls.store.id,
                "clienteling_role": "associate",
                "clienteling_storefront_slug": "t-paula-picks",
                "clienteling_storefront_bio": "Knitwear is my thing.",
                "clienteling_storefront_published": True,
                "private_email": "paula.private@example.com",
            }
        )
        cls.unpublished = cls.env["hr.employee"].create(
            {
                "name": "Quinn Quiet",
                "clienteling_store_id": cls.store.id,
                "clienteling_storefront_slug": "t-quinn-quiet",
            }
        )
        cls.other_associate = cls.env["hr.employee"].create(
            {
                "name": "Olga Other",
                "clienteling_store_id": cls.other_store.id,
                "clienteling_storefront_slug": "t-olga-other",
                "clienteling_storefront_published": True,
            }
        )
        Product = cls.env["product.product"]
        cls.scarf = Product.create({"name": "Test Merino Scarf", "list_price": 123.45})
        cls.hidden_product = Product.create(
            {"name": "Test Internal Part", "list_price": 1, "sale_ok": False}
        )
        cls.env["clienteling.associate.pick"].create(
            {"employee_id": cls.employee.id, "product_id": cls.scarf.id, "note": "So soft"}
        )
        cls.connect_url = f"/clienteling/connect/{cls.store.connect_token}"
        cls.footer_url = f"/clienteling/footer/{cls.store.connect_token}"
        cls.storefront_url = "/clienteling/a/t-paula-picks"
        cls.Request = cls.env["clienteling.service.request"]

    def _requests(self):
        return self.Request.search([("store_id", "in", (self.store | self.other_store).ids)])

    def _post(self, url, form_url=None, headers=None, **fields):
        page = self.url_open(form_url or url, headers=headers)
        self.assertEqual(page.status_code, 200, page.text[:500])
        data = {
            "csrf_token": FORM_TOKEN.search(page.text).group(1),
            "kind": "question",
            "name": "Noah Park",
            "email": "noah@example.com",
            "mobile": "",
            "preferred_channel": "email",
            "message": "Is it in stock?",
        }
        data.update(fields)
        data = {key: value for key, value in data.items() if value is not None}
        return self.url_open(url, data=data, headers=headers)

    # The connect widget.

    def test_connect_page_and_embed_script(self):
        page = self.url_open(self.connect_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Public Test Store", page.text)
        self.assertIn(CONSENT_WORDING, page.text)
        self.assertIn('name="viewport"', page.text)
        self.assertIn('name="website"', page.text)  # the hidden field
        for kind in ("question", "appointment", "personal_shopping"):
            self.assertIn(f'value="{kind}"', page.text)
        script = self.url_open(f"/clienteling/connect.js?store={self.store.connect_token}")
        self.assertEqual(script.status_code, 200)
        self.assertIn("javascript", script.headers["Content-Type"])
        self.assertIn(f"/clienteling/connect/{self.store.connect_token}", script.text)
        self.assertIn("iframe", script.text)
        self.assertEqual(self.url_open("/clienteling/connect.js?store=nope").status_code, 404)
        self.assertEqual(self.url_open("/clienteling/connect.js").status_code, 404)

    def test_connect_request_is_a_new_lead_with_a_confirmation_email(self):
        response = self._post(self.connect_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Noah Park", response.text)
        self.assertIn("/thanks?", response.url)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(
            (request.source, request.state, request.associate_id, request.kind, request.email),
            ("widget", "new_lead", self.env["hr.employee"], "question", "noah@example.com"),
        )
        self.assertFalse(request.first_reply_date)
        mail = self.env["mail.mail"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "noah@example.com")
        self.assertIn("Public Test Store", mail.subject)
        self.assertIn("Noah Park", str(mail.body_html))
        # reloading the thank-you page sends nothing again
        self.assertEqual(self.url_open(response.url).status_code, 200)
        self.assertEqual(len(self._requests()), 1)

    def test_connect_request_about_a_product(self):
        form_url = f"{self.connect_url}?kind=question&product={self.scarf.id}"
        page = self.url_open(form_url)
        self.assertIn("Test Merino Scarf", page.text)
        response = self._post(self.connect_url, form_url=form_url, product=str(self.scarf.id))
        self.assertEqual(response.status_code, 200)
        request = self._requests()
        self.assertEqual((request.source, request.product_ids), ("widget", self.scarf))
        self.assertEqual(request.sudo().remote_network, "127.0.0.1")
        # the sender's network only serves the rate limit: forgotten after a day
        self.env.cr.execute(
            "UPDATE clienteling_service_request SET create_date = create_date - interval '2 days' "
            "WHERE id = %s",
            [request.id],
        )
        request.invalidate_recordset()
        self.Request._gc_request_networks()
        request.invalidate_recordset()
        self.assertFalse(request.sudo().remote_network)

    def test_connect_request_in_team_mode_goes_to_the_store(self):
        self.env.company.clienteling_request_team_mode = True
        self.assertEqual(self._post(self.connect_url).status_code, 200)
        request = self._requests()
        self.assertEqual((request.state, request.associate_id.id), ("accepted", False))

    def test_appointment_dates_are_kept_in_utc(self):
        response = self._post(
            self.connect_url,
            kind="appointment",
            date_start="2030-06-01T10:00",
            date_end="2030-06-01T12:00",
        )
        self.assertEqual(response.status_code, 200)
        request = self._requests()
        self.assertEqual(request.kind, "appointment")
        # New York is UTC-4 in June
        self.assertEqual(str(request.preferred_date_start), "2030-06-01 14:00:00")
        self.assertEqual(str(request.preferred_date_end), "2030-06-01 16:00:00")

    def test_each_bad_input_is_refused_field_by_field(self):
        cases = [
            ({"email": "not-an-email"}, "Please enter a valid email address"),
            ({"mobile": "12", "preferred_channel": "text", "consent": "1"}, "valid mobile number"),
            (
                {"mobile": "212 555 0123", "preferred_channel": "text"},
                "please tick the box to agree to receive texts",
            ),
            ({"kind": "gossip"}, "Please choose what you would like."),
            ({"name": ""}, "Please enter your name."),
            ({"kind": "appointment", "date_start": "2000-01-01T10:00"}, "a time to come"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                response = self._post(self.connect_url, **fields)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                if "name" not in fields:
                    self.assertIn('value="Noah Park"', response.text)  # what was typed is kept
        self.assertFalse(self._requests())
        self.assertFalse(self.env["clienteling.consent"].search([("store_id", "=", self.store.id)]))

    def test_missing_or_tampered_form_token_is_refused(self):
        data = {"name": "Noah Park", "email": "noah@example.com", "kind": "question"}
        response = self.url_open(self.connect_url, data=data)
        self.assertEqual(response.status_code, 400)
        self.assertIn("This form expired", response.text)
        token = FORM_TOKEN.search(self.url_open(self.connect_url).text).group(1)
        expires, _dot, signature = token.partition(".")
        forged = f"{int(expires) + 3600}.{signature}"
        self.assertEqual(self._post(self.connect_url, csrf_token=forged).status_code, 400)
        # a token of another form (the footer's) does not fit this one
        footer_token = FORM_TOKEN.search(self.url_open(self.footer_url).text).group(1)
        self.assertEqual(self._post(self.connect_url, csrf_token=footer_token).status_code, 400)
        self.assertFalse(self._requests())

    def test_tampered_store_token_is_not_found(self):
        tampered = self.store.connect_token[:-1] + (
            "A" if self.store.connect_token[-1] != "A" else "B"
        )
        for url in (
            f"/clienteling/connect/{tampered}",
            f"/clienteling/footer/{tampered}",
            "/clienteling/connect/short",
            f"/clienteling/join/{self.store.connect_token}",  # not the customer entry's secret
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(
            self.url_open(
                f"/clienteling/connect/{tampered}", data={"name": "x", "csrf_token": "x"}
            ).status_code,
            404,
        )

    def test_flood_gets_429(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "clienteling.customer_entry_rate_limit", "2"
        )
        self.assertEqual(self._post(self.connect_url, email="a@example.com").status_code, 200)
        self.assertEqual(
            self._post(self.storefront_url + "/request", email="b@example.com").status_code, 200
        )
        response = self._post(self.footer_url, email="c@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many forms", response.text)
        self.assertEqual(len(self._requests()), 2)

    def test_bot_filling_the_hidden_field_stores_nothing(self):
        response = self._post(self.connect_url, website="http://spam.example")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you.", response.text)
        self.assertFalse(self._requests())
        self.assertFalse(self.env["mail.mail"].search([("email_to", "=", "noah@example.com")]))

    def test_visitor_language(self):
        headers = {"Accept-Language": "fr-FR,fr;q=0.9"}
        self.assertEqual(self._post(self.connect_url, headers=headers).status_code, 200)
        self.assertEqual(self._requests().lang, "fr_FR")

    # The storefront.

    def test_storefront_page_shows_the_associate_and_picks(self):
        page = self.url_open(self.storefront_url)
        self.assertEqual(page.status_code, 200)
        for text in (
            "Paula Picks",
            "Public Test Store",
            "Knitwear is my thing.",
            "Test Merino Scarf",
            "123.45",
            "So soft",
        ):
            self.assertIn(text, page.text)
        self.assertNotIn("paula.private@example.com", page.text)
        for kind in ("question", "appointment", "personal_shopping"):
            self.assertIn(f"/clienteling/a/t-paula-picks/request?kind={kind}", page.text)
        self.assertIn(f"request?kind=question&amp;product={self.scarf.id}", page.text)
        photo = self.url_open(self.storefront_url + "/photo")
        self.assertEqual(photo.status_code, 200)
        self.assertTrue(photo.headers["Content-Type"].startswith("image/"))
        image = self.url_open(f"{self.storefront_url}/product/{self.scarf.id}/image")
        self.assertEqual(image.status_code, 200)
        self.assertEqual(
            self.url_open(
                f"{self.storefront_url}/product/{self.hidden_product.id}/image"
            ).status_code,
            404,
        )

    def test_unknown_or_unpublished_storefront_is_not_found(self):
        for url in (
            "/clienteling/a/nobody-here",
            "/clienteling/a/t-quinn-quiet",
            "/clienteling/a/t-quinn-quiet/request",
            "/clienteling/a/t-quinn-quiet/photo",
            "/clienteling/a/NOT_A_SLUG",
            f"{self.footer_url}?associate=t-quinn-quiet",
            f"{self.footer_url}?associate=t-olga-other",  # another store's associate
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.employee.clienteling_storefront_published = False
        self.assertEqual(self.url_open(self.storefront_url).status_code, 404)
        self.assertFalse(
            self.env["clienteling.storefront.visit"].search(
                [("employee_id", "=", self.employee.id)]
            )
        )

    def test_visits_are_counted_per_visitor_and_day(self):
        Visit = self.env["clienteling.storefront.visit"]
        self.url_open(self.storefront_url, headers={"User-Agent": "Phone A"})
        self.url_open(self.storefront_url, headers={"User-Agent": "Phone A"})
        visits = Visit.search([("employee_id", "=", self.employee.id)])
        self.assertEqual(len(visits), 1)
        self.assertEqual(visits.hits, 2)
        self.assertEqual(visits.store_id, self.store)
        self.assertEqual(len(visits.visitor_key), 64)
        self.assertNotIn("127.0.0.1", visits.visitor_key)
        self.url_open(self.storefront_url, headers={"User-Agent": "Phone B"})
        visits = Visit.search([("employee_id", "=", self.employee.id)])
        self.assertEqual((len(visits), sum(visits.mapped("hits"))), (2, 3))

    def test_storefront_text_request_records_consent(self):
        form_url = f"{self.storefront_url}/request?kind=personal_shopping&product={self.scarf.id}"
        page = self.url_open(form_url)
        self.assertIn("Test Merino Scarf", page.text)
        self.assertIn(f'name="product" value="{self.scarf.id}"', page.text)
        response = self._post(
            self.storefront_url + "/request",
            form_url=form_url,
            kind="personal_shopping",
            product=str(self.scarf.id),
            email="",
            mobile="(212) 555-0163",
            preferred_channel="text",
            consent="1",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you, Noah Park", response.text)
        request = self._requests()
        self.assertEqual(
            (request.source, request.state, request.associate_id, request.kind),
            ("storefront", "accepted", self.employee, "personal_shopping"),
        )
        self.assertEqual(request.product_ids, self.scarf)
        self.assertEqual(request.mobile, "+12125550163")
        self.assertIn(CONSENT_WORDING, request.consent_wording)
        self.assertTrue(request.partner_id)
        self.assertEqual(request.partner_id.clienteling_store_id, self.store)
        consent = self.env["clienteling.consent"].search([("store_id", "=", self.store.id)])
        self.assertEqual(len(consent), 1)
        self.assertEqual(
            (consent.channel, consent.state, consent.source, consent.address, consent.partner_id),
            ("sms", "opted_in", "web_form", "+12125550163", request.partner_id),
        )
        self.assertEqual(consent.wording, request.consent_wording)
        self.assertEqual(consent.employee_id, self.employee)
        # no confirmation email for a customer who prefers texts
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", request._name), ("res_id", "=", request.id)]
            )
        )

    def _opens(self):
        return self.env["clienteling.storefront.open"].search(
            [("employee_id", "=", self.employee.id)]
        )

    def test_anonymous_and_staff_visits_record_no_customer(self):
        self.assertEqual(self.url_open(self.storefront_url).status_code, 200)
        new_test_user(self.env, login="t_sf_staff", groups="base.group_user")
        self.authenticate("t_sf_staff", "t_sf_staff")
        self.assertEqual(self.url_open(self.storefront_url).status_code, 200)
        self.assertFalse(self._opens())
        self.assertEqual(
            sum(
                self.env["clienteling.storefront.visit"]
                .search([("employee_id", "=", self.employee.id)])
                .mapped("hits")
            ),
            2,
            "both counted as visits",
        )

    def test_signed_in_customer_opening_a_storefront_is_recorded(self):
        portal = new_test_user(self.env, login="t_sf_portal", groups="base.group_portal")
        self.authenticate("t_sf_portal", "t_sf_portal")
        self.url_open(self.storefront_url)
        self.url_open(self.storefront_url)
        opened = self._opens()
        self.assertEqual(len(opened), 1, "one row per customer, associate and day")
        self.assertEqual(
            (opened.partner_id, opened.store_id, opened.company_id, opened.source),
            (portal.partner_id, self.store, self.employee.company_id, "visit"),
        )
        self.assertLessEqual(opened.opened_at, opened.last_opened_at)
        self.assertEqual(self.url_open("/clienteling/a/t-quinn-quiet").status_code, 404)
        self.assertFalse(
            self.env["clienteling.storefront.open"].search(
                [("employee_id", "=", self.unpublished.id)]
            )
        )

    def test_storefront_request_of_a_known_customer_is_recorded(self):
        self.assertEqual(self._post(self.storefront_url + "/request").status_code, 200)
        self.assertFalse(self._requests().partner_id, "an unknown sender, no consent")
        self.assertFalse(self._opens())
        customer = self.env["res.partner"].create(
            {"name": "Noah Park", "email": "noah.known@example.com"}
        )
        response = self._post(self.storefront_url + "/request", email="noah.known@example.com")
        self.assertEqual(response.status_code, 200)
        opened = self._opens()
        self.assertEqual((opened.partner_id, opened.source), (customer, "request"))
        # a footer request for the store names no storefront
        self._post(self.footer_url, email="noah.known@example.com")
        self.assertEqual(self._opens(), opened)

    def test_unknown_or_hidden_product_is_left_out(self):
        response = self._post(self.storefront_url + "/request", product=str(self.hidden_product.id))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self._requests().product_ids)

    # The footer form.

    def test_footer_form_for_the_store_or_an_associate(self):
        page = self.url_open(self.footer_url)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn('name="date_start"', page.text)  # compact
        self.assertEqual(self._post(self.footer_url).status_code, 200)
        request = self._requests()
        self.assertEqual((request.source, request.state), ("footer", "new_lead"))
        url = f"{self.footer_url}?associate=t-paula-picks"
        self.assertIn("Paula Picks", self.url_open(url).text)
        self.assertEqual(self._post(url, email="second@example.com").status_code, 200)
        second = self._requests() - request
        self.assertEqual(
            (second.source, second.associate_id, second.state),
            ("footer", self.employee, "accepted"),
        )
