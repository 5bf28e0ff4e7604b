# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Point of Sale",
    "summary": "Paid Point of Sale orders update the customers' purchases and credit "
    "the sales to stores and associates; the till shows the clienteling details",
    "version": "18.0.1.0.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling", "point_of_sale", "pos_hr"],
    "data": [
        "views/clienteling_store_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": ["demo/clienteling_pos_demo.xml"],
    "assets": {},
    "auto_install": True,
}
