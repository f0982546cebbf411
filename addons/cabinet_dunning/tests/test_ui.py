from odoo.tests import HttpCase, tagged

from .common import CabinetDunningCase


@tagged("post_install", "-at_install")
class TestPayerCardUi(CabinetDunningCase, HttpCase):
    """The payer card in the browser, as an account manager uses it."""

    def test_account_manager_fills_the_payer_line_in_the_collection_tab(self):
        action = self.env.ref("cabinet_dunning.action_partner_payer_card")
        self.client.customer_rank = 1
        self.start_tour(
            f"/odoo/action-{action.id}", "cabinet_dunning_payer_card", login="dunning_user"
        )
        self.assertEqual(self.client.payer_id.phone, "01 99 88 77 66")
