# Copyright 2026 Clienteling for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Clienteling Engage SMS",
    "summary": "Texts to a store number in the store inbox, and SMS replies from it",
    "version": "18.0.1.2.0",
    "category": "Sales/Clienteling",
    "website": "https://github.com/clienteling-odoo/clienteling",
    "author": "Clienteling for Odoo",
    "maintainers": ["clienteling-odoo"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["clienteling_engage", "clienteling_sms"],
    "auto_install": True,
    "data": ["views/clienteling_inbox_message_views.xml"],
}
