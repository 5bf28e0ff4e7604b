import base64
import io
from unittest.mock import patch

from freezegun import freeze_time
from PIL import Image

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

from ..controllers.product_link import ClientelingProductLinkController
from ..tools import product_link
from .common import ClientelingCase

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def png_image(color="red"):
    """A small PNG, base64 encoded (as image fields hold them)."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue())


def tampered(token):
    """``token`` with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@tagged("post_install", "-at_install", "clienteling")
class TestProductLink(ClientelingCase):
    """Links to products an associate shares: signed, one per product, customer and
    associate, counted, seen by their store only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.coat = cls.env["product.product"].create(
            {"name": "Wool Coat", "list_price": 100.0, "image_1920": png_image()}
        )
        cls.scarf = cls.env["product.product"].create({"name": "Silk Scarf", "list_price": 40.0})
        cls.Link = cls.env["clienteling.product.link"]
        cls.Link.search([]).unlink()  # the demo's, if any: the tests count links

    def _links(self, products=None, partner=None, employee=None):
        return self.Link._get_or_create_links(
            products or self.coat | self.scarf,
            partner=partner or self.customer_a,
            employee=employee or self.employee_a,
        )

    def test_links_are_signed_and_used_again(self):
        links = self._links()
        self.assertEqual(links.product_id, self.coat | self.scarf)
        self.assertEqual(links[0].product_id, self.coat)  # in the order of the products
        self.assertEqual(links.employee_id, self.employee_a)
        self.assertEqual(links.store_id, self.store_a)
        self.assertEqual(links.company_id, self.company)
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        for link in links:
            self.assertTrue(product_link.is_signed(secret, link.token))
            self.assertTrue(link.url.endswith(f"/clienteling/p/{link.token}"))
        self.assertNotEqual(links[0].token, links[1].token)
        # the same products for the same customer by the same associate: the same links
        self.assertEqual(self._links(self.scarf | self.coat), links[1] | links[0])
        # another associate, another customer: their own links
        other = self._links(self.coat, employee=self.employee_manager_a)
        self.assertNotEqual(other, links[0])
        self.assertEqual(other.employee_id, self.employee_manager_a)
        self.assertNotEqual(self._links(self.coat, partner=self.customer_b), links[0])
        self.assertEqual(
            links[0]._public_url("https://shop.example.com/").split("/p/")[0],
            ("https://shop.example.com/clienteling"),
        )

    def test_tokens_and_clicks_cannot_be_forged(self):
        link = self.Link.create(
            {"product_id": self.coat.id, "token": "chosen-by-me", "employee_id": self.employee_a.id}
        )
        self.assertNotEqual(link.token, "chosen-by-me")
        manager_link = link.with_user(self.user_manager)
        for values in ({"token": "x" * 24}, {"click_count": 99}, {"last_click_date": False}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                manager_link.write(values)
        forged = self.Link.with_user(self.user_manager).create(
            {"product_id": self.coat.id, "click_count": 50}
        )
        self.assertEqual(forged.click_count, 0)
        with self.assertRaises(AccessError):
            self.Link.with_user(self.user_associate_a).create({"product_id": self.coat.id})

    def test_only_signed_tokens_of_existing_links_open(self):
        link = self._links(self.coat)
        self.assertEqual(self.Link._from_token(link.token), link)
        self.assertFalse(self.Link._from_token(tampered(link.token)))
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        self.assertFalse(self.Link._from_token(product_link.new_token(secret)))  # no such link
        for token in ("", None, "x" * 24, link.token + "A", "\x00" * 24):
            with self.subTest(token=token):
                self.assertFalse(self.Link._from_token(token))
        self.coat.active = False  # no longer sold
        self.assertFalse(self.Link._from_token(link.token))

    def test_each_click_is_counted_once_in_one_statement(self):
        link = self._links(self.coat)
        with freeze_time("2026-03-02 10:00:00"):
            link._register_click()
        with freeze_time("2026-03-05 18:30:00"):
            link._register_click()
        self.assertEqual(link.click_count, 2)
        self.assertEqual(str(link.first_click_date), "2026-03-02 10:00:00")
        self.assertEqual(str(link.last_click_date), "2026-03-05 18:30:00")
        clicks = link.click_ids
        self.assertEqual(len(clicks), 2)
        self.assertEqual(clicks.employee_id, self.employee_a)
        self.assertEqual(clicks.store_id, self.store_a)
        self.assertEqual(clicks.company_id, self.company)
        self.assertEqual(
            sorted(str(c.clicked_at) for c in clicks),
            [
                "2026-03-02 10:00:00",
                "2026-03-05 18:30:00",
            ],
        )
        self.assertEqual(self._links(self.scarf).click_count, 0)

    def test_price_in_the_customer_s_currency(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        company_currency = self.company.currency_id
        if company_currency == euro:
            euro = self.env.ref("base.USD")
            euro.active = True
        euro.rate_ids.unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": euro.id,
                "rate": 2.0 * (company_currency.rate or 1.0),
                "name": "2020-01-01",
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign customers", "currency_id": euro.id}
        )
        self.customer_a.property_product_pricelist = pricelist
        link = self._links(self.coat)
        price, currency = link._customer_price()
        self.assertEqual(currency, euro)
        self.assertAlmostEqual(price, 200.0, places=2)
        # no customer: the company's currency
        anonymous = self.Link.create({"product_id": self.coat.id})
        self.assertEqual(anonymous._customer_price(), (100.0, company_currency))

    def test_associates_see_their_links_and_store_managers_their_stores(self):
        link_a = self._links(self.coat)
        link_a._register_click()
        link_b = self._links(self.coat, partner=self.customer_b, employee=self.employee_b)
        link_b._register_click()
        Link = self.env["clienteling.product.link"]
        Click = self.env["clienteling.product.link.click"]
        self.assertEqual(Link.with_user(self.user_associate_a).search([]), link_a)
        self.assertEqual(Link.with_user(self.user_associate_b).search([]), link_b)
        with self.assertRaises(AccessError):
            link_a.with_user(self.user_associate_b).read(["token"])
        with self.assertRaises(AccessError):
            link_b.with_user(self.user_associate_a).read(["click_count"])
        self.assertEqual(Click.with_user(self.user_associate_a).search([]), link_a.click_ids)
        self.assertEqual(Click.with_user(self.user_associate_b).search([]), link_b.click_ids)
        # the store manager of store A: the links and clicks of store A
        self.assertEqual(Link.with_user(self.user_store_manager_a).search([]), link_a)
        self.assertEqual(Click.with_user(self.user_store_manager_a).search([]), link_a.click_ids)
        with self.assertRaises(AccessError):
            link_b.click_ids.with_user(self.user_store_manager_a).read(["clicked_at"])
        # administrators: all of their companies'
        self.assertEqual(Link.with_user(self.user_manager).search([]), link_a | link_b)
        # nobody but the public link writes clicks
        with self.assertRaises(AccessError):
            Click.with_user(self.user_store_manager_a).create(
                {"link_id": link_a.id, "company_id": self.company.id, "clicked_at": "2026-01-01"}
            )


@tagged("post_install", "-at_install", "clienteling")
class TestProductLinkPage(HttpCase):
    """The public link, as the customer's phone and link preview fetchers open it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.store = cls.env["clienteling.store"].create(
            {"name": "Link Test Store", "code": "T-LINK", "country_id": cls.env.ref("base.us").id}
        )
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Lena Link", "clienteling_store_id": cls.store.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Carl Customer"})
        cls.coat = cls.env["product.product"].create(
            {
                "name": "Cashmere Coat",
                "list_price": 350.0,
                "description_sale": "Double-faced cashmere.",
                "image_1920": png_image(),
            }
        )
        cls.plain = cls.env["product.product"].create({"name": "Plain Tee", "list_price": 20.0})
        Link = cls.env["clienteling.product.link"]
        cls.link = Link._get_or_create_links(cls.coat, cls.customer, cls.employee)
        cls.plain_link = Link._get_or_create_links(cls.plain, cls.customer, cls.employee)
        cls.url = f"/clienteling/p/{cls.link.token}"

    def _open(self, url=None, agent=BROWSER, **kwargs):
        return self.url_open(url or self.url, headers={"User-Agent": agent}, **kwargs)

    def _clicks(self, link=None):
        link = link or self.link
        self.env.invalidate_all()
        return link.click_count, len(link.click_ids)

    def test_the_card_shows_the_product_and_counts_the_click(self):
        if "website_published" in self.coat._fields:
            self.coat.website_published = False  # with website_sale: not on the shop
        response = self._open()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Cashmere Coat", response.text)
        self.assertIn("Double-faced cashmere.", response.text)
        self.assertIn(f'src="/clienteling/p/{self.link.token}/image"', response.text)
        self.assertIn("Shared by Lena Link, Link Test Store", response.text)
        self.assertIn('name="viewport"', response.text)
        self.assertIn("noindex", response.headers.get("X-Robots-Tag", ""))
        price = self.env["clienteling.product.link"].browse(self.link.id)._customer_price()
        self.assertIn(f"{price[0]:,.2f}", response.text)
        self.assertIn(price[1].symbol, response.text)
        self.assertEqual(self._clicks(), (1, 1))
        self._open()
        self.assertEqual(self._clicks(), (2, 2))  # every opening counts

    def test_the_card_shows_the_price_in_the_customer_s_currency(self):
        company = self.env.company
        foreign = self.env.ref("base.EUR" if company.currency_id.name != "EUR" else "base.USD")
        foreign.active = True
        foreign.rate_ids.unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": foreign.id,
                "rate": 2.0 * (company.currency_id.rate or 1.0),
                "name": "2020-01-01",
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Customers abroad", "currency_id": foreign.id}
        )
        self.customer.property_product_pricelist = pricelist
        response = self._open()
        self.assertEqual(response.status_code, 200)
        price = response.text.split("o_clienteling_product_price")[1].split("</p>")[0]
        self.assertIn("700.00", price)
        self.assertIn(foreign.symbol, price)

    def test_ask_about_this_goes_to_the_associate_s_storefront(self):
        with patch.object(
            ClientelingProductLinkController,
            "_ask_url",
            staticmethod(
                lambda link: (
                    f"/clienteling/a/lena/request?kind=question&product={link.product_id.id}"
                )
            ),
        ):
            response = self._open()
        self.assertIn(
            f'href="/clienteling/a/lena/request?kind=question&amp;product={self.coat.id}"',
            response.text,
        )
        # the real link, once the associate has a published storefront
        ask_url = ClientelingProductLinkController._ask_url
        employee = self.employee
        if "clienteling_storefront_slug" not in employee._fields:
            self.assertIsNone(ask_url(self.link))
            return
        published = "clienteling_storefront_published" in employee._fields
        employee.write(
            {"clienteling_storefront_slug": "lena-link"}
            | ({"clienteling_storefront_published": True} if published else {})
        )
        self.assertEqual(
            ask_url(self.link),
            f"/clienteling/a/lena-link/request?kind=question&product={self.coat.id}",
        )
        if published:
            employee.clienteling_storefront_published = False
            self.assertIsNone(ask_url(self.link))

    def test_published_products_open_on_the_web_shop(self):
        with patch.object(
            ClientelingProductLinkController,
            "_web_page",
            staticmethod(lambda product: "/shop/cashmere-coat-1"),
        ):
            response = self._open(allow_redirects=False)
        self.assertIn(response.status_code, (301, 302, 303))
        self.assertTrue(response.headers["Location"].endswith("/shop/cashmere-coat-1"))
        self.assertEqual(self._clicks(), (1, 1))
        installed = self.env["ir.module.module"]._get("website_sale").state == "installed"
        self.assertEqual("website_published" in self.coat._fields, installed)
        if not installed:
            self.assertIsNone(ClientelingProductLinkController._web_page(self.coat))

    def test_tampered_or_unknown_links_are_not_found(self):
        for url in (
            f"/clienteling/p/{tampered(self.link.token)}",
            f"/clienteling/p/{tampered(self.link.token)}/image",
            "/clienteling/p/" + "A" * 24,
            "/clienteling/p/nothing",
            f"/clienteling/p/{self.link.token}x",
        ):
            with self.subTest(url=url):
                self.assertEqual(self._open(url).status_code, 404)
        self.assertEqual(self._clicks(), (0, 0))

    def test_link_previews_and_head_requests_do_not_count(self):
        for agent in (
            "facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "WhatsApp/2.23.20.0 A",
            "Mozilla/5.0 (Macintosh) AppleWebKit/601.2.4 (KHTML, like Gecko) LinkPreview",
            "",
        ):
            with self.subTest(agent=agent):
                self.assertEqual(self._open(agent=agent).status_code, 200)
        head = self.url_open(self.url, headers={"User-Agent": BROWSER}, head=True)
        self.assertEqual(head.status_code, 200)
        prefetch = self.url_open(
            self.url, headers={"User-Agent": BROWSER, "Sec-Purpose": "prefetch"}
        )
        self.assertEqual(prefetch.status_code, 200)
        self.assertEqual(self._clicks(), (0, 0))

    def test_the_image_route_serves_linked_products_only(self):
        response = self._open(f"/clienteling/p/{self.link.token}/image")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("image/"))
        self.assertTrue(response.content.startswith(b"\x89PNG"))
        # a product without an image, a token of no link: nothing
        self.assertEqual(
            self._open(f"/clienteling/p/{self.plain_link.token}/image").status_code, 404
        )
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        unknown = product_link.new_token(secret)
        self.assertEqual(self._open(f"/clienteling/p/{unknown}/image").status_code, 404)
        # the image is no click
        self.assertEqual(self._clicks(), (0, 0))
        response = self._open(f"/clienteling/p/{self.plain_link.token}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/image", response.text.split("o_clienteling_product_card")[1])
