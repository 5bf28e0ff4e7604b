import logging

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request

from odoo.addons.clienteling_sms.tools.provider import WebhookRefused

_logger = logging.getLogger(__name__)

REFUSALS = {400: BadRequest, 403: Forbidden, 404: NotFound}


class ClientelingComplianceController(http.Controller):
    """The provider's status callbacks about an application, signed like its
    SMS webhooks (see ``clienteling.compliance.event._handle_callback``)."""

    @http.route(
        "/clienteling/compliance/<string:provider_key>/status/<int:application_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def status(self, provider_key, application_id, **kwargs):
        httprequest = request.httprequest
        path = httprequest.full_path if httprequest.query_string else httprequest.path
        try:
            request.env(su=True)["clienteling.compliance.event"]._handle_callback(
                provider_key, application_id, path, httprequest.form, httprequest.headers
            )
        except WebhookRefused as refused:
            _logger.warning("Compliance status callback refused: %s", refused)
            raise REFUSALS.get(refused.status, BadRequest)() from None
        return request.make_response("", status=204)
