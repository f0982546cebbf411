from decimal import Decimal

from odoo import fields, models

from ..rules import billing_periods


class CabinetEngagementSuspension(models.Model):
    """A suspension of an engagement letter, from its first day to the day before its
    services resumed (or to its termination). Written only by the letter's actions (suspend,
    activate, terminate); the billing run gives back the days of a suspension that stopped
    billing which had already been billed in advance."""

    _name = "cabinet.engagement.suspension"
    _description = "Suspension of an engagement letter"
    _order = "date_from desc, id desc"
    _rec_name = "letter_id"

    letter_id = fields.Many2one(
        "cabinet.engagement.letter",
        string="Engagement letter",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="letter_id.partner_id", string="Client")
    date_from = fields.Date(string="Suspended from", required=True, readonly=True)
    date_to = fields.Date(
        string="Suspended until",
        readonly=True,
        help="Last day of the suspension: the day before the services resumed, or the day "
        "the letter ended. Empty while the letter is suspended.",
    )
    stops_billing = fields.Boolean(string="Billing stopped", readonly=True)
    to_credit = fields.Boolean(
        string="Credit due",
        readonly=True,
        index=True,
        help="The suspension is over and stopped billing: the next billing run gives back the "
        "days of it that had been billed in advance.",
    )

    def _close(self, last_day):
        """End the suspensions on ``last_day``, stopping billing as their letter says then;
        one that would end before it began never took effect and goes away."""
        never = self.filtered(lambda suspension: last_day < suspension.date_from)
        never.unlink()
        closed = self - never
        stopping = closed.filtered("letter_id.suspension_stops_billing")
        stopping.write({"date_to": last_day, "stops_billing": True, "to_credit": True})
        (closed - stopping).write({"date_to": last_day, "stops_billing": False, "to_credit": False})

    def _billing_credits(self):
        """The days billed in advance within these suspensions, to give back.

        Returns tuples (letter, letter line, billed period, first day, last day, amount):
        for each subscription line, the share of each billed period's days that fall in the
        suspension (and in the line's own dates).
        """
        lines = self.letter_id.line_ids.filtered(lambda line: line.billing_kind == "subscription")
        billed = self.env["cabinet.billed.period"].search_fetch(
            [("line_id", "in", lines.ids), ("kind", "=", "charge"),
             ("date_to", ">=", min(self.mapped("date_from"), default=False))],
            ["line_id", "period_start", "period_end", "date_from", "date_to", "move_id"],
        )  # fmt: skip
        credits = []
        for suspension in self:
            for period in billed.filtered(
                lambda period, letter=suspension.letter_id: period.line_id.letter_id == letter
            ):
                line = period.line_id
                first = max(suspension.date_from, period.date_from, line.date_start)
                last = min(day for day in (suspension.date_to, period.date_to, line.date_end)
                           if day)  # fmt: skip
                if last < first:
                    continue
                months = billing_periods.MONTHS_PER_PERIOD[line.letter_id.billing_frequency]
                amount = billing_periods.period_share(
                    Decimal(str(line.subtotal)) * months,
                    (period.period_start, period.period_end),
                    (first, last),
                )
                if amount > 0:
                    credits.append((line.letter_id, line, period, first, last, amount))
        return credits
