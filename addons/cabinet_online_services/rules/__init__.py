"""Plain-Python rules of cabinet_online_services: no import from odoo, tested in the top tests/."""
