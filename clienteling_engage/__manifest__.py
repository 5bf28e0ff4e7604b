# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Engage",
    "summary": "The store inbox: every e-mail to the store's mailboxes in one triage grid, "
    "linked to customers, with To-Dos, appointments and an audit trail",
    "version": "18.0.1.2.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling", "calendar"],
    "external_dependencies": {"python": ["imapclient", "phonenumbers"]},
    "data": [
        "security/clienteling_engage_security.xml",
        "security/ir.model.access.csv",
        "data/clienteling_engage_cron.xml",
        "views/clienteling_mail_account_views.xml",
        "views/clienteling_inbox_message_views.xml",
        "views/clienteling_engage_menus.xml",
    ],
    "demo": ["demo/clienteling_inbox_demo.xml"],
    "assets": {
        "web.assets_backend": ["clienteling_engage/static/src/views/*"],
        "web.assets_tests": ["clienteling_engage/static/tests/tours/*.js"],
    },
}
