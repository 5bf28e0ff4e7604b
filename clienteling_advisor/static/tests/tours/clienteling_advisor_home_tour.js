import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A Clienteling user opens the Clienteling app from Odoo's home menu: the app opens
// on the Advisor, their own lists; they refresh it: the scheduled refresh is queued.
registry.category("web_tour.tours").add("clienteling_advisor_home_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("clienteling.clienteling_menu_root", "Open Clienteling"),
        {
            content: "The app is Clienteling",
            trigger: ".o_main_navbar .o_menu_brand:contains(Clienteling)",
        },
        {
            content: "It opens on the Advisor",
            trigger: ".o_breadcrumb .active:contains(Advisor)",
        },
        {
            content: "The Advisor's tiles, the lists not built yet",
            trigger:
                ".o_clienteling_advisor .o_kanban_record:contains(Keep in Touch) .o_clienteling_advisor_count:contains(/^0$/)",
        },
        {
            content: "Refresh the lists",
            trigger: ".o_control_panel button:contains(Refresh)",
            run: "click",
        },
        {
            content: "The refresh is queued, and said so",
            trigger: ".o_notification:contains(The Advisor will be refreshed in a moment)",
        },
    ],
});
