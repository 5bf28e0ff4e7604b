import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { Component, onWillStart, useState } from "@odoo/owl";

/**
 * Adds a customer to the cashier's client book and records their consent to texts
 * with the sentence read to them: the server keeps that exact sentence.
 */
export class ClientelingBookDialog extends Component {
    static template = "clienteling_pos.ClientelingBookDialog";
    static components = { Dialog };
    static props = {
        partner: Object,
        details: Object,
        employeeId: { type: [Number, Boolean] },
        onSaved: Function,
        close: Function,
    };

    setup() {
        this.pos = usePos();
        this.state = useState({ wording: "", consent: false, busy: false, error: "" });
        onWillStart(async () => {
            if (this.canConsent) {
                try {
                    const result = await this.pos.data.call(
                        "res.partner",
                        "clienteling_pos_consent_wording",
                        [this.props.partner.id, this.pos.config.id]
                    );
                    this.state.wording = result.wording;
                } catch (error) {
                    this.state.error = this.errorMessage(error);
                }
            }
        });
    }

    get details() {
        return this.props.details;
    }

    get canConsent() {
        return (
            this.details.has_number &&
            !["opted_in", "opted_out"].includes(this.details.sms_state)
        );
    }

    get title() {
        return this.details.in_my_book
            ? _t("Consent to texts")
            : _t("Add to my client book");
    }

    errorMessage(error) {
        return error?.data?.message || error?.message || _t("The request failed.");
    }

    async confirm() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            const details = await this.pos.data.call(
                "res.partner",
                "clienteling_pos_add_to_book",
                [this.props.partner.id, this.pos.config.id],
                {
                    employee_id: this.props.employeeId,
                    consent: Boolean(this.canConsent && this.state.consent),
                    wording: this.state.wording,
                }
            );
            this.props.onSaved(details);
            this.props.close();
        } catch (error) {
            this.state.error = this.errorMessage(error);
        } finally {
            this.state.busy = false;
        }
    }
}
