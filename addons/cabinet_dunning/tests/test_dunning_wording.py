from datetime import date, timedelta

from odoo.tests import new_test_user, tagged

from .common import CabinetDunningCase

RUN_DATE = date(2026, 6, 30)

# The email template of each shipped level that can be written, and what its French text says.
LEVEL_EMAILS = {
    "level_standard_letter": (
        "mail_template_dunning_reminder",
        ["Sauf erreur de notre part", "Si votre règlement a croisé ce message"],
    ),
    "level_standard_email": (
        "mail_template_dunning_second_reminder",
        ["Nous vous avons récemment écrit", "sous quinze jours", "L441-10 et D441-5"],
    ),
    "level_standard_firm_letter": (
        "mail_template_dunning_firm",
        ["Malgré nos précédentes relances", "sous huit jours", "mise en demeure"],
    ),
    "level_standard_formal_notice": (
        "mail_template_dunning_formal_notice",
        ["MISE EN DEMEURE DE PAYER", "L441-10", "D441-5", "40 euros", "injonction de payer"],
    ),
    "level_standard_litigation": (
        "mail_template_dunning_last_notice",
        ["DERNIER AVIS AVANT POURSUITES", "recouvrement judiciaire", "L441-10", "D441-5"],
    ),
}

# The letter's title and the sentence that carries each kind of level's wording.
LEVEL_LETTERS = {
    "level_standard_letter": ["Relance de paiement", "Si votre règlement a croisé ce courrier"],
    "level_standard_email": ["Dernière relance avant mise en demeure", "sous huit jours"],
    "level_standard_firm_letter": ["Dernière relance avant mise en demeure", "sous huit jours"],
    "level_standard_formal_notice": [
        "Mise en demeure de payer",
        "Par la présente, nous vous mettons en demeure",
        "40 euros",
    ],
    "level_standard_litigation": [
        "Dernier avis avant poursuites",
        "recouvrement judiciaire",
    ],
}


