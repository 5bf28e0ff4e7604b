import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { useEffect, useState } from "@odoo/owl";
import { PartnerList } from "@point_of_sale/app/screens/partner_list/partner_list";
import { PartnerLine } from "@point_of_sale/app/screens/partner_list/partner_line/partner_line";
import { ClientelingBookDialog } from "@clienteling_pos/app/book_dialog/book_dialog";

// Customers whose clienteling details are asked for at once (the server's limit too).
const DETAILS_LIMIT = 200;

PartnerLine.props = [...PartnerLine.props, "clienteling?", "onClickClientelingAdd?"];

patch(PartnerList.prototype, {
    setup() {
        super.setup(...arguments);
        this.clienteling = useState({ store: false, noStore: false, partners: {} });
        this.clientelingAsked = new Set();
        useEffect(
            (ids) => {
                this.loadClientelingDetails(ids ? ids.split(",").map(Number) : []);
            },
            () => [this.clientelingShownIds().join(",")]
        );
    },
    /** The cashier's employee (pos_hr), or false: the server then takes the user's. */
    clientelingEmployeeId() {
        if (!this.pos.config.module_pos_hr) {
            return false;
        }
        const cashier = this.pos.get_cashier();
        return (cashier && typeof cashier.id === "number" && cashier.id) || false;
    },
    clientelingShownIds() {
        if (this.clienteling.noStore) {
            return [];
        }
        return this.getPartners()
            .slice(0, DETAILS_LIMIT)
            .map((partner) => partner.id)
            .filter((id) => typeof id === "number");
    },
    async loadClientelingDetails(ids) {
        const employeeId = this.clientelingEmployeeId();
        const missing = ids.filter((id) => !this.clientelingAsked.has(`${employeeId}-${id}`));
        if (!missing.length) {
            return;
        }
        missing.forEach((id) => this.clientelingAsked.add(`${employeeId}-${id}`));
        const result = await this.pos.data.silentCall(
            "res.partner",
            "clienteling_pos_details",
            [missing, this.pos.config.id],
            { employee_id: employeeId }
        );
        if (!result) {
            missing.forEach((id) => this.clientelingAsked.delete(`${employeeId}-${id}`));
            return;
        }
        if (!result.store) {
            this.clienteling.noStore = true;
            return;
        }
        this.clienteling.store = result.store;
        Object.assign(this.clienteling.partners, result.partners);
    },
    openClientelingDialog(partner) {
        const details = this.clienteling.partners[partner.id];
        if (!details) {
            return;
        }
        this.dialog.add(ClientelingBookDialog, {
            partner,
            details,
            employeeId: this.clientelingEmployeeId(),
            onSaved: (newDetails) => {
                if (newDetails) {
                    this.clienteling.partners[partner.id] = newDetails;
                }
                this.notification.add(
                    _t("%s is in your client book.", partner.name),
                    { type: "success" }
                );
            },
        });
    },
});
