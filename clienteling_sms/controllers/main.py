import logging
import time

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..tools.provider import WebhookRefused

_logger = logging.getLogger(__name__)

REFUSALS = {400: BadRequest, 403: Forbidden, 404: NotFound}


class ClientelingSmsController(http.Controller):
    """Provider webhooks, one route per provider key: the provider's class reads
    the request and the account it names checks its signature before anything is
    read from or written to the database beyond finding the account (see
    ``clienteling.sms.event._handle_webhook``)."""

    @http.route(
        [
            "/clienteling/sms/<string:provider_key>/inbound",
            "/clienteling/sms/<string:provider_key>/status",
            "/clienteling/sms/<string:provider_key>/voice",
        ],
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def webhook(self, provider_key, **kwargs):
        httprequest = request.httprequest
        kind = httprequest.path.rstrip("/").rsplit("/", 1)[1]
        path = httprequest.full_path if httprequest.query_string else httprequest.path
        try:
            response, _event = request.env(su=True)["clienteling.sms.event"]._handle_webhook(
                provider_key, kind, path, httprequest.form, httprequest.headers
            )
        except WebhookRefused as refused:
            _logger.warning("Clienteling SMS webhook refused: %s", refused)
            description = str(refused) if refused.status == 400 else None
            raise REFUSALS.get(refused.status, BadRequest)(description) from None
        return request.make_response(
            response.body, headers=response.headers, status=response.status
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
        if not attachment or not (
            attachment.res_model == "clienteling.conversation"
            or (
                attachment.res_model == "discuss.channel"
                and env["discuss.channel"].browse(attachment.res_id).channel_type
                == "clienteling_text"
            )
        ):
            raise NotFound()
        return env["ir.binary"]._get_stream_from(attachment).get_response()
