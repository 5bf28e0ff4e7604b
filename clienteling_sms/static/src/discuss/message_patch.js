import { Message } from "@mail/core/common/message";

import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { patch } from "@web/core/utils/patch";

/** The delivery state of a text under its bubble, and the actions on a
 * scheduled text (cancel, send now). */
patch(Message.prototype, {
    get clientelingText() {
        return this.props.message.clienteling_text;
    },
    get clientelingTextLabel() {
        const text = this.clientelingText;
        if (!text) {
            return "";
        }
        if (text.state === "scheduled" && text.scheduled_date) {
            const when = formatDateTime(deserializeDateTime(text.scheduled_date), {
                format: "ccc d LLL HH:mm",
            });
            return _t("Scheduled for %(when)s (quiet hours)", { when });
        }
        return text.reason ? `${text.label}: ${text.reason}` : text.label;
    },
    async onClick(ev) {
        const card = ev.target.closest(".o-clienteling-RequestCard");
        if (card && this.props.message.clienteling_request_card) {
            if (ev.target.closest(".o-clienteling-RequestCard-reply")) {
                // the reply is a text: written in this chat's composer
                ev.preventDefault();
                if (this.props.thread?.composer) {
                    this.props.thread.composer.autofocus++;
                }
                return;
            }
            if (ev.target.closest(".o-clienteling-RequestCard-open")) {
                ev.preventDefault();
                await this.env.services.action.doAction({
                    type: "ir.actions.act_window",
                    res_model: "clienteling.service.request",
                    res_id: Number(card.dataset.oeId),
                    views: [[false, "form"]],
                });
                return;
            }
        }
        return super.onClick(ev);
    },
    async onClickClientelingText(method) {
        await this.env.services.orm.call("clienteling.sms.message", method, [
            [this.clientelingText.id],
        ]);
    },
});
