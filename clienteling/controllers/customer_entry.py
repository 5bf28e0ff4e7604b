import logging

from babel.dates import get_month_names
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request
from odoo.tools.misc import babel_locale_parse

from ..models.clienteling_rate_limit_mixin import CustomerEntryRateLimited
from ..tools.customer_entry import echo_values, is_token

_logger = logging.getLogger(__name__)

THANKS_KEY = "clienteling_entry_thanks"
FORM_FIELDS = (
    "name",
    "email",
    "mobile",
    "birthday_day",
    "birthday_month",
    "birthday_year",
    "consent",
)


def birthday_text(form):
    """``YYYY-MM-DD`` or ``MM-DD`` from the form's three birthday inputs, or ``""``."""
    day, month, year = (
        str(form.get(f"birthday_{part}") or "").strip() for part in ("day", "month", "year")
    )
    if not (day or month or year):
        return ""
    text = f"{month.zfill(2)}-{day.zfill(2)}"
    return f"{year}-{text}" if year else text


def visitor_lang(store):
    """The visitor's language when installed, else the store company's."""
    installed = [code for code, _name in request.env["res.lang"].get_installed()]
    wanted = request.params.get("lang")
    if wanted in installed:
        return wanted
    by_prefix = {code.split("_")[0]: code for code in reversed(installed)}
    for accepted in request.httprequest.accept_languages.values():
        code = accepted.replace("-", "_")
        if code in installed:
            return code
        if code.split("_")[0] in by_prefix:
            return by_prefix[code.split("_")[0]]
    return store.company_id.partner_id.lang or "en_US"


class ClientelingCustomerEntryController(http.Controller):
    """The public customer entry form of a store, reached by its secret link."""

    def _store(self, token):
        if not is_token(token):
            raise NotFound()  # e.g. a NUL byte, which the database refuses
        store = (
            request.env["clienteling.store"]
            .sudo()
            .search([("entry_token", "=", token), ("active", "=", True)], limit=1)
        )
        if not token or not store:
            raise NotFound()
        return store

    def _lang(self, store):
        return visitor_lang(store)

    def _associate(self, store):
        """The associate signed in on this device, when they work in this store."""
        user = request.env.user
        if user._is_public() or not user._is_internal():
            return None
        employee = user.sudo().employee_ids.filtered(lambda e: e.clienteling_store_id == store)
        return employee[:1] or None

    def _render(self, store, lang, form=None, errors=None, status=200):
        """The form; after a refused submission, with what was typed (cut to what
        each input accepts, the consent box ticked only if the visitor ticked it)."""
        request.update_context(lang=lang)
        store = store.with_context(lang=lang)
        response = request.render(
            "clienteling.customer_entry_page",
            {
                "store": store,
                "consent_text": store._entry_consent_text(),
                "values": echo_values(form or {}),
                "errors": errors or {},
                "lang": lang,
                "months": sorted(get_month_names("wide", locale=babel_locale_parse(lang)).items()),
            },
        )
        response.status_code = status
        return response

    @http.route(
        "/clienteling/join/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def entry_form(self, token, **kwargs):
        store = self._store(token)
        return self._render(store, self._lang(store))

    @http.route(
        "/clienteling/join/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def entry_submit(self, token, **kwargs):
        store = self._store(token)
        lang = self._lang(store)
        Entry = request.env["clienteling.customer.entry"].sudo().with_context(lang=lang)
        form = {field: kwargs.get(field, "") for field in FORM_FIELDS}
        if kwargs.get("website"):
            # A field people never see, filled: a bot. Thank it, keep nothing.
            _logger.info("Customer entry form of store %s: bot submission ignored", store.id)
            return self._thank(store, lang, form["name"])
        try:
            entry, errors = Entry._submit(
                store,
                dict(form, birthday=birthday_text(form)),
                request.httprequest.remote_addr,
                self._associate(store),
                request.httprequest.user_agent.string,
            )
        except CustomerEntryRateLimited as error:
            return self._render(store, lang, form, {"form": str(error)}, status=429)
        if errors:
            return self._render(store, lang, form, errors, status=400)
        return self._thank(store, lang, entry.name)

    def _thank(self, store, lang, name):
        """Redirect after a successful POST: reloading the thank-you page sends
        nothing again. The name waits in the visitor's session, never in a URL."""
        name = echo_values({"name": name})["name"]
        request.session[THANKS_KEY] = {"store": store.id, "name": name}
        return request.redirect(
            f"/clienteling/join/{store.entry_token}/thanks?lang={lang}", code=303, local=True
        )

    @http.route(
        "/clienteling/join/<string:token>/thanks",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def entry_thanks(self, token, **kwargs):
        store = self._store(token)
        lang = self._lang(store)
        thanks = request.session.pop(THANKS_KEY, None)
        if not thanks or thanks.get("store") != store.id:
            return request.redirect(f"/clienteling/join/{token}?lang={lang}", code=303, local=True)
        request.update_context(lang=lang)
        return request.render(
            "clienteling.customer_entry_thanks",
            {
                "store": store.with_context(lang=lang),
                "name": thanks["name"],
                "lang": lang,
                # Staff wording only for an associate of this store, signed in here.
                "associate": self._associate(store),
            },
        )
