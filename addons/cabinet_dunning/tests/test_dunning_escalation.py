from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_dunning_run import DunningRunCase


@tagged("post_install", "-at_install")
class TestDunningEscalation(DunningRunCase):
    """SMS reminders, the templates of each level and the litigation file."""

    def _policy_with(self, **level):
        policy = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Relance SMS",
                "mode": "automatic",
                "level_ids": [(0, 0, {"name": "SMS", "days_after_due": 5, **level})],
            }
        )
        self.client.dunning_policy_id = policy
        return policy

    def _sent_reminder(self, days_late=10, amount=420):
        self._invoice(amount, days_late)
        reminder = self._run()
        self._send_queued_reminders()
        self.assertEqual(reminder.state, "done", reminder.send_error)
        return reminder

    def test_an_sms_goes_to_the_payer_mobile_through_odoo_sms_queue(self):
        self._policy_with(channel="sms")
        self.client.payer_mobile = "+33 6 12 34 56 78"
        reminder = self._sent_reminder()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.client.payer_id.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing", "queued, sent by Odoo's SMS scheduler")
        self.assertIn("+33", sms.number)
        self.assertIn("420", sms.body)
        self.assertIn(self.env.company.name, sms.body)
        self.assertEqual(self.client.message_ids[0].message_type, "sms")
        self.assertFalse(
            self.env["mail.activity"].search([("res_id", "=", self.client.id),
                                              ("res_model", "=", "res.partner")])
        )  # fmt: skip
        self.assertEqual(reminder.channel, "sms")

    def test_without_a_mobile_the_sms_becomes_a_call(self):
        self._policy_with(channel="sms")
        self._sent_reminder()
        self.assertFalse(self.env["sms.sms"].search([("partner_id", "=", self.client.id)]))
        call = self.env["mail.activity"].search(
            [("res_id", "=", self.client.id), ("res_model", "=", "res.partner")]
        )
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))

    def test_a_formal_notice_level_sends_the_formal_notice(self):
        self._policy_with(channel="email", is_formal_notice=True)
        self.client.lang = "en_US"
        self._sent_reminder(amount=1000)
        mail = self.env["mail.mail"].search([], order="id desc", limit=1)
        self.assertIn("formal notice", mail.subject)
        self.assertIn("FORMAL NOTICE TO PAY", mail.body_html)
        self.assertIn("L441-10", mail.body_html)

    def test_a_level_sends_its_own_template(self):
        firm = self.env.ref("cabinet_dunning.mail_template_dunning_firm")
        self._policy_with(channel="email", mail_template_id=firm.id)
        self.client.lang = "en_US"
        self._sent_reminder()
        mail = self.env["mail.mail"].search([], order="id desc", limit=1)
        self.assertIn("Despite our previous reminders", mail.body_html)
        self.assertIn("within eight days", mail.subject)

    def test_the_emails_are_in_french_for_a_french_client(self):
        self._policy_with(channel="email", is_formal_notice=True)
        self.client.lang = "fr_FR"
        self._sent_reminder()
        mail = self.env["mail.mail"].search([], order="id desc", limit=1)
        self.assertIn("MISE EN DEMEURE", mail.body_html)
        self.assertIn("mise en demeure", mail.subject)

    def test_litigation_opens_a_file_to_hand_over_and_follow(self):
        self.policy.catch_up = True
        late = self._invoice(800, 70)
        reminder = self._run()
        reminder.action_send()
        self._send_queued_reminders()
        litigation = self.env["cabinet.dunning.litigation"].search(
            [("partner_id", "=", self.client.id)]
        )
        self.assertEqual(litigation.state, "to_hand_over")
        self.assertEqual(litigation.move_line_ids.move_id, late)
        self.assertEqual(litigation.amount_claimed, 800)
        self.assertEqual(litigation.indemnity_amount, 40)
        self.assertTrue(litigation.activity_ids, "a to-do to hand the file over")
        with self.assertRaisesRegex(UserError, "Say which procedure"):
            litigation.action_hand_over()
        agency = self.env["res.partner"].create(
            {"name": "Recouvrement Express", "is_company": True}
        )
        litigation.write({"procedure": "payment_order", "handled_by_id": agency.id,
                          "court": "Tribunal de commerce de Lyon"})  # fmt: skip
        litigation.action_hand_over()
        self.assertEqual(litigation.state, "in_progress")
        self.assertFalse(litigation.activity_ids)
        litigation.action_decision()
        with self.assertRaisesRegex(UserError, "still has"):
            litigation.action_close_recovered()
        self._pay(late, 800)
        litigation.action_close_recovered()
        self.assertEqual(litigation.state, "recovered")
        self.assertFalse(self.client.dunning_blocked, "reminders resume for new debts")

    def test_a_written_off_file_and_access(self):
        self.policy.catch_up = True
        self._invoice(800, 70)
        reminder = self._run()
        reminder.action_send()
        self._send_queued_reminders()
        litigation = self.env["cabinet.dunning.litigation"].search(
            [("partner_id", "=", self.client.id)]
        )
        self.assertTrue(
            litigation.with_user(self.accountant).read(["amount_residual"]),
            "dunning users follow the files",
        )
        portal = new_test_user(self.env, login="lit_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            litigation.with_user(portal).read(["state"])
        with self.assertRaises(AccessError):
            litigation.with_user(self.accountant).unlink()
        manager = new_test_user(
            self.env, login="lit_manager", groups="cabinet_dunning.group_dunning_manager"
        )
        with self.assertRaisesRegex(UserError, "close it"):
            litigation.with_user(manager).unlink()
        with self.assertRaises(AccessError):
            reminder.run_id.with_user(manager).unlink()
        litigation.with_user(self.accountant).action_write_off()
        self.assertEqual(litigation.state, "written_off")
        with self.assertRaisesRegex(UserError, "cannot be"):
            litigation.action_hand_over()
