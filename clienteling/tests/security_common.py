"""A permanent store-boundary test for every model of an addon.

Mix :class:`SecurityBoundaryMixin` into a :class:`ClientelingCase` subclass, name the
addons whose ``clienteling.*`` models it checks, and give one record of store A
(``store_a``, company A) per model::

    @tagged("post_install", "-at_install", "my_addon")
    class TestMyAddonBoundaries(SecurityBoundaryMixin, ClientelingCase):
        security_addons = ("my_addon",)

        @classmethod
        def _security_record_clienteling_my_model(cls):
            return cls.env["clienteling.my.model"].create({...store A...}), cls.user_associate_a

        @classmethod
        def _security_wizard_clienteling_my_wizard(cls):
            return cls.user_store_manager_a, {...values aimed at store A's records...}

For every model the addon defines (a new model without a record fails the suite),
four attackers, none of whom may touch store A:

* ``associate_b``: an associate of store B (same company);
* ``store_manager_b``: a store manager of store B (same company);
* ``admin_company_b``: a Clienteling administrator, without system rights, of
  company B only;
* ``user_company_b``: an associate of a store of company B.

Each of them must fail to read the record (``read`` and ``search``), to ``write`` and
``unlink`` it, to read its chatter and attachments and post on it, and to run any
``type="object"`` button of the models' views on it (from every view in the
database, buttons of sub-views counted for their own model). For a wizard
(transient model), the attacker also builds their own wizard aimed at store A's
records and presses its buttons. A failure is an ``AccessError`` or another
``UserError`` (``ValidationError``...) raised before anything is written to the
database and before any network connection. A ``UserError`` that is not an
``AccessError`` only counts when the record's owner, doing the same, does not get
the very same message: otherwise the record is in a state where the button refuses
everyone, and proves nothing (give the factory another state, or list the button in
``security_inconclusive`` with the reason).

Deliberate sharing goes in ``security_shared``: ``{model: {operation: attackers}}``
where the operation is ``read``, ``write``, ``unlink``, ``create`` (a wizard built
by the attacker) or a button name, with the reason in a comment.

Also checked: what hangs off a customer (``res.partner`` x2many fields to the
checked models) shows none of store A's records to the attackers, and fields named
like secrets (password, token, secret, API key, credential) are for system
administrators only (``security_shared_secrets`` lists the exceptions, with the
reason). ``_security_write_values_<model>(record)`` chooses what ``write`` tries
(default: a simple stored field set to its own value).
"""

import logging
import re
import socket
from contextlib import contextmanager, suppress
from unittest.mock import patch

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.sql_db import Cursor
from odoo.tools import SQL

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ASSOCIATE_GROUPS, MANAGER_GROUPS, STORE_MANAGER_GROUPS

ATTACKERS = ("associate_b", "store_manager_b", "admin_company_b", "user_company_b")
SAME_COMPANY = ("associate_b", "store_manager_b")
OTHER_COMPANY = ("admin_company_b", "user_company_b")

# Statements that change data; "SELECT ... FOR UPDATE" is a read.
DML = re.compile(
    r'\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bTRUNCATE\b|\bUPDATE\s+"?\w+"?\s+(?:AS\s+\w+\s+)?SET\b',
    re.IGNORECASE,
)
# Tables written as a side effect of any request (bus notifications): not data.
IGNORED_TABLES = re.compile(r'^\s*INSERT\s+INTO\s+"?bus_bus"?', re.IGNORECASE)
SIMPLE_TYPES = ("char", "text", "integer", "float", "boolean", "selection", "date", "datetime")


