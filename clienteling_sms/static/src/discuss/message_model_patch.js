import { Message } from "@mail/core/common/message_model";

import { patch } from "@web/core/utils/patch";

/** A service request's preview (Reply by Text) is a notice of the chat, never a
 * text: shown as a card with its buttons rather than as a one-line notice. */
patch(Message.prototype, {
    get isNotification() {
        return !this.clienteling_request_card && super.isNotification;
    },
});
