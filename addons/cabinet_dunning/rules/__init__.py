"""Plain-Python rules of cabinet_dunning: no import from odoo, tested in the top tests/."""
