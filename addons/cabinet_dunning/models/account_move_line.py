from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_level_id = fields.Many2one(
        "cabinet.dunning.level",
        string="Dunning level reached",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    dunning_date = fields.Date(string="Last reminder", copy=False, readonly=True)
