import logging
from datetime import datetime, timedelta

import pytz
from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, clean_context, create_index

from ..tools.customer_entry import EMAIL_PATTERN, rate_key
from ..tools.phone import PhoneNumberError, to_e164
from ..tools.service_request_form import check_request_submission

_logger = logging.getLogger(__name__)

REQUEST_KINDS = [
    ("question", "Question"),
    ("appointment", "Appointment"),
    ("personal_shopping", "Personal Shopping"),
]
REQUEST_SOURCES = [
    ("widget", "Connect Widget"),
    ("storefront", "Storefront"),
    ("footer", "Site Footer"),
    ("associate", "Entered by an Associate"),
]
REQUEST_STATES = [
    ("new_lead", "New Lead"),
    ("accepted", "Accepted"),
    ("replied", "Replied"),
    ("closed", "Closed"),
    ("declined", "Declined"),
]
# Written by the routing at creation and by the actions only (as superuser).
ROUTING_FIELDS = frozenset(
    {
        "state",
        "received_date",
        "accepted_date",
        "accepted_by_id",
        "first_reply_date",
        "source",
        "calendar_event_id",
        "consent_wording",
        "lang",
    }
)
APPOINTMENT_LENGTH = timedelta(hours=1)  # when the customer gave no end
# Odoo's own "1 Days" and "1 Hours" notification alarms (calendar data), and
# how to find or make them again if they were deleted
APPOINTMENT_ALARMS = [
    ("calendar.alarm_notif_5", 1, "days"),
    ("calendar.alarm_notif_3", 1, "hours"),
]


