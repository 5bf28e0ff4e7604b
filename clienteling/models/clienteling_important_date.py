import babel.dates

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import babel_locale_parse, get_lang

from ..tools.dates import DateError, check_month_day, day_month_text, next_occurrence


class ClientelingImportantDate(models.Model):
    """A yearly date of a customer: birthday, anniversary or another occasion."""

    _name = "clienteling.important.date"
    _description = "Customer Important Date"
    _order = "next_date, id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("birthday", "Birthday"), ("anniversary", "Anniversary"), ("other", "Other")],
        required=True,
        default="birthday",
    )
    label = fields.Char(help="What the date is, for 'Other' (e.g. 'Wedding of her daughter').")
    month = fields.Integer(required=True)
    day = fields.Integer(required=True)
    year = fields.Integer(help="Optional: the year it first happened (e.g. year of birth).")
    note = fields.Text()
    next_date = fields.Date(
        compute="_compute_next_date",
        store=True,
        index=True,
        help="Next occurrence, today included. 29 February falls on 28 February in "
        "common years. Refreshed every day.",
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("month_range", "CHECK (month BETWEEN 1 AND 12)", "The month must be between 1 and 12."),
        ("day_range", "CHECK (day BETWEEN 1 AND 31)", "The day must be between 1 and 31."),
    ]

    @api.depends("month", "day")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for record in self:
            try:
                check_month_day(record.month, record.day)
            except ValueError:
                record.next_date = False
                continue
            record.next_date = next_occurrence(record.month, record.day, today)

    @api.model
    def _day_month_text(self, day, month, year=None):
        """A day and month (and year) in the user's date format ("05/04" for 4 May
        in English (US), "04/05" in French), or "" without a day and month."""
        return day_month_text(day, month, year, date_format=get_lang(self.env).date_format)

    @api.depends("kind", "label", "month", "day", "year")
    @api.depends_context("lang")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            what = (
                record.label
                if record.kind == "other" and record.label
                else kinds.get(record.kind, "")
            )
            # day and month in the user's language: "March 28", "28 mars"
            when = (
                babel.dates.format_skeleton(
                    "MMMMd", record.next_date, locale=babel_locale_parse(get_lang(self.env).code)
                )
                if record.next_date
                else ""
            )
            record.display_name = f"{what} · {when}" if when else what

    @api.constrains("month", "day", "year", "kind", "label")
    def _check_date(self):
        for record in self:
            try:
                check_month_day(record.month, record.day, record.year or None)
            except DateError as error:
                raise ValidationError(
                    self.env._(
                        "%(customer)s: %(reason)s",
                        customer=record.partner_id.display_name,
                        reason=self._date_error_message(error),
                    )
                ) from error
            if record.kind == "other" and not (record.label or "").strip():
                raise ValidationError(
                    self.env._("Say what the date is: a label is required for 'Other'.")
                )

    @api.model
    def _date_error_message(self, error):
        """Why a month/day/year is impossible (a :class:`DateError`), for the user."""
        params = error.params
        if error.code == "month":
            return self.env._(
                "Month must be between 1 and 12, not %(month)s.", month=params["month"]
            )
        if error.code == "year":
            return self.env._(
                "Year must be between 1900 and 2200, not %(year)s.", year=params["year"]
            )
        return self.env._(
            "Day must be between 1 and %(last_day)s for month %(month)s, not %(day)s.",
            last_day=params["last_day"],
            month=params["month"],
            day=params["day"],
        )

    @api.constrains("partner_id", "kind")
    def _check_one_birthday(self):
        for partner in self.filtered(lambda r: r.kind == "birthday").partner_id:
            if self.search_count([("partner_id", "=", partner.id), ("kind", "=", "birthday")]) > 1:
                raise ValidationError(
                    self.env._("%s already has a birthday.", partner.display_name)
                )

    def write(self, vals):
        res = super().write(vals)
        if "partner_id" in vals and not self.env.su:
            # The rules were checked on the former customer: the new one must pass too.
            self.check_access("write")
        return res

    @api.model
    def _cron_update_next_date(self):
        """Move every date that has passed to its next occurrence."""
        today = fields.Date.context_today(self)
        passed = self.search([("next_date", "<", today)])
        self.env.add_to_compute(self._fields["next_date"], passed)
        passed.flush_recordset(["next_date"])
        return len(passed)
