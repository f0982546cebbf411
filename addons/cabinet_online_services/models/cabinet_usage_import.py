import base64
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..rules import letter_dates, usage_statement


class CabinetUsageImport(models.Model):
    """A vendor's CSV file: a monthly usage statement (billed by the next run) or an invoice
    detail (checked against what the firm billed).

    The file is checked first; every bad row is reported with its number and the reason.
    Nothing of a file with errors is imported unless the admin chooses to import only its
    valid lines.
    """

    _name = "cabinet.usage.import"
    _description = "Vendor usage import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: self.env._("New import"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(
        [("usage", "Usage statement"), ("vendor_invoice", "Vendor invoice detail")],
        required=True,
        default="usage",
    )
    vendor_id = fields.Many2one(
        "res.partner",
        string="Software vendor",
        help="Service codes are looked up among this vendor's services (all vendors if empty).",
    )
    statement_month = fields.Date(
        string="Month of the statement",
        required=True,
        default=lambda self: self._default_statement_month(),
        help="The month the vendor's file covers (any day of it): a row of another month is "
        "an error, never billed.",
    )
    file = fields.Binary(string="CSV file", attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [
            ("draft", "To check"),
            ("checked", "Checked"),
            ("imported", "Imported"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    cancel_reason = fields.Text(
        string="Why it is cancelled",
        help="Cancelling an import takes its lines not billed yet out of the next billing "
        "runs; what is billed already stays on its invoices.",
    )
    line_ids = fields.One2many("cabinet.usage.line", "import_id", string="Lines", readonly=True)
    error_ids = fields.One2many(
        "cabinet.usage.import.error", "import_id", string="Errors", readonly=True
    )
    line_count = fields.Integer(compute="_compute_counts")
    error_count = fields.Integer(compute="_compute_counts")
    control_line_ids = fields.One2many(
        "cabinet.vendor.control.line", "import_id", string="Control report", readonly=True
    )

    @api.depends("line_ids", "error_ids")
    def _compute_counts(self):
        for record in self:
            record.line_count = len(record.line_ids)
            record.error_count = len(record.error_ids)

    @api.model
    def _default_statement_month(self):
        """The first day of last month: vendors send a month's statement after it."""
        first = fields.Date.context_today(self).replace(day=1)
        return (first - timedelta(days=1)).replace(day=1)

    def write(self, vals):
        if "statement_month" in vals and self.filtered(
            lambda r: r.state in ("imported", "cancelled")
        ):
            raise UserError(self.env._("The month of an imported statement cannot change."))
        if "statement_month" in vals:
            vals["statement_month"] = fields.Date.to_date(vals["statement_month"]).replace(day=1)
        if "file" in vals and self.filtered(lambda record: record.state == "imported"):
            raise UserError(self.env._("An imported file cannot be replaced: import a new one."))
        if "file" in vals:
            self.line_ids.unlink()
            self.error_ids.unlink()
            vals["state"] = "draft"
        return super().write(vals)

    # ------------------------------------------------------------------------------------
    # Check
    # ------------------------------------------------------------------------------------
    def action_check(self):
        """Read the file and report each row that cannot be imported, with the reason."""
        for record in self:
            if record.state == "imported":
                raise UserError(self.env._("%(name)s is already imported.", name=record.name))
            if not record.file:
                raise UserError(self.env._("Choose the CSV file to import."))
            record.line_ids.unlink()
            record.error_ids.unlink()
            text = usage_statement.decode_statement(base64.b64decode(record.file))
            rows, errors = usage_statement.read_statement(
                text, with_amount=record.kind == "vendor_invoice", month=record.statement_month
            )
            lines, more_errors = record._resolve(rows)
            record.env["cabinet.usage.line"].create(lines)
            record.env["cabinet.usage.import.error"].create(
                [
                    record._error_vals(error)
                    for error in sorted(errors + more_errors, key=lambda error: error.number)
                ]
            )
            record.state = "checked"
        return True

    def _resolve(self, rows):
        """Usage line values for the rows whose client and service are known and not imported
        already, and the errors of the others."""
        self.ensure_one()
        sirens = {usage_statement.normalize_client(row.client) for row in rows}
        partners = self.env["res.partner"].search_fetch(
            [
                "|",
                ("siren", "in", list(sirens)),
                ("online_services_account_code", "in", list(sirens)),
                ("parent_id", "=", False),
            ],
            ["siren", "online_services_account_code"],
        )
        by_key = {}
        for partner in partners:
            if partner.online_services_account_code:
                by_key.setdefault(partner.online_services_account_code.upper(), partner)
            if partner.siren:
                by_key.setdefault(partner.siren, partner)
        product_domain = [("is_online_service", "=", True), ("vendor_service_code", "!=", False)]
        if self.vendor_id:
            product_domain.append(("service_vendor_id", "=", self.vendor_id.id))
        products = {
            product.vendor_service_code.upper(): product
            for product in self.env["product.product"].search(product_domain)
        }
        existing = self.env["cabinet.usage.line"].search_fetch(
            [
                ("kind", "=", self.kind),
                ("company_id", "=", self.company_id.id),
                ("state", "!=", "draft"),
                ("partner_id", "in", partners.ids),
                ("period_start", "in", list({row.period_start for row in rows})),
            ],
            ["partner_id", "product_id", "period_start", "import_id"],
        )
        imported = {(line.partner_id, line.product_id, line.period_start): line.import_id
                    for line in existing}  # fmt: skip
        lines, errors = [], []
        for row in rows:
            partner = by_key.get(usage_statement.normalize_client(row.client))
            product = products.get(row.service.upper())
            if not partner:
                errors.append(usage_statement.RowError(row.number, "unknown_client", row.client))
            elif not product:
                errors.append(usage_statement.RowError(row.number, "unknown_service",
                                                       row.service))  # fmt: skip
            elif product.usage_max_quantity and row.quantity > Decimal(
                str(product.usage_max_quantity)
            ):
                errors.append(usage_statement.RowError(
                    row.number, usage_statement.TOO_LARGE, str(row.quantity)))  # fmt: skip
            elif (partner, product, row.period_start) in imported:
                errors.append(usage_statement.RowError(
                    row.number, "already_imported",
                    imported[(partner, product, row.period_start)].name))  # fmt: skip
            else:
                lines.append(
                    {
                        "import_id": self.id,
                        "row_number": row.number,
                        "partner_id": partner.id,
                        "product_id": product.id,
                        "period_start": row.period_start,
                        "period_end": row.period_end,
                        "quantity": float(row.quantity),
                        "amount": float(row.amount) if row.amount is not None else 0.0,
                    }
                )
        return lines, errors

    def _error_vals(self, error):
        return {
            "import_id": self.id,
            "row_number": error.number,
            "code": error.code,
            "value": usage_statement.neutralised(error.value),
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        billed = self.line_ids.filtered(lambda line: line.state == "billed" or line.move_id)
        if billed:
            raise UserError(
                self.env._(
                    "%(name)s has usage billed on invoices (%(invoices)s): it cannot be "
                    "deleted. Cancel it with its reason instead; what is billed stays billed.",
                    name=billed.import_id[:1].name,
                    invoices=", ".join(billed.move_id.mapped("name")[:5]),
                )
            )

    def action_cancel(self):
        """Cancel these imports with their reason: their lines not billed yet leave the next
        billing runs; what is billed already stays on its invoices."""
        if self.filtered(lambda record: not (record.cancel_reason or "").strip()):
            raise UserError(self.env._("Say why the import is cancelled before cancelling it."))
        if self.filtered(lambda record: record.state == "cancelled"):
            raise UserError(self.env._("This import is already cancelled."))
        self.line_ids.filtered(lambda line: line.state != "billed" and not line.move_id).unlink()
        self.error_ids.unlink()
        for record in self:
            record.message_post(
                body=self.env._("Import cancelled: %(reason)s", reason=record.cancel_reason)
            )
        self.write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------------------------
    def action_import(self):
        """Import a checked file that has no error."""
        self._check_checked()
        with_errors = self.filtered("error_ids")
        if with_errors:
            raise UserError(
                self.env._(
                    "%(name)s has %(count)s rows with errors: nothing is imported. Correct the "
                    "file and check it again, or import only its valid lines.",
                    name=with_errors[0].name,
                    count=len(with_errors[0].error_ids),
                )
            )
        self._import_lines()
        return True

    def action_import_valid_lines(self):
        """Import the valid lines of a checked file, leaving out the rows with errors."""
        self._check_checked()
        self._import_lines()
        for record in self.filtered("error_ids"):
            record.message_post(
                body=self.env._(
                    "Imported without its %(count)s rows with errors.",
                    count=len(record.error_ids),
                )
            )
        return True

    def _check_checked(self):
        if self.filtered(lambda record: record.state != "checked"):
            raise UserError(self.env._("Check the file before importing it."))
        if not self.line_ids:
            raise UserError(self.env._("The file has no valid line to import."))

    def _import_lines(self):
        for kind in ("usage", "vendor_invoice"):
            self.filtered(lambda record, kind=kind: record.kind == kind).line_ids.write(
                {"state": "to_bill" if kind == "usage" else "vendor"}
            )
        self.write({"state": "imported"})
        self.filtered(lambda record: record.kind == "vendor_invoice")._build_control_report()

    # ------------------------------------------------------------------------------------
    # Vendor control
    # ------------------------------------------------------------------------------------
    def _build_control_report(self):
        """Compare the vendor's invoice detail with what the firm billed its clients for the
        same services and months: billed but not used, used but not billed, quantity and price
        mismatches (vendor amount against the quantity at the service's cost)."""
        for record in self:
            record.control_line_ids.unlink()
            months = sorted(set(record.line_ids.mapped("period_start")))
            if not months:
                continue
            products = record.line_ids.product_id
            if record.vendor_id:
                products |= self.env["product.product"].search(
                    [("service_vendor_id", "=", record.vendor_id.id)]
                )
            billed = record._billed_quantities(products, months)
            vendor = defaultdict(lambda: [0.0, 0.0])
            for line in record.line_ids:
                key = (line.partner_id, line.product_id, line.period_start)
                vendor[key][0] += line.quantity
                vendor[key][1] += line.amount
            vals_list = []
            for key in sorted(set(billed) | set(vendor), key=lambda k: (k[0].id, k[1].id, k[2])):
                partner, product, month = key
                billed_quantity = billed.get(key, 0.0)
                vendor_quantity, vendor_amount = vendor.get(key, (0.0, 0.0))
                expected = vendor_quantity * product.standard_price
                vals_list.append(
                    {
                        "import_id": record.id,
                        "partner_id": partner.id,
                        "product_id": product.id,
                        "period_start": month,
                        "billed_quantity": billed_quantity,
                        "vendor_quantity": vendor_quantity,
                        "vendor_amount": vendor_amount,
                        "expected_amount": expected,
                        "category": _control_category(
                            key in billed, key in vendor, billed_quantity, vendor_quantity,
                            vendor_amount, expected, record.currency_id.rounding,
                        ),
                    }
                )  # fmt: skip
            self.env["cabinet.vendor.control.line"].create(vals_list)

    def _billed_quantities(self, products, months):
        """{(client, service, month): quantity billed} for subscriptions (billed periods
        covering the month) and usage (usage billed for the month)."""
        billed = defaultdict(float)
        usage = self.env["cabinet.usage.line"].search_fetch(
            [
                ("kind", "=", "usage"),
                ("state", "=", "billed"),
                ("company_id", "=", self.company_id.id),
                ("product_id", "in", products.ids),
                ("period_start", "in", months),
            ],
            ["partner_id", "product_id", "period_start", "quantity"],
        )
        for line in usage:
            billed[(line.partner_id, line.product_id, line.period_start)] += line.quantity
        periods = self.env["cabinet.billed.period"].search_fetch(
            [
                ("kind", "=", "charge"),
                ("company_id", "=", self.company_id.id),
                ("line_id.product_id", "in", products.ids),
                ("date_from", "<=", letter_dates.end_of_month(max(months))),
                ("date_to", ">=", min(months)),
            ],
            ["line_id", "date_from", "date_to"],
        )
        for period in periods:
            line = period.line_id
            for month in months:
                if period.date_from <= letter_dates.end_of_month(month) and (
                    period.date_to >= month
                ):
                    key = (line.letter_id.partner_id, line.product_id, month)
                    billed[key] += line.quantity
        return billed

    def action_view_control_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cabinet_online_services.action_vendor_control_line"
        )
        action["domain"] = [("import_id", "=", self.id)]
        return action


def _control_category(is_billed, is_used, billed_qty, vendor_qty, vendor_amount, expected,
                      rounding):  # fmt: skip
    if not is_used or float_is_zero(vendor_qty, precision_digits=6):
        return "billed_not_used" if billed_qty else "ok"
    if not is_billed or float_is_zero(billed_qty, precision_digits=6):
        return "used_not_billed"
    if float_compare(billed_qty, vendor_qty, precision_digits=6):
        return "quantity_mismatch"
    if float_compare(vendor_amount, expected, precision_rounding=rounding):
        return "price_mismatch"
    return "ok"