@tagged("post_install", "-at_install")
class TestDunningWording(CabinetDunningCase):
    """Each shipped level speaks its own words, in the client's language, signed by the
    client's responsible chartered accountant (or the firm), whoever renders it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.email = "contact@cabinet-demo.example"
        cls.responsible = new_test_user(
            cls.env,
            login="sophie_laurent",
            name="Sophie Laurent",
            email="sophie.laurent@cabinet-demo.example",
            lang="en_US",
            groups="base.group_user,cabinet_dunning.group_dunning_user",
        )
        cls.client.write({"lang": "fr_FR", "dunning_responsible_id": cls.responsible.id})
        cls.odoobot = cls.env.ref("base.user_root")
        cls.collector = new_test_user(
            cls.env, login="collector", groups="cabinet_dunning.group_dunning_user"
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.client.id,
                "invoice_date": RUN_DATE - timedelta(days=90),
                "invoice_date_due": RUN_DATE - timedelta(days=60),
                "invoice_line_ids": [
                    (0, 0, {"name": "Honoraires", "price_unit": 1200, "tax_ids": []})
                ],
            }
        )
        cls.invoice.action_post()
        cls.dunning_run = cls.env["cabinet.dunning.run"].create(
            {"run_date": RUN_DATE, "user_id": cls.odoobot.id}
        )

    def _reminder(self, level_xmlid, partner=None, **vals):
        """A sent reminder of the client at a shipped level, as a run records it (a client has
        one reminder waiting at most: pass ``state="proposed"`` for the one to send)."""
        receivable = self.invoice.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        level = self.env.ref(f"cabinet_dunning.{level_xmlid}")
        return self.env["cabinet.dunning.line"].create(
            {
                "run_id": self.dunning_run.id,
                "company_id": self.company.id,
                "partner_id": (partner or self.client).id,
                "policy_id": self.env.ref("cabinet_dunning.policy_standard").id,
                "level_id": level.id,
                "channel": level.channel,
                "state": "done",
                "move_line_ids": [(6, 0, receivable.ids)],
                "amount_due": 1200.0,
                "interest_amount": 23.67,
                "indemnity_amount": 40.0,
                **vals,
            }
        )

    def _send_as_cron(self, template, reminder):
        """Render and queue the email as the sending cron does: as OdooBot."""
        mail = template.with_user(self.odoobot).send_mail_batch(reminder.ids)
        self.assertEqual(len(mail), 1)
        return mail

    def test_each_written_level_has_its_own_email_template(self):
        templates = {
            self.env.ref(f"cabinet_dunning.{level}").mail_template_id for level in LEVEL_EMAILS
        }
        self.assertEqual(len(templates), len(LEVEL_EMAILS), "one template per level")
        for level, (template, _words) in LEVEL_EMAILS.items():
            self.assertEqual(
                self.env.ref(f"cabinet_dunning.{level}").mail_template_id,
                self.env.ref(f"cabinet_dunning.{template}"),
                level,
            )
        self.assertFalse(
            self.env.ref("cabinet_dunning.level_standard_first_call").mail_template_id,
            "a call stays a call",
        )

    def test_emails_in_french_signed_by_the_responsible_from_the_responsible(self):
        for level, (template_xmlid, words) in LEVEL_EMAILS.items():
            with self.subTest(level=level):
                template = self.env.ref(f"cabinet_dunning.{template_xmlid}")
                mail = self._send_as_cron(template, self._reminder(level))
                for word in words:
                    self.assertIn(word, mail.body_html)
                self.assertIn(self.invoice.name, mail.body_html)
                self.assertIn("Sophie Laurent", mail.body_html)
                self.assertIn("Expert-comptable", mail.body_html)
                self.assertIn(self.company.name, mail.body_html)
                self.assertNotIn("OdooBot", mail.body_html)
                self.assertNotIn("Chartered accountant", mail.body_html)
                self.assertNotIn("Dear", mail.body_html, "no English left")
                self.assertIn("sophie.laurent@cabinet-demo.example", mail.email_from)
                self.assertEqual(mail.recipient_ids, self.client.payer_id)
                self.assertNotIn("OdooBot", mail.subject)

    def test_email_subjects_in_french(self):
        subjects = {
            "level_standard_letter": "Lettre de relance, ",
            "level_standard_email": "toujours impayés",
            "level_standard_firm_letter": "à régler sous huit jours",
            "level_standard_formal_notice": "mise en demeure de payer",
            "level_standard_litigation": "dernier avis avant poursuites",
        }
        for level, part in subjects.items():
            with self.subTest(level=level):
                template = self.env.ref(f"cabinet_dunning.{LEVEL_EMAILS[level][0]}")
                mail = self._send_as_cron(template, self._reminder(level))
                self.assertIn(part, mail.subject)
                self.assertTrue(mail.subject.startswith(self.company.name))

    def test_without_responsible_the_firm_signs_and_sends(self):
        self.client.dunning_responsible_id = False
        template = self.env.ref("cabinet_dunning.mail_template_dunning_formal_notice")
        mail = self._send_as_cron(template, self._reminder("level_standard_formal_notice"))
        self.assertIn(self.company.name, mail.body_html)
        self.assertNotIn("Expert-comptable", mail.body_html)
        self.assertNotIn("OdooBot", mail.body_html)
        self.assertIn("contact@cabinet-demo.example", mail.email_from)

    def test_english_client_reads_english(self):
        self.client.lang = "en_US"
        template = self.env.ref("cabinet_dunning.mail_template_dunning_reminder")
        mail = self._send_as_cron(template, self._reminder("level_standard_letter"))
        self.assertIn("Unless we are mistaken", mail.body_html)
        self.assertIn("Chartered accountant", mail.body_html)
        self.assertNotIn("Sauf erreur", mail.body_html)

    def test_formal_notice_without_commercial_penalties_cites_the_civil_code(self):
        template = self.env.ref("cabinet_dunning.mail_template_dunning_formal_notice")
        reminder = self._reminder(
            "level_standard_formal_notice", interest_amount=0.0, indemnity_amount=0.0
        )
        mail = self._send_as_cron(template, reminder)
        self.assertIn("1344-1 du Code civil", mail.body_html)
        self.assertNotIn("40 euros", mail.body_html)
        self.assertNotIn("D441-5", mail.body_html)

    def _letter(self, reminders):
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.collector)
            ._render_qweb_html("cabinet_dunning.report_dunning_letter", reminders.ids)
        )
        return html.decode()

    def test_letters_in_french_worded_per_level_signed_by_the_responsible(self):
        for level, words in LEVEL_LETTERS.items():
            with self.subTest(level=level):
                letter = self._letter(self._reminder(level))
                for word in words:
                    self.assertIn(word, letter)
                self.assertIn("Madame, Monsieur", letter)
                self.assertIn(self.invoice.name, letter)
                self.assertIn("Sophie Laurent", letter)
                self.assertIn("Expert-comptable", letter)
                self.assertNotIn("OdooBot", letter)
                self.assertNotIn(self.collector.name, letter, "not who printed it")
                self.assertNotIn("Dear", letter, "no English left")

    def test_letter_kinds_do_not_mix(self):
        first = self._letter(self._reminder("level_standard_letter"))
        self.assertNotIn("mettons en demeure", first)
        self.assertNotIn("Dernière relance", first)
        formal = self._letter(self._reminder("level_standard_formal_notice"))
        self.assertNotIn("Relance de paiement", formal)
        self.assertNotIn("croisé ce courrier", formal)

    def test_letter_without_responsible_is_signed_by_the_firm(self):
        self.client.dunning_responsible_id = False
        letter = self._letter(self._reminder("level_standard_firm_letter"))
        self.assertIn(self.company.name, letter)
        self.assertNotIn("Expert-comptable", letter)
        self.assertNotIn("OdooBot", letter)

    def test_the_sending_cron_logs_and_sends_as_the_responsible(self):
        email = self._reminder("level_standard_email", state="proposed")
        email.action_send()
        self._send_queued_reminders()
        letter = self._reminder("level_standard_letter", state="proposed")
        letter.action_send()
        self._send_queued_reminders()
        self.assertEqual((email | letter).mapped("state"), ["done", "done"])
        mail = self.env["mail.mail"].search(
            [("model", "=", "cabinet.dunning.line"), ("res_id", "=", email.id)]
        )
        self.assertEqual(mail.author_id, self.responsible.partner_id)
        logs = self.client.message_ids.filtered(lambda message: message.body)[:2]
        self.assertEqual(logs.author_id, self.responsible.partner_id)
        # The client's chatter keeps the email as the client read it, not as HTML code.
        [logged] = logs.filtered(lambda message: message.message_type == "comment")
        self.assertIn("<p>", logged.body)
        self.assertNotIn("&lt;", logged.body)
        self.client.dunning_responsible_id = False
        unsigned = self._reminder("level_standard_formal_notice", state="proposed")
        unsigned.action_send()
        self._send_queued_reminders()
        self.assertEqual(self.client.message_ids[0].author_id, self.company.partner_id)
