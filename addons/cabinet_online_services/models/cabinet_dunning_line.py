from odoo import models

from ..rules import letter_states


class CabinetDunningLine(models.Model):
    _inherit = "cabinet.dunning.line"

    def _on_dunning_level_reached(self):
        """Suspend the online services of the clients who reached a level that says so."""
        result = super()._on_dunning_level_reached()
        clients = self.filtered("level_id.suspend_online_services").partner_id
        letters = (
            self.env["cabinet.engagement.letter"]
            .sudo()
            .search(
                [("partner_id", "in", clients.ids), ("state", "in", list(letter_states.RUNNING))]
            )
        )
        letters.action_suspend()
        for letter in letters:
            letter.message_post(
                body=self.env._(
                    "Online services suspended: the client reached a dunning level that "
                    "suspends them. Resume the letter once the debt is paid."
                )
            )
        return result
