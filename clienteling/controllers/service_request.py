"""The public pages that send service requests: a store's connect widget (and
the script that embeds it in any website), an associate's storefront and the
site footer form.

They keep the customer entry form's safeguards: a form token, the per-address
and per-store rate limit, the hidden "website" field, field-by-field errors with
nothing stored, the exact consent wording, and a redirect after a successful
POST. The form token is signed and needs no session: the connect page runs in a
frame of the retailer's site, where browsers keep no cookie of ours.
"""

import json
import logging
import time

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..models.clienteling_rate_limit_mixin import CustomerEntryRateLimited
from ..tools.customer_entry import echo_values, is_token
from ..tools.service_request_form import KINDS, REQUEST_MAX_LENGTH, is_slug
from .customer_entry import visitor_lang

_logger = logging.getLogger(__name__)

FORM_FIELDS = (
    "kind",
    "name",
    "email",
    "mobile",
    "preferred_channel",
    "message",
    "date_start",
    "date_end",
    "consent",
)
FORM_TOKEN_SCOPE = "clienteling-service-request-form"
THANKS_TOKEN_SCOPE = "clienteling-service-request-thanks"
FORM_TOKEN_SECONDS = 12 * 3600
THANKS_TOKEN_SECONDS = 3600
# The embed script: one <script> tag adds a floating button that opens the
# store's connect page in a frame.
CONNECT_SCRIPT = """(function () {
    "use strict";
    var url = %(url)s, label = %(label)s;
    if (window.clientelingConnectLoaded) {
        return;
    }
    window.clientelingConnectLoaded = true;
    function start() {
        var frame = null;
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.setAttribute("aria-expanded", "false");
        button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483646;" +
            "padding:12px 18px;border:0;border-radius:24px;background:#222;color:#fff;" +
            "font:600 15px/1.2 sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer;";
        button.addEventListener("click", function () {
            if (!frame) {
                frame = document.createElement("iframe");
                frame.src = url;
                frame.title = label;
                frame.style.cssText = "position:fixed;right:16px;bottom:72px;z-index:2147483647;" +
                    "width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));" +
                    "border:0;border-radius:12px;background:#fff;box-shadow:0 4px 24px rgba(0,0,0,.3);";
                document.body.appendChild(frame);
            } else {
                frame.style.display = frame.style.display === "none" ? "" : "none";
            }
            button.setAttribute("aria-expanded", frame.style.display === "none" ? "false" : "true");
        });
        document.body.appendChild(button);
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
"""


def _sign(scope, message):
    return odoo_hmac(request.env(su=True), scope, message)


def make_token(scope, key, seconds):
    """``<expiry>.<signature>`` of ``key``, valid ``seconds``."""
    expires = int(time.time()) + seconds
    return f"{expires}.{_sign(scope, f'{key}:{expires}')}"


def check_token(scope, key, token):
    """Whether ``token`` was made by ``make_token`` for ``key`` and is still valid."""
    expires, _dot, signature = (token or "").partition(".")
    if not expires.isdigit() or int(expires) < time.time() or not signature:
        return False
    return consteq(signature, _sign(scope, f"{key}:{expires}"))


