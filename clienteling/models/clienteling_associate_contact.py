from odoo import api, fields, models
from odoo.tools import SQL, create_index

from .res_partner import CONTACT_CHANNELS, CONTACT_DIRECTIONS


class ClientelingAssociateContact(models.Model):
    """Who last talked to whom: one row per customer and associate.

    Written by ``res.partner._clienteling_register_contact`` with one upsert, so
    that "the customers this associate talked to" is one indexed query.
    """

    _name = "clienteling.associate.contact"
    _description = "Customer Contact by Associate"
    _order = "last_contact_date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    employee_id = fields.Many2one(
        "hr.employee", string="Associate", required=True, ondelete="cascade", readonly=True
    )
    store_id = fields.Many2one("clienteling.store", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    first_contact_date = fields.Datetime(readonly=True)
    last_contact_date = fields.Datetime(required=True, readonly=True)
    last_channel = fields.Selection(CONTACT_CHANNELS, readonly=True)
    last_direction = fields.Selection(CONTACT_DIRECTIONS, readonly=True)
    contact_count = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "partner_employee_uniq",
            "unique(partner_id, employee_id)",
            "One contact summary per customer and associate.",
        ),
    ]

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "clienteling_associate_contact_employee_recent_idx",
            self._table,
            ["employee_id", "last_contact_date DESC"],
        )
        return res

    @api.model
    def _upsert(self, partners, employee, channel, direction, moment):
        """Insert or update the rows of ``partners`` and ``employee`` in one statement.

        The newest contact wins whatever the order calls arrive in.
        """
        employee = employee.sudo()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO clienteling_associate_contact AS c
                       (partner_id, employee_id, store_id, company_id, first_contact_date,
                        last_contact_date, last_channel, last_direction, contact_count,
                        create_uid, create_date, write_uid, write_date)
                SELECT p.id, %(employee)s, %(store)s, %(company)s, %(moment)s,
                       %(moment)s, %(channel)s, %(direction)s, 1,
                       %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                  FROM unnest(%(partner_ids)s::int[]) AS p(id)
                ON CONFLICT (partner_id, employee_id) DO UPDATE SET
                       contact_count = c.contact_count + 1,
                       first_contact_date = LEAST(c.first_contact_date, EXCLUDED.first_contact_date),
                       last_channel = CASE WHEN EXCLUDED.last_contact_date >= c.last_contact_date
                                           THEN EXCLUDED.last_channel ELSE c.last_channel END,
                       last_direction = CASE WHEN EXCLUDED.last_contact_date >= c.last_contact_date
                                             THEN EXCLUDED.last_direction ELSE c.last_direction END,
                       last_contact_date = GREATEST(c.last_contact_date, EXCLUDED.last_contact_date),
                       store_id = COALESCE(EXCLUDED.store_id, c.store_id),
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                """,
                employee=employee.id,
                store=employee.clienteling_store_id.id or None,
                company=employee.company_id.id,
                moment=moment,
                channel=channel,
                direction=direction,
                uid=self.env.uid,
                partner_ids=list(partners.ids),
            )
        )
        self.invalidate_model()
        partners.invalidate_recordset(["clienteling_contact_ids"])
