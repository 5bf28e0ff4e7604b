import { Thread } from "@mail/core/common/thread_model";
import { compareDatetime } from "@mail/utils/common/misc";

import { patch } from "@web/core/utils/patch";

const TEXTS = "clienteling_text";

patch(Thread.prototype, {
    _computeDiscussAppCategory() {
        if (this.channel_type === TEXTS) {
            return this.store.discuss.clientelingTexts;
        }
        return super._computeDiscussAppCategory();
    },
    /** Like a direct chat: every customer text notifies and counts as unread. */
    get isChatChannel() {
        return this.channel_type === TEXTS || super.isChatChannel;
    },
    get autoOpenChatWindowOnNewMessage() {
        return this.channel_type === TEXTS || super.autoOpenChatWindowOnNewMessage;
    },
    /** Membership follows the store: associates don't leave a customer's texts. */
    get canLeave() {
        return this.channel_type !== TEXTS && super.canLeave;
    },
    get allowCalls() {
        return this.channel_type !== TEXTS && super.allowCalls;
    },
    get allowDescription() {
        return this.channel_type !== TEXTS && super.allowDescription;
    },
    /** The customer's picture, as a phone shows the contact's. */
    get avatarUrl() {
        if (this.channel_type === TEXTS && this.clienteling_partner_id) {
            return `/web/image/res.partner/${this.clienteling_partner_id}/avatar_128`;
        }
        return super.avatarUrl;
    },
    get isClientelingText() {
        return this.channel_type === TEXTS;
    },
});

export function compareTextThreads(t1, t2) {
    return compareDatetime(t2.lastInterestDt, t1.lastInterestDt) || t2.id - t1.id;
}