class ClientelingServiceRequestController(http.Controller):
    # Finding what the link names: 404 for anything else.

    def _store(self, token):
        if not is_token(token):
            raise NotFound()
        store = (
            request.env["clienteling.store"]
            .sudo()
            .search([("connect_token", "=", token), ("active", "=", True)], limit=1)
        )
        if not store:
            raise NotFound()
        return store

    def _associate(self, slug, raise_if_missing=True):
        """The published storefront's associate of ``slug`` (superuser)."""
        employee = request.env["hr.employee"].sudo().browse()
        if is_slug(slug):
            employee = (
                request.env["hr.employee"]
                .sudo()
                .search(
                    [
                        ("clienteling_storefront_slug", "=", slug),
                        ("clienteling_storefront_published", "=", True),
                        ("clienteling_store_id.active", "=", True),
                    ],
                    limit=1,
                )
            )
        if not employee and raise_if_missing:
            raise NotFound()
        return employee

    def _products(self, store, product_id):
        """The product the visitor asks about, when it can be shown: a product
        for sale of the store's company."""
        if not str(product_id or "").isdigit():
            return request.env["product.product"].sudo().browse()
        product = request.env["product.product"].sudo().browse(int(product_id)).exists()
        if (
            not product
            or not product.active
            or not product.sale_ok
            or product.company_id not in (store.company_id, product.company_id.browse())
        ):
            return product.browse()
        return product

    # Rendering.

    def _render(self, template, store, lang, values, status=200):
        request.update_context(lang=lang)
        response = request.render(
            template,
            dict(
                values,
                store=store.with_context(lang=lang),
                lang=lang,
                consent_text=store.with_context(lang=lang)._entry_consent_text(),
                kinds=self._kind_labels(lang),
                max_length=REQUEST_MAX_LENGTH,
            ),
        )
        response.status_code = status
        return response

    def _kind_labels(self, lang):
        Request = request.env["clienteling.service.request"].with_context(lang=lang)
        return Request._fields["kind"]._description_selection(Request.env)

    def _form_values(self, form_key, form=None, errors=None, kind=None, products=None):
        form = dict(form or {})
        echo = echo_values(form)
        for field in ("kind", "preferred_channel", "date_start", "date_end"):
            echo[field] = str(form.get(field) or "")[:20]
        echo["message"] = str(form.get("message") or "")[: REQUEST_MAX_LENGTH["message"]]
        if not form:
            echo["kind"] = kind if kind in KINDS else "question"
            echo["preferred_channel"] = "email"
        return {
            "values": echo,
            "errors": errors or {},
            "form_token": make_token(FORM_TOKEN_SCOPE, form_key, FORM_TOKEN_SECONDS),
            "products": products or request.env["product.product"].sudo().browse(),
        }

    # Submitting.

    def _submit(self, store, lang, form_key, source, kwargs, associate=None, products=None):
        """Check and store a POST. Return ``(request, errors, status)``; a bot
        (hidden field filled) gets an empty request and no error."""
        Request = request.env["clienteling.service.request"].sudo().with_context(lang=lang)
        if not check_token(FORM_TOKEN_SCOPE, form_key, kwargs.get("csrf_token")):
            return (
                Request.browse(),
                {"form": Request.env._("This form expired. Please send it again.")},
                400,
            )
        if kwargs.get("website"):
            _logger.info("Request form of store %s: bot submission ignored", store.id)
            return Request.browse(), {}, 200
        form = {field: kwargs.get(field, "") for field in FORM_FIELDS}
        try:
            record, errors = Request._submit_public(
                store,
                form,
                source,
                associate=associate,
                products=products,
                remote_address=request.httprequest.remote_addr,
            )
        except CustomerEntryRateLimited as error:
            return Request.browse(), {"form": str(error)}, 429
        return record, errors, 400 if errors else 200

    def _thank(self, url, record, lang):
        """Redirect after a successful POST: reloading the thank-you page sends
        nothing again. The page names the customer from a signed, short-lived
        reference (the connect page runs in frames, without our cookies)."""
        thanks = make_token(THANKS_TOKEN_SCOPE, record.id or 0, THANKS_TOKEN_SECONDS)
        return request.redirect(
            f"{url}/thanks?lang={lang}&r={record.id or 0}&t={thanks}", code=303, local=True
        )

    def _thanks_values(self, kwargs):
        record_id = str(kwargs.get("r") or "")
        Request = request.env["clienteling.service.request"].sudo()
        if record_id.isdigit() and check_token(THANKS_TOKEN_SCOPE, int(record_id), kwargs.get("t")):
            record = Request.browse(int(record_id)).exists()
            if record:
                return {
                    "name": echo_values({"name": record.customer_name})["name"],
                    "record": record,
                }
        return {"name": "", "record": Request.browse()}

    # The connect widget.

    @http.route(
        "/clienteling/connect.js", type="http", auth="public", methods=["GET"], sitemap=False
    )
    def connect_script(self, store=None, **kwargs):
        store = self._store(store)
        url = f"{store.get_base_url()}/clienteling/connect/{store.connect_token}"
        env = request.env(context=dict(request.env.context, lang=visitor_lang(store)))
        # json.dumps escapes quotes; "</" is escaped too, for pages that inline it
        script = CONNECT_SCRIPT % {
            "url": json.dumps(url).replace("</", "<\\/"),
            "label": json.dumps(env._("Contact us")).replace("</", "<\\/"),
        }
        return request.make_response(
            script,
            headers=[
                ("Content-Type", "application/javascript; charset=utf-8"),
                ("Cache-Control", "public, max-age=3600"),
            ],
        )

    @http.route(
        "/clienteling/connect/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def connect_form(self, token, kind=None, product=None, **kwargs):
        store = self._store(token)
        lang = visitor_lang(store)
        products = self._products(store, product).with_context(lang=lang)
        return self._render(
            "clienteling.connect_page",
            store,
            lang,
            self._form_values(f"widget:{store.id}", kind=kind, products=products),
        )

    @http.route(
        "/clienteling/connect/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
        csrf=False,  # the signed form token of the page (see the module docstring)
    )
    def connect_submit(self, token, product=None, **kwargs):
        store = self._store(token)
        lang = visitor_lang(store)
        products = self._products(store, product)
        form_key = f"widget:{store.id}"
        record, errors, status = self._submit(
            store, lang, form_key, "widget", kwargs, products=products
        )
        if errors:
            values = self._form_values(
                form_key, kwargs, errors, products=products.with_context(lang=lang)
            )
            return self._render("clienteling.connect_page", store, lang, values, status)
        return self._thank(f"/clienteling/connect/{token}", record, lang)

    @http.route(
        "/clienteling/connect/<string:token>/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def connect_thanks(self, token, **kwargs):
        store = self._store(token)
        lang = visitor_lang(store)
        values = dict(self._thanks_values(kwargs), back_url=f"/clienteling/connect/{token}")
        return self._render("clienteling.service_request_thanks", store, lang, values)

    # The site footer form.

    @http.route(
        "/clienteling/footer/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def footer_form(self, token, associate=None, **kwargs):
        store = self._store(token)
        employee = self._footer_associate(store, associate)
        lang = visitor_lang(store)
        values = self._form_values(f"footer:{store.id}:{employee.id or 0}")
        return self._render(
            "clienteling.footer_page",
            store,
            lang,
            dict(values, associate=employee, action=self._footer_action(token, employee)),
        )

    def _footer_associate(self, store, slug):
        """The associate the footer form is for, when named: published, of this store."""
        if not slug:
            return request.env["hr.employee"].sudo().browse()
        employee = self._associate(slug)
        if employee.clienteling_store_id != store:
            raise NotFound()
        return employee

    def _footer_action(self, token, employee):
        url = f"/clienteling/footer/{token}"
        return f"{url}?associate={employee.clienteling_storefront_slug}" if employee else url

    @http.route(
        "/clienteling/footer/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
        csrf=False,  # the signed form token of the page (see the module docstring)
    )
    def footer_submit(self, token, associate=None, **kwargs):
        store = self._store(token)
        employee = self._footer_associate(store, associate)
        lang = visitor_lang(store)
        form_key = f"footer:{store.id}:{employee.id or 0}"
        record, errors, status = self._submit(
            store, lang, form_key, "footer", kwargs, associate=employee or None
        )
        if errors:
            values = self._form_values(form_key, kwargs, errors)
            return self._render(
                "clienteling.footer_page",
                store,
                lang,
                dict(values, associate=employee, action=self._footer_action(token, employee)),
                status,
            )
        return self._thank(f"/clienteling/footer/{token}", record, lang)

    @http.route(
        "/clienteling/footer/<string:token>/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def footer_thanks(self, token, **kwargs):
        store = self._store(token)
        lang = visitor_lang(store)
        values = dict(self._thanks_values(kwargs), back_url=f"/clienteling/footer/{token}")
        return self._render("clienteling.service_request_thanks", store, lang, values)

    # An associate's storefront.

    @http.route(
        "/clienteling/a/<string:slug>", type="http", auth="public", methods=["GET"], sitemap=False
    )
    def storefront(self, slug, **kwargs):
        employee = self._associate(slug)
        store = employee.clienteling_store_id
        request.env["clienteling.storefront.visit"].sudo()._record_visit(
            employee,
            request.httprequest.remote_addr,
            request.httprequest.user_agent.string,
        )
        self._record_customer_open(employee)
        lang = visitor_lang(store)
        picks = (
            request.env["clienteling.associate.pick"]
            .sudo()
            .search([("employee_id", "=", employee.id)])
            .filtered(lambda p: self._products(store, p.product_id.id))
        )
        return self._render(
            "clienteling.storefront_page",
            store,
            lang,
            {"employee": employee.with_context(lang=lang), "picks": picks.with_context(lang=lang)},
        )

    def _record_customer_open(self, employee):
        """A signed-in customer (portal user) opening the storefront: their online
        orders of the next days are credited to its associate. Anonymous visitors
        and staff (internal users) are only counted as visits."""
        user = request.env.user
        if user._is_public() or not user.share:
            return
        request.env["clienteling.storefront.open"].sudo()._record_open(
            employee, user.partner_id, "visit"
        )

    @http.route(
        "/clienteling/a/<string:slug>/photo",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def storefront_photo(self, slug, **kwargs):
        employee = self._associate(slug)
        stream = request.env["ir.binary"]._get_image_stream_from(employee, "avatar_256")
        return stream.get_response(max_age=3600)

    @http.route(
        "/clienteling/a/<string:slug>/product/<int:product_id>/image",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def storefront_product_image(self, slug, product_id, **kwargs):
        employee = self._associate(slug)
        product = self._products(employee.clienteling_store_id, product_id)
        if not product:
            raise NotFound()
        stream = request.env["ir.binary"]._get_image_stream_from(product, "image_256")
        return stream.get_response(max_age=3600)

    @http.route(
        "/clienteling/a/<string:slug>/request",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def storefront_request_form(self, slug, kind=None, product=None, **kwargs):
        employee = self._associate(slug)
        store = employee.clienteling_store_id
        lang = visitor_lang(store)
        products = self._products(store, product)
        values = self._form_values(
            f"storefront:{employee.id}", kind=kind, products=products.with_context(lang=lang)
        )
        return self._render(
            "clienteling.storefront_request_page",
            store,
            lang,
            dict(values, employee=employee.with_context(lang=lang)),
        )

    @http.route(
        "/clienteling/a/<string:slug>/request",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
        csrf=False,  # the signed form token of the page (see the module docstring)
    )
    def storefront_request_submit(self, slug, product=None, **kwargs):
        employee = self._associate(slug)
        store = employee.clienteling_store_id
        lang = visitor_lang(store)
        products = self._products(store, product)
        form_key = f"storefront:{employee.id}"
        record, errors, status = self._submit(
            store, lang, form_key, "storefront", kwargs, associate=employee, products=products
        )
        if errors:
            values = self._form_values(
                form_key, kwargs, errors, products=products.with_context(lang=lang)
            )
            return self._render(
                "clienteling.storefront_request_page",
                store,
                lang,
                dict(values, employee=employee.with_context(lang=lang)),
                status,
            )
        return self._thank(f"/clienteling/a/{slug}", record, lang)

    @http.route(
        "/clienteling/a/<string:slug>/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def storefront_thanks(self, slug, **kwargs):
        employee = self._associate(slug)
        store = employee.clienteling_store_id
        lang = visitor_lang(store)
        values = dict(self._thanks_values(kwargs), back_url=f"/clienteling/a/{slug}")
        return self._render("clienteling.service_request_thanks", store, lang, values)
