from odoo import fields, models


class CabinetDunningLevel(models.Model):
    _inherit = "cabinet.dunning.level"

    suspend_online_services = fields.Boolean(
        help="When a client reaches this level, its active engagement letters are suspended: "
        "no more online services until it pays."
    )
