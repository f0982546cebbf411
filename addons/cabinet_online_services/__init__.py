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
