from datetime import date

from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CabinetDunningCase

# Menu action: the views it offers.
ACTIONS = {
    "cabinet_dunning.action_cabinet_dunning_line": ["list", "form", "pivot", "graph"],
    "cabinet_dunning.action_cabinet_dunning_dispute": ["list", "form", "pivot", "graph"],
    "cabinet_dunning.action_cabinet_dunning_promise": ["list", "pivot", "graph"],
    "cabinet_dunning.action_cabinet_dunning_litigation": ["list", "form", "pivot", "graph"],
    "cabinet_dunning.action_cabinet_dunning_run": ["list", "form"],
}


@tagged("post_install", "-at_install")
class TestDunningViews(CabinetDunningCase):
    """The lists a collection team works in: every menu action opens its views for a
    Recouvrement user, every filter and grouping of their search views runs, and "My
    reminders" keeps the reminders the user acts on. The user has the Recouvrement user group
    only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(
            cls.env, login="collector", groups="cabinet_dunning.group_dunning_user"
        )

    def _search_arch(self, model):
        views = self.env[model].with_user(self.collector).get_views([(False, "search")])
        return etree.fromstring(views["views"]["search"]["arch"])

    def test_menu_actions_open_their_views(self):
        for xmlid, modes in ACTIONS.items():
            with self.subTest(action=xmlid):
                action = (
                    self.env["ir.actions.act_window"].with_user(self.collector)._for_xml_id(xmlid)
                )
                self.assertEqual(action["view_mode"].split(","), modes)
                model = self.env[action["res_model"]].with_user(self.collector)
                views = model.get_views([(False, mode) for mode in [*modes, "search"]])
                for mode in [*modes, "search"]:
                    arch = etree.fromstring(views["views"][mode]["arch"])
                    self.assertEqual(arch.tag, mode)
                context = safe_eval(action.get("context") or "{}", {"uid": self.collector.id})
                search = self._search_arch(action["res_model"])
                for key in context:
                    if key.startswith("search_default_"):
                        name = key.removeprefix("search_default_")
                        self.assertTrue(search.xpath(f"//filter[@name='{name}']"), key)

    def test_every_filter_and_grouping_runs(self):
        for xmlid in ACTIONS:
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            model = self.env[action["res_model"]].with_user(self.collector)
            for node in self._search_arch(action["res_model"]).iter("filter"):
                with self.subTest(model=model._name, filter=node.get("name")):
                    if node.get("domain"):
                        domain = safe_eval(node.get("domain"), {"uid": self.collector.id})
                        model.search(domain)
                    if node.get("context"):
                        group_by = safe_eval(node.get("context"))["group_by"]
                        field = model._fields[group_by.split(":")[0]]
                        if field.type in ("date", "datetime") and ":" not in group_by:
                            group_by += ":month"  # the web client's default interval
                        model.formatted_read_group([], [group_by], ["__count"])

    def test_pivot_and_graph_measures_aggregate(self):
        for xmlid, modes in ACTIONS.items():
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            model = self.env[action["res_model"]].with_user(self.collector)
            for mode in {"pivot", "graph"} & set(modes):
                with self.subTest(model=model._name, view=mode):
                    arch = etree.fromstring(model.get_views([(False, mode)])["views"][mode]["arch"])
                    groupby = [
                        ":".join(filter(None, [node.get("name"), node.get("interval")]))
                        for node in arch.xpath("//field[not(@type) or @type!='measure']")
                    ]
                    measures = [f"{node.get('name')}:sum" for node in arch.xpath(
                        "//field[@type='measure']"
                    )]  # fmt: skip
                    self.assertTrue(groupby and measures)
                    model.formatted_read_group([], groupby, measures)

    def test_runs_have_a_chatter(self):
        Run = self.env["cabinet.dunning.run"].with_user(self.collector)
        run = Run.browse(Run.run_dunning())
        form = (
            self.env["cabinet.dunning.run"].with_user(self.collector).get_views([(False, "form")])
        )
        self.assertTrue(etree.fromstring(form["views"]["form"]["arch"]).xpath("//chatter"))
        run.message_post(body="Letters posted this morning.")  # read access is enough
        self.assertIn("Letters posted this morning.", run.message_ids[0].body)
        self.assertEqual(run.message_ids[0].author_id, self.collector.partner_id)

    def test_my_reminders_are_those_i_act_on(self):
        me, colleague = self.collector, self.manager
        letter = self.env.ref("cabinet_dunning.level_standard_letter")
        Partner = self.env["res.partner"]
        run = self.env["cabinet.dunning.run"].sudo().create({"run_date": date(2026, 6, 30)})

        def reminder(user, state="done"):
            partner = Partner.create({"name": f"Client {user.name}", "is_company": True})
            return (
                self.env["cabinet.dunning.line"]
                .sudo()
                .create(
                    {
                        "run_id": run.id,
                        "company_id": self.company.id,
                        "partner_id": partner.id,
                        "level_id": letter.id,
                        "state": state,
                        "user_id": user.id,
                        "amount_due": 100.0,
                    }
                )
            )

        mine = reminder(me) | reminder(me, "proposed") | reminder(me, "skipped")
        theirs = reminder(colleague) | reminder(colleague, "proposed")
        reminders = mine | theirs
        search = self._search_arch("cabinet.dunning.line")
        (node,) = search.xpath("//filter[@name='my_reminders']")
        self.assertEqual(node.get("string"), "My reminders")
        domain = safe_eval(node.get("domain"), {"uid": me.id})
        found = (
            self.env["cabinet.dunning.line"]
            .with_user(me)
            .search([*domain, ("id", "in", reminders.ids)])
        )
        self.assertEqual(found, mine)
        their_domain = safe_eval(node.get("domain"), {"uid": colleague.id})
        self.assertEqual(
            self.env["cabinet.dunning.line"]
            .with_user(colleague)
            .search([*their_domain, ("id", "in", reminders.ids)]),
            theirs,
        )
        groups = (
            self.env["cabinet.dunning.line"]
            .with_user(me)
            .read_group([("id", "in", reminders.ids)], ["amount_due:sum"], ["user_id"])
        )
        self.assertEqual({group["user_id"][0] for group in groups}, {me.id, colleague.id})

    def test_my_reminders_in_french(self):
        search = (
            self.env["cabinet.dunning.line"]
            .with_user(self.collector)
            .with_context(lang="fr_FR")
            .get_views([(False, "search")])
        )
        arch = etree.fromstring(search["views"]["search"]["arch"])
        (node,) = arch.xpath("//filter[@name='my_reminders']")
        self.assertEqual(node.get("string"), "Mes relances")
