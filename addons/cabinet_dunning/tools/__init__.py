"""Plumbing of the Cabinet addons that is neither a model nor a rule: the checks of what
integrators pass to our public methods (``rpc_arguments``, which needs Odoo and is imported
by the models that use it)."""
