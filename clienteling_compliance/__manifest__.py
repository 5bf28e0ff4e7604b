# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Compliance",
    "summary": "Per-country regulatory approval, with documents, before any store number "
    "is bought: regulations catalog, applications, US A2P 10DLC and toll-free",
    "version": "18.0.1.0.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling_sms"],
    "external_dependencies": {"python": ["twilio"]},
    "data": [
        "security/clienteling_compliance_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/clienteling_compliance_data.xml",
        "wizards/clienteling_compliance_review_views.xml",
        "views/clienteling_compliance_application_views.xml",
        "views/clienteling_compliance_regulation_views.xml",
        "views/clienteling_compliance_country_views.xml",
        "views/clienteling_store_views.xml",
        "wizards/clienteling_store_onboard_views.xml",
        "wizards/clienteling_phone_number_provision_views.xml",
        "views/clienteling_compliance_menus.xml",
    ],
    "demo": ["demo/clienteling_compliance_demo.xml"],
    "assets": {
        "web.assets_tests": ["clienteling_compliance/static/tests/tours/*.js"],
    },
}
