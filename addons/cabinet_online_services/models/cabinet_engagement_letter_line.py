from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..rules import billing_periods, letter_states
from .cabinet_engagement_letter import is_action

# What the client agreed to on a line: changed only by an amendment once the letter is sent.
AGREED_FIELDS = {"letter_id", "product_id", "quantity", "price_unit", "date_start", "date_end"}


class CabinetEngagementLetterLine(models.Model):
    """An online service subscribed by an engagement letter, over a range of dates.

    Amendments never edit a line's service, quantity or price: they end it and start a new
    one, so the lines of a letter tell what applied on any day.
    """

    _name = "cabinet.engagement.letter.line"
    _description = "Engagement letter service"
    _order = "letter_id, date_start, sequence, id"

    letter_id = fields.Many2one(
        "cabinet.engagement.letter", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="letter_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        domain="[('is_online_service', '=', True)]",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    billing_kind = fields.Selection(related="product_id.online_service_billing")
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    price_unit = fields.Float(
        string="Price excl. tax",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
        help="Monthly price of a subscription, or unit price of a usage-based service.",
    )
    subtotal = fields.Monetary(
        string="Monthly amount excl. tax", compute="_compute_subtotal", store=True
    )
    date_start = fields.Date(
        string="From",
        required=True,
        compute="_compute_date_start",
        store=True,
        readonly=False,
        precompute=True,
    )
    date_end = fields.Date(string="Until")
    billed_period_ids = fields.One2many(
        "cabinet.billed.period", "line_id", string="Billed periods", readonly=True
    )
    billing_skipped_until = fields.Date(
        readonly=True,
        copy=False,
        help="Days up to this one are never billed: they were billed before, by another tool "
        "(a book taken over). The days of a suspension are left out by the suspension itself.",
    )
    billed_until = fields.Date(
        compute="_compute_billed_until",
        store=True,
        copy=False,
        help="Last day of the last period invoiced (or skipped) for this service.",
    )
    billing_done = fields.Boolean(
        compute="_compute_billing_done",
        store=True,
        index=True,
        help="The service has ended and every day of it is billed (and any day billed beyond "
        "its end credited): billing runs no longer look at it.",
    )
    amendment_id = fields.Many2one(
        "cabinet.engagement.amendment", string="Added by", readonly=True, index="btree_not_null"
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name or line.name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("quantity", "price_unit", "billing_kind")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = (
                line.quantity * line.price_unit if line.billing_kind == "subscription" else 0.0
            )

    @api.depends("billed_period_ids.period_end", "billing_skipped_until")
    def _compute_billed_until(self):
        last_ends = dict(
            self.env["cabinet.billed.period"]._read_group(
                [("line_id", "in", self._origin.ids)], ["line_id"], ["period_end:max"]
            )
        )
        for line in self:
            ends = [day for day in (last_ends.get(line._origin), line.billing_skipped_until) if day]
            line.billed_until = max(ends) if ends else False

    @api.depends("date_end", "billed_until", "billed_period_ids.kind", "billed_period_ids.date_to")
    def _compute_billing_done(self):
        for line in self:
            if not (line.date_end and line.billed_until and line.billed_until >= line.date_end):
                line.billing_done = False
                continue
            credited = {p.period_start for p in line.billed_period_ids if p.kind == "credit"}
            line.billing_done = not any(
                period.kind == "charge"
                and period.date_to > line.date_end
                and period.period_start not in credited
                for period in line.billed_period_ids
            )

    @api.depends("letter_id.start_date")
    def _compute_date_start(self):
        for line in self:
            line.date_start = line.date_start or line.letter_id.start_date

    def _refuse_changes_of_sent_letters(self, letters, fields_changed):
        if is_action(self) or not (AGREED_FIELDS & set(fields_changed)):
            return
        sent = letters.filtered(lambda letter: letter.state != letter_states.DRAFT)
        if sent:
            raise UserError(
                self.env._(
                    "The services of %(letters)s were sent to the client: they change only by "
                    "an amendment (from a date on), never directly.",
                    letters=", ".join(sent.mapped("name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        letters = self.env["cabinet.engagement.letter"].browse(
            {vals.get("letter_id") for vals in vals_list if vals.get("letter_id")}
        )
        self._refuse_changes_of_sent_letters(letters, AGREED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        # Only an administrator sets by hand where billing starts (a book taken over from
        # another tool); otherwise the days not billed follow from the suspensions.
        if (
            "billing_skipped_until" in vals
            and not self.env.su
            and not self.env.user.has_group("cabinet_online_services.group_online_services_manager")
        ):
            raise UserError(
                self.env._(
                    "The days a service is not billed follow from its letter's suspensions "
                    "(suspend and resume it); only an administrator of the online services "
                    "sets where billing starts, for a book taken over from another tool."
                )
            )
        letters = self.letter_id | self.env["cabinet.engagement.letter"].browse(
            vals.get("letter_id") or []
        )
        self._refuse_changes_of_sent_letters(letters, vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        self._refuse_changes_of_sent_letters(self.letter_id, AGREED_FIELDS)

    @api.constrains("date_start", "date_end", "quantity", "price_unit", "product_id")
    def _check_line(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    self.env._(
                        "%(service)s cannot end (%(end)s) before it starts (%(start)s).",
                        service=line.name,
                        end=line.date_end,
                        start=line.date_start,
                    )
                )
            if line.date_start < line.letter_id.start_date:
                raise ValidationError(
                    self.env._(
                        "%(service)s cannot start before the engagement letter (%(start)s).",
                        service=line.name,
                        start=line.letter_id.start_date,
                    )
                )
            if line.quantity < 0 or line.price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "%(service)s: the quantity and the price cannot be negative.",
                        service=line.name,
                    )
                )
            if not line.product_id.is_online_service:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not an online service of the catalogue.",
                        product=line.product_id.display_name,
                    )
                )

    def _billing_credits(self, given_back_now=None):
        """What to give back for days billed in advance that a line no longer covers (it
        was terminated or replaced by an amendment after its period was invoiced).

        Returns tuples (letter, line, billed period, first day, last day, amount to credit);
        each billed period is credited once, with what it was paid less what its days up to
        the line's end are worth (suspended days excluded) and less what suspensions gave
        back of it, recorded or in ``given_back_now`` ({(line, period start): amount} given
        back by the same run). A period with nothing left to give back is closed by a credit
        of zero.
        """
        given_back_now = given_back_now or {}
        ended = self.filtered(
            lambda line: line.date_end and line.billed_until and line.billed_until > line.date_end
        )
        if not ended:
            return []
        billed = self.env["cabinet.billed.period"].search_fetch(
            [("line_id", "in", ended.ids)],
            ["line_id", "kind", "period_start", "period_end", "date_from", "date_to", "amount"],
        )
        credited = {(period.line_id, period.period_start) for period in billed
                    if period.kind == "credit"}  # fmt: skip
        given_back = defaultdict(Decimal)
        for period in billed.filtered(lambda period: period.kind == "suspension"):
            given_back[period.line_id, period.period_start] -= Decimal(str(period.amount))
        credits = []
        for period in billed:
            line = period.line_id
            key = (line, period.period_start)
            if period.kind != "charge" or period.date_to <= line.date_end or key in credited:
                continue
            months = billing_periods.MONTHS_PER_PERIOD[line.letter_id.billing_frequency]
            owed = billing_periods.share_less_suspended(
                Decimal(str(line.subtotal)) * months,
                (period.period_start, period.period_end),
                (period.date_from, line.date_end),
                line.letter_id._suspended_days(),
            )
            paid = Decimal(str(period.amount)).quantize(billing_periods.CENT)
            amount = paid - owed - given_back[key] - given_back_now.get(key, Decimal(0))
            first = max(line.date_end + timedelta(days=1), period.date_from)
            credits.append((line.letter_id, line, period, first, period.date_to,
                            max(amount, Decimal(0))))  # fmt: skip
        return credits
