import { DiscussApp } from "@mail/core/public_web/discuss_app_model";
import { Record } from "@mail/core/common/record";

import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/** Customer text conversations get their own sidebar category in Discuss. */
patch(DiscussApp.prototype, {
    setup(env) {
        super.setup(env);
        this.clientelingTexts = Record.one("DiscussAppCategory", {
            compute() {
                return {
                    extraClass: "o-clienteling-DiscussSidebarCategory-texts",
                    icon: "fa fa-mobile",
                    hideWhenEmpty: true,
                    id: "clienteling_sms.category_texts",
                    name: _t("Texts"),
                    sequence: 15,
                };
            },
        });
    },
});
