import { Store } from "@mail/core/common/store_service";

import { rpc } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";

/** A text that cannot be sent (opted out, not opted in, outside the rules) is
 * refused with its reason in a dialog (with "Send the Opt-in Message" when that
 * is the way on), and the words go back to the composer: never a silent
 * "failed to post" bubble. */
patch(Store.prototype, {
    async doMessagePost(params, tmpMessage) {
        const thread = tmpMessage?.thread;
        if (thread?.channel_type !== "clienteling_text") {
            return super.doMessagePost(...arguments);
        }
        return this.messagePostMutex.exec(async () => {
            try {
                return await rpc("/mail/message/post", params);
            } catch (error) {
                const body = params.post_data?.body || "";
                const words = new DOMParser().parseFromString(body, "text/html").body.textContent;
                thread.messages.delete(tmpMessage);
                tmpMessage.delete();
                if (thread.composer && !thread.composer.text) {
                    thread.composer.text = words;
                }
                throw error;
            }
        });
    },
});
