"""Plumbing of cabinet_online_services that is neither a model nor a rule: the long-lived
Factur-X checker process (``facturx_checker``) and its program (``facturx_check_worker``)."""
