import { Composer } from "@mail/core/common/composer";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

import { describeText } from "./segments";

/** Writing a text: characters and segments, as in the text composer; Share Products. */
patch(Composer.prototype, {
    get clientelingTextCounter() {
        if (this.thread?.channel_type !== "clienteling_text" || !this.props.composer.text) {
            return "";
        }
        const { encoding, length, segments } = describeText(this.props.composer.text);
        return _t("%(length)s characters · %(segments)s segment(s) · %(encoding)s", {
            length,
            segments,
            encoding,
        });
    },
    get clientelingCanShareProducts() {
        return this.thread?.channel_type === "clienteling_text" && !this.props.composer.message;
    },
    async onClickClientelingShareProducts() {
        const action = await this.env.services.orm.call(
            "discuss.channel",
            "action_clienteling_share_products",
            [[this.thread.id]]
        );
        const thread = this.thread;
        await this.env.services.action.doAction(action, {
            // the text shows at once, even when the bus is slow or down (Discuss
            // waits for the bus to show new messages of a loaded chat)
            onClose: async () => {
                if (thread.status === "loading") {
                    return;
                }
                thread.loadNewer = true;
                await thread.fetchMoreMessages("newer");
                thread.loadNewer = false;
            },
        });
    },
});
