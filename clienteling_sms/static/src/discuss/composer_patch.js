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
        await this.env.services.action.doAction(action);
    },
});
