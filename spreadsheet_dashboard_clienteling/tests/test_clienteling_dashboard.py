import json
import re

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.clienteling_sms.tests.common import ClientelingSmsCase
from odoo.addons.spreadsheet.utils.validate_data import (
    fields_in_spreadsheet,
    menus_xml_ids_in_spreadsheet,
    odoo_charts,
)

FORMULA = re.compile(r"(PIVOT\.VALUE|PIVOT\.HEADER|ODOO\.LIST)\((\d+),\"([^\"]*)\"")


@tagged("post_install", "-at_install", "spreadsheet_dashboard_clienteling")
class TestClientelingDashboard(ClientelingSmsCase):
    """The Clienteling dashboard loads: what its pivots, charts and list ask for
    exists and can be grouped and aggregated by a store manager, within the
    record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "spreadsheet_dashboard_clienteling.spreadsheet_dashboard_clienteling"
        )
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        for sid, to, sender in (
            ("SMDASH1", cls.number_a.number, "+12125550142"),
            ("SMDASH2", cls.number_personal.number, "+12125550142"),
            ("SMDASH3", cls.number_b.number, "+33612345699"),
        ):
            params = {
                "MessageSid": sid,
                "AccountSid": cls.account._provider_account_ref(),
                "From": sender,
                "To": to,
                "Body": "Hello",
                "NumMedia": "0",
            }
            cls.Event.sudo()._receive("inbound", cls.account, params)

    def _groupby(self, definition):
        return [g["fieldName"] for g in definition["rows"] + definition["columns"]]

    def _aggregates(self, definition):
        return [
            m["id"] if m.get("aggregator") else f"{m['fieldName']}:sum"
            for m in definition["measures"]
            if m["fieldName"] != "__count"
        ]

    def test_dashboard_is_published_for_clienteling_managers(self):
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Clienteling")
        self.assertTrue(self.dashboard.is_published)
        self.assertEqual(
            self.dashboard.group_ids, self.env.ref("clienteling.group_clienteling_store_manager")
        )
        action = self.env.ref("spreadsheet_dashboard_clienteling.clienteling_dashboard_action")
        self.assertEqual(action.params, {"dashboard_id": self.dashboard.id})

    def test_every_model_and_field_exists_and_is_stored(self):
        used = fields_in_spreadsheet(self.data)
        self.assertEqual(
            set(used),
            {
                "clienteling.sms.message",
                "clienteling.conversation",
                "clienteling.consent",
                "clienteling.advisor.recommendation",
            },
        )
        for model, names in used.items():
            for name in names:
                field = self.env[model]._fields.get(name)
                self.assertTrue(field, f"{model}.{name} does not exist")
                self.assertTrue(field.store, f"{model}.{name} is not stored")
        for xml_id in menus_xml_ids_in_spreadsheet(self.data):
            menu = self.env.ref(xml_id)
            self.assertTrue(menu.action, f"{xml_id} opens nothing")
            self.assertTrue(menu.parent_id, f"{xml_id} is not a Clienteling menu")

    def test_formulas_use_the_pivots_and_lists_defined(self):
        formulas = [
            match
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
            for match in FORMULA.findall(cell.get("content", ""))
        ]
        self.assertGreater(len(formulas), 100)
        for function, ident, arg in formulas:
            if function == "ODOO.LIST":
                self.assertIn(ident, self.data["lists"])
                self.assertIn(arg, self.data["lists"][ident]["columns"])
                continue
            pivot = self.data["pivots"][ident]
            if function == "PIVOT.HEADER":
                self.assertIn(arg.lstrip("#"), self._groupby(pivot))
            else:
                self.assertIn(arg, [m["id"] for m in pivot["measures"]])
        self.assertEqual(
            {ident for _function, ident, _arg in formulas if _function != "ODOO.LIST"},
            set(self.data["pivots"]),
        )
        # the global filters apply to fields of the right kind
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        definitions = [*self.data["pivots"].values(), *self.data["lists"].values()]
        definitions += odoo_charts(self.data)
        for definition in definitions:
            model = definition.get("model") or definition["metaData"]["resModel"]
            for filter_id, matching in definition["fieldMatching"].items():
                field = self.env[model]._fields[matching["chain"]]
                self.assertEqual(field.type, matching["type"])
                if filters[filter_id]["type"] == "relation":
                    self.assertEqual(field.comodel_name, filters[filter_id]["modelName"])

    def test_store_manager_reads_every_pivot_chart_and_list(self):
        user = self.user_store_manager_a
        for definition in self.data["pivots"].values():
            Model = self.env[definition["model"]].with_user(user)
            groups = Model.read_group(
                definition["domain"],
                self._aggregates(definition),
                self._groupby(definition),
                lazy=False,
            )
            stores = {g["store_id"][0] for g in groups if g.get("store_id")}
            self.assertLessEqual(stores, {self.store_a.id}, definition["name"])
        for chart in odoo_charts(self.data):
            meta = chart["metaData"]
            self.env[meta["resModel"]].with_user(user).read_group(
                chart["searchParams"]["domain"], [], meta["groupBy"], lazy=False
            )
        for definition in self.data["lists"].values():
            order = ", ".join(
                f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in definition["orderBy"]
            )
            records = (
                self.env[definition["model"]]
                .with_user(user)
                .search_read(definition["domain"], definition["columns"], order=order)
            )
            self.assertTrue(records)
            self.assertEqual({r["store_id"][0] for r in records}, {self.store_a.id})

    def test_figures_per_store_and_associate(self):
        texts = self.data["pivots"]["1"]
        groups = (
            self.env["clienteling.sms.message"]
            .with_user(self.user_store_manager_a)
            .read_group(
                [("provider_sid", "like", "SMDASH")] + texts["domain"],
                self._aggregates(texts),
                self._groupby(texts),
                lazy=False,
            )
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["store_id"][0], self.store_a.id)
        self.assertEqual(groups[0]["direction"], "inbound")
        self.assertEqual(groups[0]["__count"], 2)
        self.assertEqual(groups[0]["conversation_id"], 2)
        received = self.data["pivots"]["4"]
        groups = (
            self.env["clienteling.sms.message"]
            .with_user(self.user_manager)
            .read_group(
                [("provider_sid", "like", "SMDASH")] + received["domain"],
                [],
                self._groupby(received),
                lazy=False,
            )
        )
        self.assertEqual(
            [(g["number_employee_id"][0], g["__count"]) for g in groups], [(self.employee_a.id, 1)]
        )

    def test_store_manager_opens_it_associates_do_not(self):
        dashboard = self.dashboard.with_user(self.user_store_manager_a)
        dashboard.check_access("read")
        snapshot = dashboard.get_readonly_dashboard()["snapshot"]
        self.assertEqual(snapshot["pivots"].keys(), self.data["pivots"].keys())
        group = self.dashboard.dashboard_group_id.with_user(self.user_manager)
        self.assertIn(self.dashboard, group.published_dashboard_ids)
        associate = self.dashboard.with_user(self.user_associate_a)
        self.assertFalse(associate.search([("id", "=", self.dashboard.id)]))
        with self.assertRaises(AccessError):
            associate.check_access("read")
        self.assertFalse(associate.spreadsheet_data)
