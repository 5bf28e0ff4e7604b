import {Component, onWillStart, useState} from "@odoo/owl";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {formatFloat, formatFloatTime, formatInteger} from "@web/views/fields/formatters";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Reporting > Clienteling KPIs: the cards of this week, month or quarter, read
 * through clienteling.kpi.get_dashboard (record rules apply); a card opens the
 * pivot of its measure over the same rows.
 */
export class ClientelingKpiDashboard extends Component {
    static template = "clienteling.KpiDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.periods = [
            {key: "week", label: _t("This Week")},
            {key: "month", label: _t("This Month")},
            {key: "quarter", label: _t("This Quarter")},
        ];
        this.state = useState({period: "month", storeId: false, data: null, refreshing: false});
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("clienteling.kpi", "get_dashboard", [
            this.state.period,
            this.state.storeId || null,
        ]);
    }

    async setPeriod(period) {
        this.state.period = period;
        await this.load();
    }

    async setStore(event) {
        this.state.storeId = parseInt(event.target.value, 10) || false;
        await this.load();
    }

    async refresh() {
        this.state.refreshing = true;
        try {
            const action = await this.orm.call("clienteling.kpi", "action_refresh", []);
            await this.action.doAction(action);
        } finally {
            this.state.refreshing = false;
        }
    }

    get title() {
        return (this.props.action && this.props.action.name) || _t("Clienteling KPIs");
    }

    get refreshedAt() {
        const value = this.state.data && this.state.data.refreshed_at;
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }

    formatValue(card) {
        if (card.value === null || card.value === undefined || card.value === false) {
            return "–";
        }
        if (card.format === "percent") {
            return `${formatFloat(card.value, {digits: [16, 1]})} %`;
        }
        if (card.format === "amount") {
            return this.formatAmount(card.value);
        }
        if (card.format === "hours") {
            return formatFloatTime(card.value);
        }
        if (card.format === "seconds") {
            return formatFloatTime(card.value / 3600);
        }
        return formatInteger(card.value);
    }

    formatAmount(value) {
        return formatFloat(value, {digits: [16, 2]});
    }

    openAssociateSales(line) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: line.name,
            res_model: "clienteling.kpi",
            views: [
                [false, "pivot"],
                [false, "graph"],
            ],
            domain: [...this.state.data.domain, ["employee_id", "=", line.id]],
            context: {
                pivot_measures: ["sales_amount", "link_sales_amount"],
                graph_measure: "sales_amount",
                pivot_row_groupby: ["day:week"],
            },
        });
    }

    openCard(card) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: card.label,
            res_model: "clienteling.kpi",
            views: [
                [false, "pivot"],
                [false, "graph"],
            ],
            domain: this.state.data.domain,
            context: {
                pivot_measures: [card.measure],
                graph_measure: card.measure,
                pivot_row_groupby: ["store_id", "employee_id"],
                pivot_column_groupby: ["day:week"],
            },
        });
    }
}

registry.category("actions").add("clienteling_kpi_dashboard", ClientelingKpiDashboard);
