"""Plumbing of cabinet_online_services that is neither a model nor a rule: the long-lived
Factur-X checker process (``facturx_checker``), its program (``facturx_check_worker``) and the
XSD and schematron checks it runs with Saxon (``facturx_validation``). Nothing here imports
Odoo."""
