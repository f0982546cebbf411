from odoo import models

# Payment orders whose debit has not been presented to the bank yet: the invoice is about to
# be collected. Once uploaded, a collected invoice is reconciled; a rejected one reopens and is
# reminded again.
DEBIT_IN_PROGRESS = ("draft", "open", "generated")


class CabinetDunningRun(models.Model):
    _inherit = "cabinet.dunning.run"

    def _dunning_exclusions(self, lines):
        excluded = super()._dunning_exclusions(lines)
        in_orders = (
            self.env["account.payment.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_line_id", "in", lines.ids),
                    ("order_id.state", "in", DEBIT_IN_PROGRESS),
                    ("order_id.payment_type", "=", "inbound"),
                ],
                ["move_line_id"],
            )
        )
        for move_line in in_orders.move_line_id:
            excluded.setdefault(move_line.id, "direct_debit")
        return excluded
