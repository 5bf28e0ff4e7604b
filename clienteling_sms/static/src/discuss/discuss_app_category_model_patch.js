import { DiscussAppCategory } from "@mail/core/public_web/discuss_app_category_model";

import { patch } from "@web/core/utils/patch";

import { compareTextThreads } from "./thread_model_patch";

patch(DiscussAppCategory.prototype, {
    /** Most recent conversation first, as in a phone's messages app. */
    sortThreads(t1, t2) {
        if (this.eq(this.app?.clientelingTexts)) {
            return compareTextThreads(t1, t2);
        }
        return super.sortThreads(t1, t2);
    },
});
