"""Developer tooling: local PostgreSQL clusters, Odoo discovery, start and test commands.

Nothing here is part of the addons; it only drives Odoo the way a developer or CI would.
"""
