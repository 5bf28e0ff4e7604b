from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Customers whose details the till asks for at once (the customer list shows them).
DETAILS_LIMIT = 200


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The till (customer list and details). Details are fetched on demand for the
    # customers shown, not loaded with the thousands of customers at POS start.

    @api.model
    def clienteling_pos_details(self, partner_ids, config_id, employee_id=False):
        """Clienteling details of the customers the till shows: client book owner,
        consent to texts with the point of sale's store, next important date (when
        the cashier is an associate of the store).

        ``employee_id`` is the cashier (``pos_hr``): ``in_my_book`` and ``can_add``
        are for them. Returns ``{"store": {...}, "partners": {id: {...}}}``; a
        point of sale without a store gets ``{"store": False, "partners": {}}``.
        """
        config = self._clienteling_pos_config(config_id)
        store = config.sudo().clienteling_store_id
        if not store:
            return {"store": False, "partners": {}}
        employee = self._clienteling_pos_employee(config, employee_id, raise_error=False)
        ids = [int(pid) for pid in (partner_ids or [])[:DETAILS_LIMIT] if pid]
        # the customers this user may read; then the details, which they may not
        partners = self.search([("id", "in", ids)]).sudo()
        states = self._clienteling_pos_sms_states(partners, store)
        state_labels = dict(
            self.env["clienteling.consent"]._fields["state"]._description_selection(self.env)
        )
        details = {}
        for partner in partners:
            owner = partner.clienteling_associate_id
            other_store = partner.clienteling_store_id and partner.clienteling_store_id != store
            # the customer's dates are for the store's associates only, and only for the
            # customers of its store book or of none (as the dates' record rules)
            important = employee and not other_store and partner.clienteling_next_important_date_id
            state = states.get(partner.id, False)
            details[partner.id] = {
                "id": partner.id,
                "owner_id": owner.id,
                "owner_name": owner.name or "",
                "in_my_book": bool(employee and owner == employee),
                "store_book_name": partner.clienteling_store_id.name or "",
                "other_store": bool(other_store),
                "sms_state": state,
                "sms_state_label": state_labels.get(state, "") if state else "",
                "has_number": bool(partner._clienteling_pos_number()),
                "next_date": fields.Date.to_string(partner.clienteling_next_important_date)
                if important
                else False,
                "next_date_label": important.display_name if important else "",
                "can_add": bool(employee and not other_store and (not owner or owner == employee)),
            }
        return {
            "store": {"id": store.id, "name": store.name},
            "employee_ok": bool(employee),
            "partners": details,
        }

    @api.model
    def clienteling_pos_consent_wording(self, partner_id, config_id):
        """The sentence the cashier reads to the customer, in the customer's language."""
        config = self._clienteling_pos_config(config_id)
        store = self._clienteling_pos_store(config)
        partner = self._clienteling_pos_partner(partner_id, config)
        lang = partner._clienteling_pos_lang()
        return {
            "wording": store.with_context(lang=lang)._pos_consent_text(),
            "lang": lang,
        }

    @api.model
    def clienteling_pos_add_to_book(
        self, partner_id, config_id, employee_id=False, consent=False, wording=None
    ):
        """Put the customer in the cashier's client book (and the store's book when
        in none) and, with ``consent``, record their opt-in to texts with the store
        in the consent ledger, with ``wording``: the sentence the till showed.

        Every check is made as the point of sale's user; only then are the
        customer and the ledger written in superuser mode (the cashier may not be
        the user logged in: ``pos_hr``). Returns the customer's new details.
        """
        config = self._clienteling_pos_config(config_id)
        store = self._clienteling_pos_store(config)
        employee = self._clienteling_pos_employee(config, employee_id)
        partner = self._clienteling_pos_partner(partner_id, config)
        sudo_partner = partner.sudo()
        if sudo_partner.clienteling_store_id and sudo_partner.clienteling_store_id != store:
            raise UserError(
                self.env._(
                    "%(customer)s is in the store book of %(store)s: only that store (or a "
                    "Clienteling administrator) can move them to another client book.",
                    customer=partner.display_name,
                    store=sudo_partner.clienteling_store_id.name,
                )
            )
        owner = sudo_partner.clienteling_associate_id
        if owner and owner != employee:
            raise UserError(
                self.env._(
                    "%(customer)s is already in %(owner)s's client book: a store manager can "
                    "reassign them.",
                    customer=partner.display_name,
                    owner=owner.name,
                )
            )
        record_consent = False
        if consent:
            record_consent = self._clienteling_pos_check_consent(partner, store, wording)
        vals = {}
        if not owner:
            vals["clienteling_associate_id"] = employee.id
        if not sudo_partner.clienteling_store_id:
            vals["clienteling_store_id"] = store.id
        if vals:
            sudo_partner.write(vals)
        if record_consent:
            sudo_partner._clienteling_record_consent(
                "sms",
                "opted_in",
                store,
                "associate",
                wording=record_consent,
                employee=employee,
            )
        return self.clienteling_pos_details([partner.id], config.id, employee.id)["partners"].get(
            partner.id
        )

    # Checks, made as the point of sale's user.

    @api.model
    def _clienteling_pos_config(self, config_id):
        """The point of sale, if this user works at it."""
        config = self.env["pos.config"].browse(int(config_id or 0)).exists()
        if not config or not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(self.env._("You cannot use this point of sale."))
        config.check_access("read")
        return config

    @api.model
    def _clienteling_pos_store(self, config):
        store = config.sudo().clienteling_store_id
        if not store:
            raise UserError(
                self.env._(
                    "The point of sale %s belongs to no clienteling store: choose its store in "
                    "its settings first.",
                    config.name,
                )
            )
        return store

    @api.model
    def _clienteling_pos_employee(self, config, employee_id, raise_error=True):
        """The cashier: an employee allowed at this point of sale (``pos_hr``) or the
        user's own employee, who works as an associate of the point of sale's store."""
        Employee = self.env["hr.employee"].sudo()
        store = config.sudo().clienteling_store_id
        if config.module_pos_hr:
            employee = Employee.browse(int(employee_id or 0)).exists()
            if employee and not Employee.search_count(
                [("id", "=", employee.id), *config._employee_domain(self.env.uid)]
            ):
                employee = Employee
        else:
            employee = self.env.user.employee_ids.filtered(
                lambda e: (
                    e.company_id == config.company_id
                    and (not employee_id or e.id == int(employee_id))
                )
            )[:1].sudo()
        if not employee:
            if not raise_error:
                return Employee
            raise AccessError(self.env._("This cashier cannot work at this point of sale."))
        if not (employee.clienteling_role and employee.clienteling_store_id == store):
            if not raise_error:
                return Employee
            raise UserError(
                self.env._(
                    "%(cashier)s is not an associate of %(store)s: only the store's associates "
                    "have a client book there.",
                    cashier=employee.name,
                    store=store.name or config.name,
                )
            )
        return employee

    @api.model
    def _clienteling_pos_partner(self, partner_id, config):
        partner = self.browse(int(partner_id or 0)).exists()
        if not partner:
            raise UserError(self.env._("This customer does not exist (any more)."))
        partner.check_access("read")
        if partner.company_id and partner.company_id != config.company_id:
            raise AccessError(
                self.env._(
                    "%s belongs to another company than this point of sale.", partner.display_name
                )
            )
        return partner

    @api.model
    def _clienteling_pos_check_consent(self, partner, store, wording):
        """The wording to record for the customer's opt-in to texts, or False when they
        already opted in. Refuse a consent without a number, with a sentence that is
        not the store's, or that would end an opt-out."""
        sudo_partner = partner.sudo()
        number = sudo_partner._clienteling_pos_number()
        if not number:
            raise UserError(
                self.env._(
                    "%s has no phone number: add their mobile before recording their consent "
                    "to texts.",
                    partner.display_name,
                )
            )
        expected = store.with_context(lang=sudo_partner._clienteling_pos_lang())._pos_consent_text()
        if (wording or "").strip() != expected.strip():
            raise UserError(
                self.env._(
                    "The consent sentence of %s has changed: read the new one to the customer "
                    "and record their consent again.",
                    store.name,
                )
            )
        Consent = self.env["clienteling.consent"].sudo()
        state = Consent._current_state(sudo_partner, "sms", store, address=number)
        if state == "opted_out":
            # As the ledger does for people: only the customer ends an opt-out.
            raise AccessError(
                self.env._(
                    "%(customer)s opted out of %(store)s: only the customer can opt in again "
                    "(by replying START or signing a new form), or a system administrator "
                    "with a written reason.",
                    customer=partner.display_name,
                    store=store.name,
                )
            )
        if state == "opted_in":
            return False
        return expected

    def _clienteling_pos_number(self):
        self.ensure_one()
        return self.phone_sanitized or self.mobile or self.phone

    def _clienteling_pos_lang(self):
        """The customer's language when installed, else the user's."""
        self.ensure_one()
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        return self.lang if self.lang in installed else self.env.lang or "en_US"

    @api.model
    def _clienteling_pos_sms_states(self, partners, store):
        """Current consent to texts of each customer with the store: the newest row of
        the customer or of their number (a STOP holds for the number)."""
        if not partners:
            return {}
        numbers = {p.id: p.phone_sanitized for p in partners if p.phone_sanitized}
        rows = (
            self.env["clienteling.consent"]
            .sudo()
            .search_fetch(
                [
                    ("channel", "=", "sms"),
                    ("store_id", "=", store.id),
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("address", "in", list(numbers.values())),
                ],
                ["partner_id", "address", "state"],
            )
        )
        by_partner, by_number = {}, {}
        for rank, row in enumerate(rows):  # newest first (the ledger's order)
            by_partner.setdefault(row.partner_id.id, (rank, row.state))
            by_number.setdefault(row.address, (rank, row.state))
        states = {}
        for partner in partners:
            found = [
                found
                for found in (by_partner.get(partner.id), by_number.get(numbers.get(partner.id)))
                if found
            ]
            if found:
                states[partner.id] = min(found)[1]
        return states
