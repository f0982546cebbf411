from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _free_billed_periods(self):
        """An online services invoice that is cancelled or deleted no longer bills its
        periods nor its usage: the next billing run bills them again."""
        periods = self.env["cabinet.billed.period"].sudo().search([("move_id", "in", self.ids)])
        periods.unlink()
        self.env["cabinet.usage.line"].sudo().search(
            [("move_id", "in", self.ids), ("state", "=", "billed")]
        ).write({"state": "to_bill", "move_id": False})

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered(lambda move: move.state == "cancel")._free_billed_periods()
        return result

    def unlink(self):
        self._free_billed_periods()
        return super().unlink()
