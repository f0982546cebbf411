from datetime import date, timedelta

import odoorpc

from odoo.tests import HttpCase, new_test_user, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestRpcBadInput(OnlineServicesCase, HttpCase):
    """Every public method, given bad arguments over RPC by the role that may call it,
    answers a message that names the argument and what it expects, in English and in French,
    and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()
        cls.env["res.lang"]._activate_lang("fr_FR")
        new_test_user(
            cls.env,
            login="bad_input_dunning",
            groups="base.group_user,cabinet_dunning.group_dunning_user",
        )
        new_test_user(
            cls.env,
            login="bad_input_accountant",
            groups="base.group_user,account.group_account_invoice",
        )

    def _counts(self):
        return {
            model: self.env[model].search_count([])
            for model in (
                "cabinet.dunning.run",
                "cabinet.billing.run",
                "cabinet.engagement.amendment",
                "account.move",
                "ir.attachment",
            )
        }

    def _table(self):
        letter = self.letter.id
        return [
            # (login, model, method, args, argument named, expected in English, in French)
            ("bad_input_dunning", "cabinet.dunning.run", "run_dunning", ["not-a-date"],
             "run_date", "a date as YYYY-MM-DD", "une date au format AAAA-MM-JJ"),
            ("bad_input_dunning", "cabinet.dunning.run", "run_dunning", ["9999-01-01"],
             "run_date", "between 1900 and 2999", "entre 1900 et 2999"),
            ("bad_input_dunning", "cabinet.dunning.run", "run_dunning",
             [(date.today() + timedelta(days=2)).isoformat()],
             "run_date", "a date not after", "une date au plus tard le"),
            ("bad_input_dunning", "cabinet.dunning.run", "run_dunning", [None, "x"],
             "partner_ids", "a list of record ids", "une liste d'identifiants"),
            ("bad_input_dunning", "cabinet.dunning.run", "run_dunning", [None, [999999999]],
             "partner_ids", "ids of existing res.partner", "identifiants d'enregistrements"),
            ("os_manager", "cabinet.billing.run", "run_billing", ["2026-13-45"],
             "run_date", "a date as YYYY-MM-DD", "une date au format AAAA-MM-JJ"),
            ("os_manager", "cabinet.billing.run", "run_billing", ["2026-11-25", "x"],
             "letter_ids", "a list of record ids", "une liste d'identifiants"),
            ("os_manager", "cabinet.billing.run", "run_billing", ["2026-11-25", [1.5]],
             "letter_ids", "a list of record ids", "une liste d'identifiants"),
            ("bad_input_accountant", "account.move", "get_facturx", ["abc"],
             "invoice_ids", "a list of record ids", "une liste d'identifiants"),
            ("bad_input_accountant", "account.move", "get_facturx", [[]],
             "invoice_ids", "a list of record ids", "une liste d'identifiants"),
            ("os_manager", "cabinet.engagement.letter", "amend",
             [[letter], "2027-01-01", "Avenant", "notalist"],
             "services", "a list of dicts", "une liste de dictionnaires"),
            ("os_manager", "cabinet.engagement.letter", "amend",
             [[letter], "2027-01-01", "Avenant", [{"product": 1}]],
             "services", "product_id, quantity, price_unit", "product_id, quantity, price_unit"),
            ("os_manager", "cabinet.engagement.letter", "amend",
             [[letter], "01/01/2027", "Avenant", []],
             "effective_date", "a date as YYYY-MM-DD", "une date au format AAAA-MM-JJ"),
            ("os_manager", "cabinet.engagement.letter", "amend",
             [[letter], "2027-01-01", "  ", []],
             "reason", "a text", "un texte"),
            ("os_manager", "cabinet.engagement.letter", "terminate",
             [[letter], "10000-01-01", "Fin"],
             "termination_date", "a date as YYYY-MM-DD", "une date au format AAAA-MM-JJ"),
        ]  # fmt: skip

    def test_bad_arguments_get_a_clear_answer_and_write_nothing(self):
        before = self._counts()
        state = self.letter.state
        for login, model, method, args, argument, english, french in self._table():
            for lang, expected in (("en_US", english), ("fr_FR", french)):
                with self.subTest(method=method, args=args, lang=lang):
                    with self._odoorpc(login) as rpc:
                        with self.assertRaises(odoorpc.error.RPCError) as refused:
                            rpc.execute_kw(model, method, args, {"context": {"lang": lang}})
                    message = str(refused.exception)
                    self.assertIn(argument, message)
                    given = [arg for arg in args if isinstance(arg, str) and "-" in arg]
                    if argument.endswith("date") and given:
                        self.assertIn(given[0], message, "quotes the date as it was given")
                    self.assertIn(expected, message)
                    self.assertNotIn("Traceback", refused.exception.info["data"]["message"])
        self.assertEqual(self._counts(), before, "nothing written")
        self.assertEqual(self.letter.state, state)
