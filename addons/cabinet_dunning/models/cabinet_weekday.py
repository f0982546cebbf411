from odoo import fields, models


class CabinetWeekday(models.Model):
    """A day of the week, so a client's contact days are searchable and translatable."""

    _name = "cabinet.weekday"
    _description = "Day of the week"
    _order = "sequence"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(required=True, help="ISO day number: 1 is Monday, 7 is Sunday.")

    _sequence_unique = models.Constraint("UNIQUE(sequence)", "Each day of the week exists once.")
