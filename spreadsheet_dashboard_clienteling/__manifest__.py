# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Dashboard",
    "summary": "A Clienteling dashboard in Odoo's Dashboards: texts, conversations, "
    "opt-ins and opt-outs, Advisor lines per store and associate",
    "version": "18.0.1.0.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["spreadsheet_dashboard", "clienteling_sms", "clienteling_advisor"],
    "auto_install": True,
    "data": [
        "data/spreadsheet_dashboard_data.xml",
        "views/clienteling_dashboard_menus.xml",
    ],
}
