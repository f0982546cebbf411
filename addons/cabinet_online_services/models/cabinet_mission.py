from odoo import fields, models


class CabinetMission(models.Model):
    """A mission the firm takes on in an engagement letter (bookkeeping, payroll...)."""

    _name = "cabinet.mission"
    _description = "Engagement mission"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
