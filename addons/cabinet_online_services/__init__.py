from . import stdnum_resources  # first: stdnum data files for factur-x
from . import controllers
from . import models
from . import wizards


def post_init_hook(env):
    """The companies already on the French chart get the disbursement tax (débours)."""
    chart = env["account.chart.template"]
    for company in env["res.company"].search(
        [("chart_template", "=", "fr"), ("parent_id", "=", False)]
    ):
        chart._cabinet_load_disbursement_tax(company)


def uninstall_hook(env):
    """Clients set to our Factur-X or to Chorus Pro go back to Odoo's defaults, so that
    their form stays usable once the choices are gone."""
    env["res.partner"]._clear_removed_edi_formats("cabinet_facturx")
    env.cr.execute(
        """
        UPDATE res_partner
           SET invoice_sending_method = invoice_sending_method - res_company.id::text
          FROM res_company
         WHERE res_partner.invoice_sending_method ->> res_company.id::text = 'chorus_pro'
        """
    )
