from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.http import request
from odoo.tools.misc import format_amount

from ..tools.product_link import is_link_preview

IMAGE_MAX_AGE = 3600


class ClientelingProductLinkController(http.Controller):
    """A product an associate shared in a text: the customer's click is counted,
    then they see the product's page on the web shop, or its card here."""

    def _link(self, token):
        """The link of a signed ``token`` (superuser), else 404: a tampered or
        unknown token tells nothing more."""
        link = request.env["clienteling.product.link"]._from_token(token)
        if not link:
            raise NotFound()
        return link

    def _lang(self, link):
        """The customer's language when known and installed, else the visitor's,
        else the company's."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        if link.partner_id.lang in installed:
            return link.partner_id.lang
        by_prefix = {code.split("_")[0]: code for code in reversed(installed)}
        for accepted in request.httprequest.accept_languages.values():
            code = accepted.replace("-", "_")
            if code in installed:
                return code
            if code.split("_")[0] in by_prefix:
                return by_prefix[code.split("_")[0]]
        return link.company_id.partner_id.lang or "en_US"

    @staticmethod
    def _web_page(product):
        """The product's page on the web shop (``website_sale``), if published."""
        if "website_published" not in product._fields or not product.website_published:
            return None
        return product.website_url or None

    @staticmethod
    def _ask_url(link):
        """The storefront request form of the associate who shared the product,
        asking about it, when they have a published storefront."""
        employee = link.employee_id
        if not employee or "clienteling_storefront_slug" not in employee._fields:
            return None
        slug = employee.clienteling_storefront_slug
        published = employee._fields.get("clienteling_storefront_published")
        if not slug or (published and not employee.clienteling_storefront_published):
            return None
        query = url_encode({"kind": "question", "product": link.product_id.id})
        return f"/clienteling/a/{slug}/request?{query}"

    @http.route(
        "/clienteling/p/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        save_session=False,
    )
    def product_link(self, token, **kwargs):
        link = self._link(token)
        httprequest = request.httprequest
        # HEAD requests and link previews (messaging apps fetching the page to show
        # it) are not the customer opening the link
        if httprequest.method == "GET" and not is_link_preview(
            httprequest.user_agent.string, httprequest.headers
        ):
            link._register_click()
        web_page = self._web_page(link.product_id)
        if web_page:
            return request.redirect(web_page, local=True)
        return self._render_card(link)

    def _render_card(self, link):
        lang = self._lang(link)
        request.update_context(lang=lang)
        link = link.with_context(lang=lang)
        # the customer's card: no internal reference
        product = link.product_id.with_context(display_default_code=False)
        price, currency = link._customer_price()
        employee = link.employee_id
        response = request.render(
            "clienteling.product_link_card",
            {
                "link": link,
                "product": product,
                "company": link.company_id,
                "price": format_amount(request.env, price, currency, lang),
                "has_image": bool(product.image_128),
                "image_url": f"/clienteling/p/{link.token}/image",
                "associate_name": employee.name or "",
                "store_name": link.store_id.name or "",
                "ask_url": self._ask_url(link),
                "lang": lang,
            },
        )
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    @http.route(
        "/clienteling/p/<string:token>/image",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        save_session=False,
    )
    def product_link_image(self, token, **kwargs):
        """The image of the product of a signed link only: never another record's."""
        product = self._link(token).product_id
        if not product.image_128:
            raise NotFound()
        stream = request.env["ir.binary"]._get_image_stream_from(product, "image_1024")
        return stream.get_response(max_age=IMAGE_MAX_AGE)
