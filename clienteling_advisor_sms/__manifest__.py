# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Advisor SMS",
    "summary": "Text a customer from an Advisor list",
    "version": "18.0.1.0.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling_advisor", "clienteling_sms"],
    "auto_install": True,
    "data": ["views/clienteling_advisor_recommendation_views.xml"],
}