class ClientelingServiceRequest(models.Model):
    """A customer's request for a question, an appointment or personal shopping,
    sent from the retailer's site or entered by an associate: a New Lead of its
    store until an associate accepts it, or routed at once to an associate or to
    the store's team (Customer Requests)."""

    _name = "clienteling.service.request"
    _description = "Customer Service Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "clienteling.rate.limit.mixin"]
    _order = "received_date desc, id desc"
    _rec_name = "customer_name"
    _check_company_auto = True

    kind = fields.Selection(REQUEST_KINDS, required=True, default="question", tracking=True)
    source = fields.Selection(
        REQUEST_SOURCES, required=True, default="associate", readonly=True, index=True
    )
    customer_name = fields.Char(required=True, tracking=True)
    email = fields.Char(tracking=True)
    mobile = fields.Char(help="In international (E.164) form.", tracking=True)
    mobile_display = fields.Char(compute="_compute_mobile_display", string="Mobile Number")
    preferred_channel = fields.Selection(
        [("email", "Email"), ("text", "Text Message")],
        required=True,
        default="email",
        tracking=True,
        help="How the customer wants to be answered.",
    )
    message = fields.Text()
    preferred_date_start = fields.Datetime(
        string="Preferred From", help="For an appointment: the earliest time that suits."
    )
    preferred_date_end = fields.Datetime(
        string="Preferred Until", help="For an appointment: the latest time that suits."
    )
    product_ids = fields.Many2many(
        "product.product",
        "clienteling_service_request_product_rel",
        "request_id",
        "product_id",
        string="Products of Interest",
        check_company=True,
    )
    consent_wording = fields.Text(
        readonly=True,
        help="The exact consent text the public form showed when the customer ticked its box.",
    )
    lang = fields.Char(
        string="Form Language",
        readonly=True,
        help="The language the public form was shown in: its confirmation uses it too.",
    )
    store_id = fields.Many2one(
        "clienteling.store", required=True, index=True, tracking=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="store_id.company_id", store=True, index=True)
    associate_id = fields.Many2one(
        "hr.employee",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="set null",
        domain="[('clienteling_store_id', '=', store_id)]",
        help="Empty on an accepted request: the store's team answers it.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    state = fields.Selection(
        REQUEST_STATES, required=True, default="new_lead", index=True, tracking=True, readonly=True
    )
    received_date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    accepted_date = fields.Datetime(readonly=True)
    accepted_by_id = fields.Many2one("res.users", readonly=True)
    first_reply_date = fields.Datetime(readonly=True)
    calendar_event_id = fields.Many2one(
        "calendar.event",
        string="Appointment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The calendar event of an accepted appointment request.",
    )

    def init(self):
        res = super().init()
        # Each text or e-mail an associate sends looks up the customer's open,
        # unanswered requests of the store: a small partial index.
        create_index(
            self.env.cr,
            "clienteling_service_request_unanswered_idx",
            self._table,
            ["store_id", "mobile", "partner_id"],
            where="first_reply_date IS NULL AND state IN ('new_lead', 'accepted')",
        )
        return res

    @api.constrains("preferred_date_start", "preferred_date_end")
    def _check_preferred_dates(self):
        for request in self:
            start, end = request.preferred_date_start, request.preferred_date_end
            if start and end and end < start:
                raise ValidationError(
                    self.env._("The end of the preferred time cannot come before its start.")
                )

    @api.depends("mobile", "store_id.country_id")
    def _compute_mobile_display(self):
        for request in self:
            request.mobile_display = request.store_id._clienteling_display_number(request.mobile)

    @api.constrains("email", "mobile", "preferred_channel")
    def _check_contact(self):
        for request in self:
            if request.email and not EMAIL_PATTERN.match(request.email):
                raise ValidationError(
                    self.env._(
                        '"%s" is not a valid email address (like name@example.com).',
                        request.email,
                    )
                )
            if request.preferred_channel == "text" and not request.mobile:
                raise ValidationError(
                    self.env._(
                        "%s prefers a text message: enter their mobile number.",
                        request.customer_name,
                    )
                )
            if request.preferred_channel == "email" and not request.email:
                raise ValidationError(
                    self.env._(
                        "%s prefers an email: enter their email address.", request.customer_name
                    )
                )

    # Values.

    def _clean_contact_values(self, vals, store):
        """Lowercase the email and put the mobile in E.164, read with the store's
        country as default region; raise a ValidationError saying why a number
        cannot be read."""
        if vals.get("email"):
            vals["email"] = vals["email"].strip().lower()
        if vals.get("mobile"):
            try:
                vals["mobile"] = to_e164(vals["mobile"], store.country_id.code or None)
            except PhoneNumberError as error:
                raise ValidationError(
                    self.env._(
                        "The mobile number cannot be used: %(reason)s",
                        reason=self.env["res.partner"]._clienteling_phone_error_message(error),
                    )
                ) from error
        return vals

    def _find_customer(self, store, email, mobile):
        """The customer with this email or number (E.164), as the duplicate check of
        pending customer entries finds them (the name alone never links). With
        several, a customer of the store's book first, then the oldest."""
        Partner = self.env["res.partner"].sudo()
        domain = Partner._clienteling_duplicate_domain(email=email, mobile=mobile)
        if not domain:
            return Partner.browse()
        candidates = Partner.search(
            [
                ("partner_share", "=", True),
                ("company_id", "in", [False, store.company_id.id]),
                *domain,
            ],
            order="id",
            limit=20,
        )
        in_book = candidates.filtered(lambda p: p.clienteling_store_id == store)
        return (in_book or candidates)[:1]

    def _route(self, vals, store):
        """The state and assignment of a new request (see the module's README).

        Storefront and footer requests naming an associate go to them; widget
        requests are New Leads of the store, or the store team's Customer Requests
        when the company works in team mode; an associate's own entry is theirs.
        """
        now = vals.get("received_date") or fields.Datetime.now()
        Employee = self.env["hr.employee"].sudo()
        associate = Employee.browse(vals.get("associate_id") or [])
        source = vals.get("source") or "associate"
        routed = {"received_date": now}
        if source == "associate":
            if not associate:
                employees = self.env.user.employee_ids
                associate = employees.filtered(lambda e: e.clienteling_store_id == store)[:1]
            routed.update(state="accepted", accepted_by_id=self.env.user.id)
        elif associate:
            routed.update(state="accepted", accepted_by_id=associate.user_id.id)
        elif store.company_id.clienteling_request_team_mode:
            routed.update(state="accepted")
        else:
            routed.update(state="new_lead")
        if routed["state"] == "accepted":
            routed["accepted_date"] = now
        if associate and associate.clienteling_store_id != store:
            raise ValidationError(
                self.env._(
                    "%(associate)s does not work at %(store)s.",
                    associate=associate.name,
                    store=store.name,
                )
            )
        routed["associate_id"] = associate.id
        return routed

    @api.model_create_multi
    def create(self, vals_list):
        Store = self.env["clienteling.store"]
        for vals in vals_list:
            store = Store.browse(vals.get("store_id") or []).exists()
            if not store:
                raise ValidationError(self.env._("Choose the store the request is for."))
            store.check_access("read")
            if not self.env.su:
                locked = (ROUTING_FIELDS - {"source"}) & {k for k, v in vals.items() if v}
                if locked:
                    raise AccessError(
                        self.env._("The state of a request follows its routing and actions.")
                    )
            self._clean_contact_values(vals, store)
            vals.update(self._route(vals, store))
            if not vals.get("partner_id"):
                customer = self._find_customer(store, vals.get("email"), vals.get("mobile"))
                vals["partner_id"] = customer.id
        requests = super().create(vals_list)
        # sudo: the routing decided who answers; they are told and the
        # appointment goes in their calendar
        requests.sudo()._notify_arrival()
        requests.sudo().filtered(lambda r: r.state == "accepted")._schedule_appointment()
        return requests

    def write(self, vals):
        if not self.env.su:
            if "store_id" in vals and any(r.store_id.id != vals["store_id"] for r in self):
                raise UserError(self.env._("The store of a request cannot change."))
            locked = ROUTING_FIELDS & vals.keys()
            if locked:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a request change through its buttons only "
                        "(Accept, Decline, Close).",
                        fields=", ".join(self._fields[f].string for f in sorted(locked)),
                    )
                )
        if {"email", "mobile"} & vals.keys():
            for request in self:
                request_vals = dict(vals)
                self._clean_contact_values(request_vals, request.store_id)
                super(ClientelingServiceRequest, request).write(request_vals)
        else:
            super().write(vals)
        if vals.get("first_reply_date"):
            # answered: the associate's to-do is done
            self.sudo().activity_feedback(["clienteling.mail_activity_type_service_request"])
        if vals.get("state") in ("closed", "declined"):
            self.sudo()._clear_open_activities()
        if {"kind", "preferred_date_start"} & vals.keys():
            # the time agreed with the customer: the appointment goes in the calendar
            self.sudo().filtered(
                lambda r: r.state in ("accepted", "replied") and r.preferred_date_start
            )._schedule_appointment()
        return True

    def unlink(self):
        # before mail.thread deletes the requests' messages (as superuser)
        self.check_access("unlink")
        return super().unlink()

    # Public forms (connect widget, storefront, site footer).

    def _public_form_error_messages(self):
        return {
            ("kind", "invalid"): self.env._("Please choose what you would like."),
            ("name", "required"): self.env._("Please enter your name."),
            ("name", "too_long"): self.env._("The name is too long (100 characters at most)."),
            ("name", "invalid"): self.env._("The name contains characters that are not allowed."),
            ("email", "required"): self.env._("Please enter your email address."),
            ("email", "too_long"): self.env._("The email address is too long."),
            ("email", "invalid"): self.env._(
                "Please enter a valid email address, like name@example.com."
            ),
            ("mobile", "required"): self.env._("Please enter your mobile number to get texts."),
            ("mobile", "too_long"): self.env._("The mobile number is too long."),
            ("mobile", "invalid"): self.env._("Please enter a valid mobile number."),
            ("message", "too_long"): self.env._(
                "The message is too long (2,000 characters at most)."
            ),
            ("message", "invalid"): self.env._(
                "The message contains characters that are not allowed."
            ),
            ("preferred_channel", "invalid"): self.env._("Please choose email or text."),
            ("consent", "consent_required"): self.env._(
                "To be answered by text, please tick the box to agree to receive texts."
            ),
            ("date_start", "invalid"): self.env._("Please enter a valid date and time."),
            ("date_end", "invalid"): self.env._("Please enter a valid date and time."),
            ("date_start", "in_the_past"): self.env._("Please choose a time to come."),
            ("date_end", "in_the_past"): self.env._("Please choose a time to come."),
            ("date_end", "order"): self.env._("Please choose an end after the start."),
        }

    @api.model
    def _submit_public(
        self, store, form, source, associate=None, products=None, remote_address=None
    ):
        """Store a request sent from a public form of ``store`` (``form``: a mapping
        of strings), from ``source`` (widget, storefront, footer), for
        ``associate`` (hr.employee) when the form is theirs, about ``products``.

        Return ``(request, errors)``: the new request, or an empty recordset and a
        dict of field -> translated message, with nothing stored. Raise
        ``CustomerEntryRateLimited`` when the sender or the store sent too many.
        The request is created as superuser, with the consent of a customer who
        ticked the box in the ledger, and its confirmation sent.
        """
        store.ensure_one()
        tz = pytz.timezone(store.tz or "UTC")
        local_now = datetime.now(tz).replace(tzinfo=None)
        values, codes = check_request_submission(form, store.country_id.code or None, local_now)
        if codes:
            messages = self._public_form_error_messages()
            return self.browse(), {field: messages[field, code] for field, code in codes.items()}
        self._check_rate(remote_address, store)
        lang = self.env.lang
        consent_wording = (
            store.with_context(lang=lang)._entry_consent_text() if values["consent"] else False
        )

        def utc(local):
            return local and tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

        Request = self.sudo().with_context(mail_create_nolog=True)
        request = Request.create(
            {
                "kind": values["kind"],
                "source": source,
                "customer_name": values["name"],
                "email": values["email"] or False,
                "mobile": values["mobile"] or False,
                "preferred_channel": values["preferred_channel"],
                "message": values["message"] or False,
                "preferred_date_start": utc(values["date_start"]) or False,
                "preferred_date_end": utc(values["date_end"]) or False,
                "store_id": store.id,
                "associate_id": associate.id if associate else False,
                "product_ids": [(6, 0, products.ids)] if products else [],
                "consent_wording": consent_wording,
                "lang": lang,
                "remote_network": rate_key(remote_address),
            }
        )
        if values["consent"]:
            request._record_public_consent()
        if source == "storefront" and associate and request.partner_id:
            # the customer wrote to the associate: their online orders of the next
            # days are credited to them, as after opening one of their links
            self.env["clienteling.storefront.open"].sudo()._record_open(
                associate, request.partner_id, "request", when=request.received_date
            )
        request._clienteling_send_confirmation()
        return request, {}

    def _record_public_consent(self):
        """The consent the customer gave on the public form, as ``web_form`` rows
        of the ledger (text and email), with the wording shown, for the request's
        customer: linked by email or number, else created in the store's book."""
        self.ensure_one()
        request = self.sudo()
        if not request.partner_id:
            request.partner_id = (
                self.env["res.partner"]
                .sudo()
                .create(
                    {
                        "name": request.customer_name,
                        "email": request.email,
                        "mobile": request.mobile,
                        "lang": request.lang
                        if request.lang in dict(self.env["res.lang"].get_installed())
                        else False,
                        "clienteling_store_id": request.store_id.id,
                        # joins the associate's book as an approved customer entry does
                        "clienteling_associate_id": request.associate_id.id
                        if request.company_id.clienteling_auto_assign_books
                        else False,
                        "company_id": request.company_id.id,
                    }
                )
            )
        Consent = self.env["clienteling.consent"].sudo()
        for channel, address in (("sms", request.mobile), ("email", request.email)):
            if address:
                Consent.create(
                    {
                        "partner_id": request.partner_id.id,
                        "channel": channel,
                        "state": "opted_in",
                        "store_id": request.store_id.id,
                        "source": "web_form",
                        "wording": request.consent_wording,
                        "address": address,
                        "date": request.received_date,
                        "employee_id": request.associate_id.id,
                        "reference": f"{self._name},{request.id}",
                    }
                )

    def _clienteling_send_confirmation(self):
        """Tell the customer their request arrived, the way they prefer: an email
        here (queued from the template); ``clienteling_sms`` sends the text. Never
        the request's first reply: no associate answered yet."""
        template = self.env.ref(
            "clienteling.mail_template_service_request_confirmation", raise_if_not_found=False
        )
        for request in self.sudo():
            if request.preferred_channel == "email" and request.email and template:
                template.with_context(lang=request.lang or None).send_mail(request.id)

    @api.autovacuum
    def _gc_request_networks(self):
        """The sender network of a public request only serves its rate limit: it
        is forgotten after a day."""
        limit = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET remote_network = NULL "
                "WHERE remote_network IS NOT NULL AND create_date < %s",
                SQL.identifier(self._table),
                limit,
            )
        )

    # Replies.

    @api.model
    def _clienteling_record_reply(self, store, when, partner=None, mobile=None, email=None):
        """An associate answered a customer of ``store`` at ``when`` (a text to
        ``mobile``, an e-mail to ``email``, or to ``partner``): the open requests
        of that customer received before it get their first reply date (the
        Request Reply Time KPI) and are Replied. Returns those requests."""
        contacts = []
        if partner:
            contacts.append([("partner_id", "=", partner.id)])
        if mobile:
            contacts.append([("mobile", "=", mobile)])
        if email and email.strip():
            contacts.append([("email", "=ilike", email.strip())])
        if not contacts or not store:
            return self.browse()
        contact = expression.OR(contacts)
        requests = self.sudo().search(
            [
                ("store_id", "=", store.id),
                ("state", "in", ("new_lead", "accepted")),
                ("first_reply_date", "=", False),
                ("received_date", "<=", when),
                *contact,
            ]
        )
        for request in requests:
            vals = {"first_reply_date": when}
            if request.state == "accepted":
                vals["state"] = "replied"
            request.write(vals)
        return requests

    def message_post(self, **kwargs):
        """An e-mail an associate sends from the request (Send message) is its reply."""
        message = super().message_post(**kwargs)
        author = self.env.user
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author._is_internal()
            and not self.env.su
        ):
            for request in self.filtered(lambda r: not r.first_reply_date):
                request._clienteling_record_reply(
                    request.store_id, message.date, partner=request.partner_id, email=request.email
                )
        return message

    # Actions.

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _accepting_employee(self):
        """The user's employee who works at (or manages) this request's store."""
        self.ensure_one()
        employees = self.env.user.sudo().employee_ids
        return employees.filtered(
            lambda e: self.store_id in (e.clienteling_store_id | e.clienteling_managed_store_ids)
        )[:1]

    def _lock_for_update(self):
        """Lock this request's row, or refuse at once when someone else holds it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "The request of %s is being accepted by someone else right now.",
                    self.customer_name,
                )
            ) from error
        self.invalidate_recordset()

    def action_accept(self):
        """An associate of the store takes a New Lead: the first accept wins."""
        for request in self:
            # A lead accepted by a colleague is no longer visible to the other
            # associates of the store: they are told who took it.
            employee = request.sudo()._accepting_employee()
            if not employee:
                request.check_access("write")
                raise UserError(
                    self.env._(
                        "Only the associates of %s can accept its requests.",
                        request.store_id.name,
                    )
                )
            request.sudo()._lock_for_update()
            request = request.sudo()
            if request.state != "new_lead":
                if request.state == "accepted" or request.accepted_by_id:
                    raise UserError(
                        self.env._(
                            "The request of %(customer)s was already accepted by %(who)s.",
                            customer=request.customer_name,
                            who=request.associate_id.name
                            or request.sudo().accepted_by_id.name
                            or self.env._("the store's team"),
                        )
                    )
                raise UserError(
                    self.env._(
                        "The request of %(customer)s is %(state)s: it cannot be accepted.",
                        customer=request.customer_name,
                        state=request._state_label(),
                    )
                )
            request = request.with_env(self.env)
            request.check_access("write")
            request.sudo().write(
                {
                    "state": "accepted",
                    "associate_id": employee.id,
                    "accepted_date": fields.Datetime.now(),
                    "accepted_by_id": self.env.user.id,
                }
            )
            request.message_post(
                body=self.env._("%s accepted the request.", employee.name),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            request.sudo()._schedule_appointment()
        return True

    def _check_state(self, allowed, action):
        for request in self:
            request.check_access("write")
            if request.state not in allowed:
                raise UserError(
                    self.env._(
                        "The request of %(customer)s is %(state)s: it cannot be %(action)s.",
                        customer=request.customer_name,
                        state=request._state_label(),
                        action=action,
                    )
                )

    def action_decline(self, reason=None):
        """Decline New Leads or accepted requests; ``reason`` goes to the chatter."""
        self._check_state(("new_lead", "accepted"), self.env._("declined"))
        self.sudo().write({"state": "declined"})
        for request in self:
            request.message_post(
                body=reason or self.env._("Request declined."),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_close(self):
        self._check_state(("accepted", "replied"), self.env._("closed"))
        self.sudo().write({"state": "closed"})
        return True

    def action_reopen(self):
        """A closed request goes back to where it was: replied once answered, else
        accepted; a declined one becomes a New Lead of its store again when no one
        had accepted it."""
        self._check_state(("closed", "declined"), self.env._("reopened"))
        for request in self.sudo():
            if request.first_reply_date:
                state = "replied"
            elif request.accepted_date:
                state = "accepted"
            else:
                state = "new_lead"
            request.write({"state": state})
        return True

    # Arrival: who is told.

    def _answering_users(self):
        """The users who answer this request: its associate, else (a New Lead or
        a request of the store's team) the store's associates. Active internal
        users only."""
        self.ensure_one()
        employees = self.associate_id or self.store_id.employee_ids
        return employees.user_id.filtered(lambda u: u.active and u._is_internal())

    def _notify_arrival(self):
        """Tell the users who answer these new requests, but the one who entered
        it: a message in their Odoo inbox, and a to-do for an associate the
        request was routed to."""
        bot = self.env.ref("base.partner_root")
        for request in self:
            users = request._answering_users() - self.env.user
            if not users:
                continue
            kind = dict(request._fields["kind"]._description_selection(self.env))[request.kind]
            if request.state == "new_lead":
                body = self.env._(
                    "New Lead at %(store)s: %(kind)s from %(customer)s. "
                    "The first associate to accept it answers it.",
                    store=request.store_id.name,
                    kind=kind,
                    customer=request.customer_name,
                )
            else:
                body = self.env._(
                    "New customer request: %(kind)s from %(customer)s.",
                    kind=kind,
                    customer=request.customer_name,
                )
            if request.associate_id:
                request.with_context(mail_activity_quick_update=True).activity_schedule(
                    "clienteling.mail_activity_type_service_request",
                    user_id=users[:1].id,
                    summary=self.env._("Answer %s", request.customer_name),
                )
            request.message_post(
                body=body,
                message_type="notification",
                subtype_xmlid="clienteling.mt_service_request_new",
                partner_ids=users.partner_id.ids,
                author_id=bot.id,
            )

    def _clear_open_activities(self):
        self.activity_unlink(
            [
                "clienteling.mail_activity_type_service_request",
                "clienteling.mail_activity_type_appointment_time",
            ]
        )

    # Appointments.

    @api.model
    def _appointment_alarms(self):
        """The reminders of an appointment: 1 day and 1 hour before (Odoo's own
        notification alarms, found again or made if they were deleted)."""
        Alarm = self.env["calendar.alarm"].sudo()
        alarms = Alarm.browse()
        for xmlid, duration, interval in APPOINTMENT_ALARMS:
            alarm = self.env.ref(xmlid, raise_if_not_found=False) or Alarm.search(
                [
                    ("alarm_type", "=", "notification"),
                    ("duration", "=", duration),
                    ("interval", "=", interval),
                ],
                limit=1,
            )
            if not alarm:
                alarm = Alarm.create(
                    {
                        "name": self.env._(
                            "Notification - %(duration)s %(interval)s",
                            duration=duration,
                            interval=interval,
                        ),
                        "alarm_type": "notification",
                        "duration": duration,
                        "interval": interval,
                    }
                )
            alarms |= alarm
        return alarms

    def _appointment_user(self):
        """Who holds the appointment: the request's associate, else who accepted
        it, else (a store team's request) the store's first manager."""
        self.ensure_one()
        return (
            self.associate_id.user_id
            or self.accepted_by_id
            or self.store_id.manager_ids.user_id[:1]
        )

    def _schedule_appointment(self):
        """Put the accepted appointment requests in their associate's calendar:
        from the customer's preferred start to their preferred end (else an
        hour), reminders a day and an hour before. Without a preferred time, a
        to-do asks the associate to agree on one with the customer; the event
        is created when it is entered. Called under sudo, after the access
        checks of the action."""
        appointments = self.filtered(
            lambda r: (
                r.kind == "appointment"
                and r.state in ("accepted", "replied")
                and not r.calendar_event_id
            )
        )
        if not appointments:
            return
        context = {
            key: value
            for key, value in clean_context(self.env.context).items()
            if key not in ("active_id", "active_ids", "active_model")
        }
        # the associate tells the customer in the way they chose: Odoo's
        # invitation e-mail would be a second, unasked-for message
        Event = self.env["calendar.event"].with_context(
            context, no_mail_to_attendees=True, mail_create_nosubscribe=True
        )
        model = self.env["ir.model"]._get(self._name)
        alarms = self._appointment_alarms()
        for request in appointments:
            user = request._appointment_user()
            if not request.preferred_date_start:
                if user and not request.activity_ids.filtered(
                    lambda a: (
                        a.activity_type_id
                        == self.env.ref("clienteling.mail_activity_type_appointment_time")
                    )
                ):
                    request.with_context(mail_activity_quick_update=True).activity_schedule(
                        "clienteling.mail_activity_type_appointment_time",
                        user_id=user.id,
                        summary=self.env._(
                            "Agree on the appointment time with %s", request.customer_name
                        ),
                        note=self.env._(
                            "The customer gave no preferred time: enter it on the request "
                            "(Preferred From) and the appointment goes in your calendar."
                        ),
                    )
                continue
            start = request.preferred_date_start
            stop = request.preferred_date_end or start + APPOINTMENT_LENGTH
            if stop <= start:
                stop = start + APPOINTMENT_LENGTH
            event = Event.create(
                {
                    "name": self.env._("Appointment: %s", request.customer_name),
                    "start": start,
                    "stop": stop,
                    "user_id": user.id,
                    "partner_ids": [Command.set((user.partner_id | request.partner_id).ids)],
                    "alarm_ids": [Command.set(alarms.ids)],
                    "privacy": "private",
                    "description": request.message and Markup("<p>%s</p>") % request.message,
                    "res_model_id": model.id,
                    "res_id": request.id,
                }
            )
            request.write({"calendar_event_id": event.id})
            request.activity_feedback(["clienteling.mail_activity_type_appointment_time"])

    def action_open_calendar_event(self):
        self.ensure_one()
        self.check_access("read")
        self.calendar_event_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Appointment"),
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
