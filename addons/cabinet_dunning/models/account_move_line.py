from odoo import fields, models
from odoo.exceptions import UserError

DUNNING_FIELDS = ("dunning_level_id", "dunning_date")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    dunning_level_id = fields.Many2one(
        "cabinet.dunning.level",
        string="Dunning level reached",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    dunning_date = fields.Date(string="Last reminder", copy=False, readonly=True)

    def write(self, vals):
        if not self.env.su and any(name in vals for name in DUNNING_FIELDS):
            raise UserError(
                self.env._(
                    "The dunning level of an invoice is recorded by the reminders sent, not "
                    "changed by hand."
                )
            )
        return super().write(vals)
