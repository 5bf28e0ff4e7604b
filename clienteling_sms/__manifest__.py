# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling SMS",
    "summary": "Two-way texting with customers through Twilio, with opt-in, STOP and "
    "quiet hours that always hold",
    "version": "18.0.1.4.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling", "sms"],
    "external_dependencies": {"python": ["twilio", "phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
        "security/clienteling_sms_security.xml",
        "data/ir_cron_data.xml",
        "views/clienteling_sms_account_views.xml",
        "views/clienteling_phone_number_views.xml",
        "views/clienteling_conversation_views.xml",
        "views/clienteling_sms_message_views.xml",
        "views/clienteling_sms_event_views.xml",
        "views/clienteling_store_views.xml",
        "views/res_partner_views.xml",
        "views/sms_sms_views.xml",
        "wizards/clienteling_product_share_views.xml",
        "wizards/clienteling_sms_composer_views.xml",
        "wizards/clienteling_store_onboard_views.xml",
        "wizards/clienteling_phone_number_provision_views.xml",
        "wizards/clienteling_conversation_link_views.xml",
        "wizards/clienteling_sms_simulate_views.xml",
        "views/clienteling_sms_menus.xml",
    ],
    "demo": ["demo/clienteling_sms_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "clienteling_sms/static/src/discuss/**/*",
        ],
        "web.assets_tests": ["clienteling_sms/static/tests/tours/*.js"],
    },
}
