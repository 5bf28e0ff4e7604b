# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Advisor",
    "summary": "Whom each associate should contact today: lapsed customers, customers to "
    "add to the client book, new and pending customers, upcoming important dates",
    "version": "18.0.1.2.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling"],
    "data": [
        "security/clienteling_advisor_security.xml",
        "security/ir.model.access.csv",
        "data/clienteling_advisor_category_data.xml",
        "data/ir_cron_data.xml",
        "views/clienteling_advisor_recommendation_views.xml",
        "views/clienteling_advisor_category_views.xml",
        "views/clienteling_advisor_snooze_views.xml",
        "views/res_config_settings_views.xml",
        "views/clienteling_advisor_menus.xml",
    ],
    "demo": ["demo/clienteling_advisor_demo.xml"],
    "uninstall_hook": "uninstall_hook",
    "assets": {
        "web.assets_tests": ["clienteling_advisor/static/tests/tours/*.js"],
    },
}
