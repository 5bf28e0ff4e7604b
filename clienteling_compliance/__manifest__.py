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
    "data": [],
    "demo": [],
}
