import { onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ListRenderer } from "@web/views/list/list_renderer";
import { listView } from "@web/views/list/list_view";

// The Engage inbox: a warning above the messages for each mailbox of the user's
// stores whose last sync failed (no new mail arrives from it until it is fixed).
export class ClientelingInboxListRenderer extends ListRenderer {
    static template = "clienteling.InboxListRenderer";

    setup() {
        super.setup();
        this.orm = useService("orm");
        this.mailboxes = useState({ warnings: [] });
        onWillStart(() => this.loadMailboxWarnings());
        onWillUpdateProps(() => this.loadMailboxWarnings());
    }

    async loadMailboxWarnings() {
        this.mailboxes.warnings = await this.orm.call(
            "clienteling.inbox.message",
            "clienteling_mailbox_warnings",
            []
        );
    }
}

registry.category("views").add("clienteling_inbox_list", {
    ...listView,
    Renderer: ClientelingInboxListRenderer,
});
