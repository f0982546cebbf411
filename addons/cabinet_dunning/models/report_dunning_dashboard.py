from odoo import api, models
from odoo.tools import format_date

from ..rules import receivable_figures


class ReportDunningDashboard(models.AbstractModel):
    """The values of the collection dashboard's PDF: the figures of ``data["filters"]``."""

    _name = "report.cabinet_dunning.report_dunning_dashboard"
    _description = "Collection dashboard report"

    @api.model
    def _get_report_values(self, docids, data=None):
        filters = (data or {}).get("filters") or {}
        dashboard = self.env["cabinet.dunning.dashboard"]
        figures = dashboard.get_figures(filters)
        echo = figures["filters"]
        company = self.env["res.company"].browse(echo["company_id"])
        currency = company.currency_id
        users = self.env["res.users"].sudo()
        segments = dict(figures["options"]["segments"])
        # A report of a month gone by gives its aged balance at the month's end.
        point = next(
            (point for point in figures["history"] if point["date"] == echo["date_to"]),
            figures["history"][-1],
        )
        amounts = [point["buckets"][bucket["key"]] for bucket in figures["aged"]["buckets"]]
        aged = [
            {"label": bucket["label"], "amount": amount, "percent": float(percent)}
            for bucket, amount, percent in zip(
                figures["aged"]["buckets"],
                amounts,
                receivable_figures.percentages(amounts),
                strict=True,
            )
        ]
        return {
            "doc_ids": docids,
            "doc_model": "cabinet.dunning.dashboard",
            "docs": dashboard,
            "res_company": company,
            "figures": figures,
            "date_from": format_date(self.env, echo["date_from"]),
            "date_to": format_date(self.env, echo["date_to"]),
            "responsible": users.browse(echo["responsible_id"] or []),
            "account_manager": users.browse(echo["account_manager_id"] or []),
            "segment": segments.get(echo["client_segment"]),
            "money": currency.format,
            "aged": aged,
            "aged_total": point["total"],
            "aged_date": format_date(self.env, point["date"]),
        }
