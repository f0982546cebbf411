import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_actions_report import _run_wkhtmltopdf, _wkhtml

_logger = logging.getLogger(__name__)

# How many wkhtmltopdf processes render side by side when each call makes one document. Each
# mostly waits for the report's JavaScript delay (``report.print_delay``, 1 s by default).
WORKERS_PARAM = "cabinet_online_services.pdf_render_workers"
DEFAULT_WORKERS = 8


def wkhtmltopdf_renders_many():
    """Whether wkhtmltopdf can render several documents in one call (patched Qt)."""
    return _wkhtml().is_patched_qt


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _cabinet_render_pdfs(self, report_ref, res_ids):
        """{res_id: PDF bytes} of a QWeb PDF report for many records, in one report render.

        With wkhtmltopdf's patched Qt, this is Odoo's own batch: one call for all records,
        split per record. Without it (Debian's build), a call makes one document only: the
        records' HTML is still rendered once, then each record's page goes to its own
        wkhtmltopdf process, several running side by side, since each mostly waits for the
        report's JavaScript delay. That build ignores running headers and footers, as in
        Odoo's own render with it.
        """
        if len(res_ids) <= 1 or wkhtmltopdf_renders_many():
            streams = self._render_qweb_pdf_prepare_streams(report_ref, {}, res_ids=res_ids)
            return {res_id: streams[res_id]["stream"].getvalue() for res_id in res_ids}
        report = self._get_report(report_ref)
        data = {"report_type": "pdf", "debug": False}
        html = self.with_context(debug=False)._render_qweb_html(report_ref, res_ids, data=data)[0]
        bodies, html_ids, _header, _footer, paper_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=report.model)
        if len(html_ids) != len(res_ids) or set(html_ids) != set(res_ids):
            raise UserError(
                self.env._(
                    "The report “%s” cannot be split per record: its template does not mark "
                    "each record's page with 'data-oe-model' and 'data-oe-id'.",
                    report.name,
                )
            )
        command = self._build_wkhtmltopdf_args(
            report.get_paperformat(), self.env.context.get("landscape"),
            specific_paperformat_args=paper_args,
        )  # fmt: skip
        workers = int(self.env["ir.config_parameter"].sudo().get_param(WORKERS_PARAM, 0))
        pdfs = _render_side_by_side(command, bodies, workers or DEFAULT_WORKERS)
        failed = [(code, message) for pdf, code, message in pdfs if not pdf or code not in (0, 1)]
        if failed:
            code, message = failed[0]
            raise UserError(
                self.env._(
                    "Wkhtmltopdf failed (error code: %(code)s). Message: %(message)s",
                    code=code,
                    message=message[-1000:],
                )
            )
        warnings = {message.strip() for _pdf, code, message in pdfs if code == 1}
        if warnings:
            _logger.warning("wkhtmltopdf: %s", " | ".join(sorted(warnings))[:2000])
        return dict(zip(html_ids, (pdf for pdf, _code, _message in pdfs), strict=True))


def _render_side_by_side(command, bodies, workers):
    """[(pdf bytes, return code, stderr)] of one wkhtmltopdf call per HTML body, ``workers``
    calls at a time. Runs no ORM code: it can run in threads."""
    with tempfile.TemporaryDirectory(prefix="cabinet-report-") as folder:

        def render(indexed_body):
            index, body = indexed_body
            source = os.path.join(folder, f"body-{index}.html")
            target = os.path.join(folder, f"body-{index}.pdf")
            with open(source, "w", encoding="utf-8") as file:
                file.write(body)
            process = _run_wkhtmltopdf([*command, source, target])
            pdf = b""
            if os.path.exists(target):
                with open(target, "rb") as file:
                    pdf = file.read()
            return pdf, process.returncode, process.stderr or ""

        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(bodies)))) as pool:
            return list(pool.map(render, enumerate(bodies)))
