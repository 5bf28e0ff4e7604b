import { registry } from "@web/core/registry";

// A store manager opens the KPI dashboard, switches periods and opens a card's pivot.
registry.category("web_tour.tours").add("clienteling_kpi_tour", {
    steps: () => [
        {
            content: "This month's requests of the store",
            trigger: ".o_clienteling_kpi_card[data-kpi=requests] .o_clienteling_kpi_value:contains(2)",
        },
        {
            content: "Half of them asked for a text",
            trigger: ".o_clienteling_kpi_card[data-kpi=text_preference] .o_clienteling_kpi_value:contains(50)",
        },
        {
            content: "When the figures were computed",
            trigger: ".o_clienteling_kpi_updated:contains(Updated at)",
        },
        {
            content: "This week",
            trigger: ".o_clienteling_kpi_dashboard button:contains(This Week)",
            run: "click",
        },
        {
            content: "This week's figures",
            trigger: ".o_clienteling_kpi_dashboard .btn-primary:contains(This Week)",
        },
        {
            content: "Open the requests",
            trigger: ".o_clienteling_kpi_card[data-kpi=requests]",
            run: "click",
        },
        {
            content: "The pivot of the requests by store",
            trigger: ".o_pivot .o_pivot_header_cell_closed, .o_pivot th:contains(Test Fifth Avenue)",
        },
    ],
});
