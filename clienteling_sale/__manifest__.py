# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Sales",
    "summary": "Confirmed sale orders update the customers' purchases and credit "
    "the sales to stores and associates",
    "version": "18.0.1.1.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling", "sale"],
    "data": [
        "views/crm_team_views.xml",
    ],
    "demo": ["demo/clienteling_sale_demo.xml"],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
