import logging
import time

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from odoo.addons.clienteling.tools.phone import PhoneNumberError, to_e164

from ..tools.privacy import mask_number
from ..tools.provider import PayloadError
from ..tools.twilio_provider import empty_messaging_twiml, voice_twiml

_logger = logging.getLogger(__name__)

XML = [("Content-Type", "text/xml; charset=utf-8")]


class ClientelingSmsController(http.Controller):
    """Provider webhooks. Each request is authenticated by its signature before
    anything is read from or written to the database beyond finding the account."""

    def _verified_account(self, our_number_field):
        """The account a webhook is for, once its signature is verified: the
        account of our number in ``our_number_field`` (``To`` of an inbound text
        or call, ``From`` of a status callback), else the one its ``AccountSid``
        names. Then, and only then, the request must be consistent: the number
        is one of ours, in service, on that very account, and ``AccountSid`` is
        that account's. Anything else is refused (4xx) and nothing is stored."""
        form = request.httprequest.form
        env = request.env(su=True)
        account = env["clienteling.sms.account"]
        number = env["clienteling.phone.number"]
        raw_number = form.get(our_number_field)
        if raw_number:
            try:
                number = number.search([("number", "=", to_e164(raw_number))], limit=1)
            except PhoneNumberError:
                number = number.browse()
            account = number.account_id
        account_ref = form.get("AccountSid")
        if not account and account_ref:
            account = env["clienteling.sms.account"].search(
                [("twilio_account_sid", "=", account_ref)], limit=1
            )
            if not account and account_ref.startswith("SANDBOX") and account_ref[7:].isdigit():
                account = env["clienteling.sms.account"].browse(int(account_ref[7:])).exists()
        if not raw_number and not account_ref:
            raise BadRequest("The request names no account (To/From and AccountSid missing).")
        if not account or not account.active:
            _logger.warning("Clienteling SMS webhook for an unknown account or number refused")
            raise Forbidden()
        path = (
            request.httprequest.full_path
            if request.httprequest.query_string
            else request.httprequest.path
        )
        url = account.webhook_base_url.rstrip("/") + path
        signature = request.httprequest.headers.get("X-Twilio-Signature", "")
        if not account._get_provider().verify_signature(url, form, signature):
            _logger.warning(
                "Clienteling SMS webhook with a missing or wrong signature refused (%s)", path
            )
            raise Forbidden()
        if account_ref != account._provider_account_ref():
            _logger.warning(
                "Clienteling SMS webhook refused: its AccountSid is not the account of the number"
            )
            raise Forbidden()
        if not number or number.state == "released" or number.account_id != account:
            _logger.warning(
                "Clienteling SMS webhook refused: %s %s is not a number of ours in service",
                our_number_field,
                mask_number(raw_number),
            )
            raise NotFound()
        return account

    def _receive(self, kind, account):
        try:
            # Store and answer at once; the processing cron (triggered now) does the rest.
            request.env(su=True)["clienteling.sms.event"]._receive(
                kind, account, request.httprequest.form.to_dict(), process=False
            )
        except PayloadError as error:
            _logger.warning("Clienteling SMS webhook refused: %s", error)
            raise BadRequest(str(error)) from error

    @http.route(
        "/clienteling/sms/twilio/inbound",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_inbound(self, **kwargs):
        account = self._verified_account("To")
        self._receive("inbound", account)
        return request.make_response(empty_messaging_twiml(), headers=XML)

    @http.route(
        "/clienteling/sms/twilio/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_status(self, **kwargs):
        account = self._verified_account("From")
        self._receive("status", account)
        return request.make_response("", status=204)

    @http.route(
        "/clienteling/sms/twilio/voice",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_voice(self, **kwargs):
        account = self._verified_account("To")
        return request.make_response(
            voice_twiml(account.voice_message or "", account.voice_language), headers=XML
        )

    @http.route(
        "/clienteling/sms/media/<int:attachment_id>/<int:expires>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def media(self, attachment_id, expires, token, **kwargs):
        """An image sent in a text, for the provider (MMS) or the customer (link)."""
        env = request.env(su=True)
        expected = odoo_hmac(env, "clienteling-sms-media", f"{attachment_id}:{expires}")
        if not consteq(expected, token) or expires < time.time():
            raise NotFound()
        attachment = env["ir.attachment"].browse(attachment_id).exists()
        if not attachment or attachment.res_model != "clienteling.conversation":
            raise NotFound()
        return env["ir.binary"]._get_stream_from(attachment).get_response()