class SecurityBoundaryMixin:
    """Store A's records against the attackers of store B and company B (see the
    module docstring). Mix into a ``ClientelingCase`` subclass."""

    # Odoo's loader only runs the test methods a class defines itself, unless told.
    allow_inherited_tests_method = True
    #: addons whose ``clienteling.*`` models (those they define) are checked
    security_addons = ()
    #: deliberate sharing: {model: {operation or button: attackers}}
    security_shared = {}
    #: buttons that refuse everyone in the record's state: {model: {button: reason}}
    security_inconclusive = {}
    #: fields named like secrets that are not system-only: {model: {field: reason}}
    security_shared_secrets = {}
    _security_requests = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._security_setup_attackers()
        cls.security_records = {}
        cls.security_wizard_values = {}
        for model in cls._security_models():
            suffix = model.replace(".", "_")
            if cls.env[model]._transient:
                factory = getattr(cls, f"_security_wizard_{suffix}", None)
                if factory:
                    owner, values = factory()
                    cls.security_wizard_values[model] = (owner, values)
                    record = cls.env[model].with_user(owner).create(values)
                    cls.security_records[model] = (record.with_env(cls.env), owner)
            else:
                factory = getattr(cls, f"_security_record_{suffix}", None)
                if factory:
                    record, owner = factory()
                    record.ensure_one()
                    cls.security_records[model] = (record, owner)
        cls.env.flush_all()

    @classmethod
    def _security_setup_attackers(cls):
        cls.user_store_manager_b = mail_new_test_user(
            cls.env, login="t_sec_mgr_b", name="Sid Store Manager B", groups=STORE_MANAGER_GROUPS
        )
        cls.employee_manager_b = cls.env["hr.employee"].create(
            {
                "name": "Sid Store Manager B",
                "user_id": cls.user_store_manager_b.id,
                "clienteling_store_id": cls.store_b.id,
                "clienteling_role": "store_manager",
            }
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Other Retailer B", "country_id": cls.env.ref("base.be").id}
        )
        cls.store_company_b = cls.env["clienteling.store"].create(
            {
                "name": "Test Brussels",
                "code": "T-BRU",
                "company_id": cls.company_b.id,
                "country_id": cls.env.ref("base.be").id,
                "tz": "Europe/Brussels",
            }
        )
        company_b_values = {
            "company_id": cls.company_b.id,
            "company_ids": [(6, 0, cls.company_b.ids)],
        }
        cls.user_admin_company_b = mail_new_test_user(
            cls.env,
            login="t_sec_admin_b",
            name="Ada Administrator B",
            groups=MANAGER_GROUPS,
            **company_b_values,
        )
        cls.user_company_b = mail_new_test_user(
            cls.env,
            login="t_sec_user_b",
            name="Ugo Associate Company B",
            groups=ASSOCIATE_GROUPS,
            **company_b_values,
        )
        cls.employee_company_b = cls.env["hr.employee"].create(
            {
                "name": "Ugo Associate Company B",
                "user_id": cls.user_company_b.id,
                "company_id": cls.company_b.id,
                "clienteling_store_id": cls.store_company_b.id,
                "clienteling_role": "associate",
            }
        )
        system = cls.env.ref("base.group_system")
        assert system not in cls.user_admin_company_b.groups_id, "the administrator is not system"
        cls.security_attackers = {
            "associate_b": cls.user_associate_b,
            "store_manager_b": cls.user_store_manager_b,
            "admin_company_b": cls.user_admin_company_b,
            "user_company_b": cls.user_company_b,
        }

    # What is checked.

    @classmethod
    def _security_models(cls):
        """The non-abstract ``clienteling.*`` models the addons define."""
        return sorted(
            name
            for name, model in cls.env.registry.items()
            if name.startswith("clienteling.")
            and not model._abstract
            and model._original_module in cls.security_addons
        )

    def _security_shared(self, model, operation, attacker):
        return attacker in self.security_shared.get(model, {}).get(operation, ())

    @classmethod
    def _security_buttons(cls):
        """{model: {button names}} of the ``type="object"`` buttons of every view of
        the checked models, and of the addons' views (sub-views count for their model)."""
        models = cls._security_models()
        Data = cls.env["ir.model.data"].sudo()
        view_ids = Data.search(
            [("model", "=", "ir.ui.view"), ("module", "in", list(cls.security_addons))]
        ).mapped("res_id")
        views = (
            cls.env["ir.ui.view"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("model", "in", models), ("id", "in", view_ids)])
        )
        buttons = {model: set() for model in models}
        for view in views:
            if view.model not in cls.env:
                continue
            arch = etree.fromstring(view.arch_db.encode())
            cls._security_collect_buttons(arch, view.model, buttons)
        return {model: names for model, names in buttons.items() if model in models}

    @classmethod
    def _security_collect_buttons(cls, node, model, buttons):
        if node.get("type") == "object" and node.tag != "field":
            # <button>/<a name="..."> or a kanban's <kanban action="...">
            name = node.get("name") or node.get("action")
            if name:
                buttons.setdefault(model, set()).add(name)
        for child in node:
            if not isinstance(child.tag, str):
                continue
            sub_model = model
            if (
                child.tag == "field"
                and child.get("position") is None
                and any(sub.tag in ("list", "tree", "form", "kanban") for sub in child)
            ):
                field = cls.env[model]._fields.get(child.get("name"))
                sub_model = field.comodel_name if field is not None and field.relational else model
            cls._security_collect_buttons(child, sub_model, buttons)

    # Running an attempt.

    @contextmanager
    def _security_watch(self):
        """Record the data-changing statements and the network connections made
        inside the block (connections are refused)."""
        seen = {"writes": [], "network": []}
        execute = Cursor.execute

        def watched_execute(cr, query, params=None, log_exceptions=True):
            text = query.code if isinstance(query, SQL) else str(query)
            if DML.search(text) and not IGNORED_TABLES.search(text):
                seen["writes"].append(" ".join(text.split())[:160])
            return execute(cr, query, params, log_exceptions)

        def refuse(*args, **kwargs):
            seen["network"].append(repr(args[1:] or args)[:160])
            raise OSError("network connections are refused in this test")

        with (
            patch.object(Cursor, "execute", watched_execute),
            patch.object(socket.socket, "connect", refuse),
            patch.object(socket, "create_connection", refuse),
        ):
            type(self)._security_requests = seen["network"]
            try:
                yield seen
            finally:
                type(self)._security_requests = None

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo refuses external HTTP in tests; also note the attempt.
        requests = getattr(cls, "_security_requests", None)
        if requests is not None:
            requests.append(f"{r.method} {r.url}")
        return super()._request_handler(s, r, **kw)

    def _security_run(self, function):
        """Run ``function()`` in a savepoint rolled back when it raises; return
        ``(result, error, writes, network)`` where ``writes`` are the statements it
        sent (its pending ORM writes flushed) and ``network`` its connections."""
        self.env.flush_all()
        result = error = None
        with self._security_watch() as seen:
            try:
                with self.env.cr.savepoint():
                    try:
                        result = function()
                    finally:
                        try:
                            self.env.flush_all()
                        except Exception:  # the call's own error wins
                            self.env.invalidate_all()
                            self.env.transaction.clear()
            except Exception as exc:  # reported below
                error = exc
        self.env.invalidate_all()
        return result, error, seen["writes"], seen["network"]

    def _security_attempt(self, what, call, owner_call=None, strict=True):
        """Return a description of what went wrong when an attacker's ``call()``
        (a function of no argument) did not fail cleanly, else None. ``strict``:
        it must fail before writing anything (not for Odoo's own methods that write,
        then check, in one transaction)."""
        result, error, writes, network = self._security_run(call)
        if error is None:
            return f"{what}: succeeded ({str(result)[:100]})"
        problems = []
        if not isinstance(error, UserError):
            problems.append(
                f"raised {type(error).__name__}: {str(error)[:200]} instead of a clear error"
            )
        if writes and strict:
            problems.append(f"wrote before failing: {writes[:3]}")
        if network:
            problems.append(f"connected before failing: {network[:3]}")
        if not problems and not isinstance(error, AccessError) and owner_call is not None:
            # The owner's attempt only tells whether the error depends on who asks:
            # its warnings (a mailbox out of reach...) are not this test's business.
            addons_logger = logging.getLogger("odoo.addons")
            level = addons_logger.level
            addons_logger.setLevel(logging.ERROR)
            try:
                _result, owner_error, _writes, _network = self._security_run(owner_call)
            finally:
                addons_logger.setLevel(level)
            if owner_error is not None and str(owner_error) == str(error):
                problems.append(
                    f"inconclusive: its owner gets the same error ({str(error)[:120]}); give "
                    "the factory a state where it works for its owner, or list it in "
                    "security_inconclusive"
                )
        return f"{what}: {'; '.join(problems)}" if problems else None

    def _security_report(self, failures):
        if failures:
            self.fail("Store boundary crossed:\n- " + "\n- ".join(failures))

    @staticmethod
    def _security_write_values(record):
        """A write that changes nothing: a simple stored field set to its value."""
        preferred = ["name", "note", "body", "details", "label", "sequence", "active"]
        fnames = [fname for fname in preferred if fname in record._fields] + list(record._fields)
        for fname in fnames:
            field = record._fields[fname]
            if (
                field.store
                and not field.compute
                and not field.related
                and field.type in SIMPLE_TYPES
                and fname not in ("id", "create_date", "write_date", "display_name")
                and not field.groups
            ):
                return {fname: field.convert_to_write(record.sudo()[fname], record)}
        return {}

    def _security_call(self, record, user, method):
        target = record.with_user(user)
        return lambda: getattr(target, method)()

    # The tests.

    def test_security_every_model_has_a_record(self):
        """A new model of the addon must be given a record of store A to attack."""
        missing = [model for model in self._security_models() if model not in self.security_records]
        self.assertFalse(
            missing,
            "Give these models a _security_record_<model> (or, for a wizard, "
            f"_security_wizard_<model>) factory: {missing}",
        )
        self.assertTrue(self._security_models(), f"No model found in {self.security_addons}")

    def test_security_read(self):
        failures = []
        for model, (record, _owner) in self.security_records.items():
            fnames = [
                fname
                for fname, field in record._fields.items()
                if field.store and not field.groups and fname != "id"
            ][:20]
            for attacker, user in self.security_attackers.items():
                if self._security_shared(model, "read", attacker):
                    continue
                Model = self.env[model].with_user(user)
                self.env.invalidate_all()  # read from the database, as a request would
                try:
                    found = Model.search_count([("id", "=", record.id)])
                except AccessError:
                    found = 0
                if found:
                    failures.append(f"{model} as {attacker}: found by search")
                self.env.invalidate_all()
                with suppress(AccessError):
                    record.with_user(user).read(fnames)
                    failures.append(f"{model} as {attacker}: read")
        self._security_report(failures)

    def test_security_write_and_unlink(self):
        failures = []
        for model, (record, owner) in self.security_records.items():
            hook = getattr(self, f"_security_write_values_{model.replace('.', '_')}", None)
            values = hook(record) if hook else self._security_write_values(record)
            for attacker, user in self.security_attackers.items():
                if not self._security_shared(model, "write", attacker):
                    failures.append(
                        self._security_attempt(
                            f"{model} write {values} as {attacker}",
                            lambda record=record, user=user, values=values: record.with_user(
                                user
                            ).write(values),
                            lambda record=record, values=values, owner=owner: record.with_user(
                                owner
                            ).write(values),
                        )
                    )
                if not self._security_shared(model, "unlink", attacker):
                    failures.append(
                        self._security_attempt(
                            f"{model} unlink as {attacker}",
                            lambda record=record, user=user: record.with_user(user).unlink(),
                        )
                    )
                    self.assertTrue(record.exists(), f"{model}: deleted by {attacker}")
        self._security_report([failure for failure in failures if failure])

    def test_security_buttons(self):
        failures = []
        buttons = self._security_buttons()
        for model, (record, owner) in self.security_records.items():
            for method in sorted(buttons.get(model, ())):
                if method in self.security_inconclusive.get(model, {}):
                    continue
                for attacker, user in self.security_attackers.items():
                    if self._security_shared(model, method, attacker):
                        continue
                    failures.append(
                        self._security_attempt(
                            f"{model}.{method}() on store A's record as {attacker}",
                            self._security_call(record, user, method),
                            self._security_call(record, owner, method),
                        )
                    )
        self._security_report([failure for failure in failures if failure])

    def test_security_wizards_built_by_attackers(self):
        """An attacker's own wizard aimed at store A's records does nothing either."""
        failures = []
        buttons = self._security_buttons()
        for model, (owner, values) in self.security_wizard_values.items():
            for attacker, user in self.security_attackers.items():
                if self._security_shared(model, "create", attacker):
                    continue
                Wizard = self.env[model].with_user(user)
                try:
                    with self.env.cr.savepoint():
                        wizard = Wizard.create(values)
                        self.env.flush_all()
                except UserError:
                    continue  # refused at creation: nothing to press
                for method in sorted(buttons.get(model, ())):
                    if method in self.security_inconclusive.get(model, {}):
                        continue
                    owner_wizard = self.security_records[model][0]
                    failures.append(
                        self._security_attempt(
                            f"{model}.{method}() of {attacker}'s own wizard on store A",
                            self._security_call(wizard, user, method),
                            self._security_call(owner_wizard, owner, method),
                        )
                    )
        self._security_report([failure for failure in failures if failure])

    def test_security_chatter_and_attachments(self):
        """Messages, attachments and followers of store A's records stay with store A."""
        failures = []
        for model, (record, _owner) in self.security_records.items():
            if self.env[model]._transient:
                continue
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": "store-a-private.txt",
                        "raw": b"store A only",
                        "res_model": model,
                        "res_id": record.id,
                    }
                )
            )
            message = self.env["mail.message"]
            if hasattr(record, "message_post"):
                message = record.sudo().message_post(
                    body="Store A only", message_type="comment", subtype_xmlid="mail.mt_note"
                )
            for attacker, user in self.security_attackers.items():
                if self._security_shared(model, "read", attacker):
                    continue
                Attachment = self.env["ir.attachment"].with_user(user)
                self.env.invalidate_all()
                if Attachment.search([("res_model", "=", model), ("res_id", "=", record.id)]):
                    failures.append(f"{model} as {attacker}: attachments found by search")
                self.env.invalidate_all()
                with suppress(AccessError):
                    attachment.with_user(user).read(["datas"])
                    failures.append(f"{model} as {attacker}: attachment read")
                if not message:
                    continue
                Message = self.env["mail.message"].with_user(user)
                self.env.invalidate_all()
                if Message.search([("model", "=", model), ("res_id", "=", record.id)]):
                    failures.append(f"{model} as {attacker}: messages found by search")
                self.env.invalidate_all()
                with suppress(AccessError):
                    message.with_user(user).read(["body"])
                    failures.append(f"{model} as {attacker}: message read")
                failures.append(
                    self._security_attempt(
                        f"{model}.message_post as {attacker}",
                        lambda record=record, user=user: record.with_user(user).message_post(
                            body="From B", message_type="comment"
                        ),
                        strict=False,  # Odoo creates the message, then checks, then rolls back
                    )
                )
                # Following: Odoo answers False without subscribing when it is refused.
                self._security_run(
                    lambda record=record, user=user: record.with_user(user).message_subscribe(
                        partner_ids=user.partner_id.ids
                    )
                )
                if user.partner_id in record.sudo().message_partner_ids:
                    failures.append(f"{model} as {attacker}: followed store A's record")
        self._security_report([failure for failure in failures if failure])

    def test_security_customer_relations(self):
        """What hangs off a customer (res.partner, readable by all) in the checked
        models shows store B none of store A's records."""
        failures = []
        Partner = self.env["res.partner"]
        for fname, field in Partner._fields.items():
            if field.type not in ("one2many", "many2many") or field.comodel_name not in (
                self.security_records
            ):
                continue
            record = self.security_records[field.comodel_name][0]
            if field.store or field.search:
                partners = Partner.sudo().search([(fname, "in", record.ids)])
            else:  # computed per user and not searchable: the partners the record names
                partners = Partner.sudo().union(
                    *(
                        record.sudo()[name]
                        for name, other in record._fields.items()
                        if other.type == "many2one" and other.comodel_name == "res.partner"
                    )
                )
                partners = partners.filtered(
                    lambda partner, fname=fname, record=record: record in partner[fname]
                )
            for partner in partners:
                for attacker, user in self.security_attackers.items():
                    if self._security_shared(field.comodel_name, "read", attacker):
                        continue
                    try:
                        value = partner.with_user(user).read([fname])[0][fname]
                    except AccessError:
                        continue
                    if record.id in value:
                        failures.append(
                            f"res.partner.{fname} of {partner.name} as {attacker}: "
                            f"shows store A's {field.comodel_name}"
                        )
        self._security_report(failures)

    def test_security_secrets_are_for_system_administrators(self):
        """Fields holding secrets are readable by system administrators only; a
        Clienteling administrator of the record's own company cannot read them."""
        failures = []
        secret = re.compile(r"password|secret|token|api_?key|credential", re.IGNORECASE)
        admin = self.user_manager
        for model in self._security_models():
            for fname, field in self.env[model]._fields.items():
                if not secret.search(fname) or fname in self.security_shared_secrets.get(model, {}):
                    continue
                if "base.group_system" not in (field.groups or "").split(","):
                    failures.append(f"{model}.{fname}: not restricted to base.group_system")
                record = self.security_records.get(model, (None,))[0]
                if record is not None and field.store:
                    with suppress(AccessError):
                        record.with_user(admin).read([fname])
                        failures.append(f"{model}.{fname}: read by a Clienteling administrator")
        self._security_report(failures)
