from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.base_iban.models.res_partner_bank import validate_iban
from odoo.addons.cabinet_dunning.tools import rpc_arguments

from ..rules import billing_periods, letter_dates, letter_states

SDD_METHOD_CODE = "sepa_direct_debit"
# A letter's state and its dates change only through its actions, which mark their writes
# with this object (no RPC call can pass it); so do its client once it left the draft, and
# the agreed services of a letter sent (amendments change those).
TRANSITION = object()
STATE_FIELDS = {"state", "sent_date", "signed_date", "activation_date", "suspension_date",
                "termination_date", "termination_reason"}  # fmt: skip
CLIENT_FIELDS = {"partner_id", "company_id"}
# The longest term, so that every date computed from a letter stays within what Python and
# lists handle (its start year has the bounds of any date given to our methods).
MAX_DURATION_MONTHS = 600


def by_action(records):
    """``records`` in an environment whose writes are those of our actions."""
    return records.with_context(cabinet_letter_transition=TRANSITION)


def is_action(records):
    return records.env.context.get("cabinet_letter_transition") is TRANSITION


class CabinetEngagementLetter(models.Model):
    """The engagement letter (lettre de mission): what the firm does for a client, which
    online services the client subscribes, and how they are billed and paid."""

    _name = "cabinet.engagement.letter"
    _description = "Engagement letter"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "start_date desc, id desc"

    def _default_payment_mode(self):
        return self.env["account.payment.mode"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("payment_method_id.code", "=", SDD_METHOD_CODE),
                ("payment_type", "=", "inbound"),
            ],
            limit=1,
        )

    def _default_terms_version(self):
        return self.env["cabinet.terms.version"]._current(self.env.company)

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        tracking=True,
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            (letter_states.DRAFT, "Draft"),
            (letter_states.SENT, "Sent"),
            (letter_states.SIGNED, "Signed"),
            (letter_states.ACTIVE, "Active"),
            (letter_states.SUSPENDED, "Suspended"),
            (letter_states.TERMINATED, "Terminated"),
        ],
        default=letter_states.DRAFT,
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    mission_ids = fields.Many2many("cabinet.mission", string="Missions")
    responsible_id = fields.Many2one(
        "res.users",
        string="Responsible chartered accountant",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The expert-comptable who signs the letter and answers for the missions.",
    )
    account_manager_id = fields.Many2one(
        "res.users",
        string="Account manager",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    start_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    duration_months = fields.Integer(string="Duration (months)", default=12, required=True)
    tacit_renewal = fields.Boolean(default=True, help="Renewed for the same duration unless "
                                   "either party gives notice.")  # fmt: skip
    notice_months = fields.Integer(string="Notice (months)", default=3)
    term_end_date = fields.Date(string="Current term ends on", compute="_compute_term_end_date")
    line_ids = fields.One2many(
        "cabinet.engagement.letter.line", "letter_id", string="Online services", copy=True
    )
    amendment_ids = fields.One2many(
        "cabinet.engagement.amendment", "letter_id", string="Amendments", readonly=True
    )
    billing_frequency = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("annual", "Annual")],
        default="monthly",
        required=True,
        tracking=True,
    )
    annual_in_monthly_debits = fields.Boolean(
        string="Collect the annual fee in 12 monthly debits",
        help="The annual fee is invoiced once and collected by twelve monthly direct debits.",
    )
    billing_timing = fields.Selection(
        [(letter_dates.ADVANCE, "In advance"), (letter_dates.ARREARS, "In arrears")],
        default=letter_dates.ADVANCE,
        required=True,
        help="In advance: a period is invoiced on the billing day of the month before it. "
        "Usage is always invoiced in arrears.",
    )
    billing_day = fields.Integer(
        default=25, help="Day of the previous month on which a period is invoiced in advance."
    )
    payment_mode_id = fields.Many2one(
        "account.payment.mode",
        default=lambda self: self._default_payment_mode(),
        domain="[('payment_type', '=', 'inbound'), ('company_id', '=', company_id)]",
        tracking=True,
    )
    is_direct_debit = fields.Boolean(compute="_compute_is_direct_debit")
    payment_term_id = fields.Many2one(
        "account.payment.term",
        tracking=True,
        help="At most 30 days end of month, as the profession recommends.",
    )
    terms_version_id = fields.Many2one(
        "cabinet.terms.version",
        string="Terms of use",
        default=lambda self: self._default_terms_version(),
        domain="[('state', '=', 'published'), ('company_id', '=', company_id)]",
    )
    mandate_id = fields.Many2one(
        "account.banking.mandate", string="SEPA mandate", compute="_compute_mandate"
    )
    mandate_state = fields.Selection(
        [
            ("none", "No mandate"),
            ("draft", "To validate"),
            ("valid", "Valid"),
            ("expired", "Expired"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_mandate",
    )
    special_conditions = fields.Html()
    sent_date = fields.Date(readonly=True, copy=False, tracking=True)
    signed_date = fields.Date(readonly=True, copy=False, tracking=True)
    activation_date = fields.Date(readonly=True, copy=False, tracking=True)
    suspension_date = fields.Date(readonly=True, copy=False, tracking=True)
    suspension_stops_billing = fields.Boolean(
        string="Suspension stops billing",
        default=True,
        tracking=True,
        help="While the letter is suspended its subscriptions are not billed, and the days of "
        "the suspension are never billed afterwards. Usage is billed in any case.",
    )
    billed_period_ids = fields.One2many(
        "cabinet.billed.period", "letter_id", string="Billed periods", readonly=True
    )
    suspension_ids = fields.One2many(
        "cabinet.engagement.suspension", "letter_id", string="Suspensions", readonly=True
    )
    termination_date = fields.Date(readonly=True, copy=False, tracking=True)
    termination_reason = fields.Text(readonly=True, copy=False, tracking=True)
    monthly_amount = fields.Monetary(
        string="Monthly subscriptions excl. tax",
        compute="_compute_monthly_amount",
        help="Subscriptions running today, excluding usage.",
    )

    _billing_day_range = models.Constraint(
        "CHECK(billing_day BETWEEN 1 AND 31)", "The billing day is a day of the month (1 to 31)."
    )
    _duration_positive = models.Constraint(
        "CHECK(duration_months > 0)", "The duration of a letter is at least one month."
    )

    @api.depends("start_date", "duration_months", "tacit_renewal")
    @api.depends_context("date")
    def _compute_term_end_date(self):
        today = fields.Date.context_today(self)
        for letter in self:
            letter.term_end_date = letter.start_date and letter_dates.current_term_end(
                letter.start_date, letter.duration_months, letter.tacit_renewal, today
            )

    @api.depends("payment_mode_id")
    def _compute_is_direct_debit(self):
        for letter in self:
            letter.is_direct_debit = letter.payment_mode_id.payment_method_id.code == (
                SDD_METHOD_CODE
            )

    @api.depends("partner_id", "company_id")
    def _compute_mandate(self):
        """The client's best SEPA mandate: a valid one, else the most recent."""
        mandates = (
            self.env["account.banking.mandate"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ],
                ["partner_id", "company_id", "state", "signature_date"],
                order="signature_date desc, id desc",
            )
        )
        best = {}
        for mandate in mandates:
            key = (mandate.partner_id, mandate.company_id)
            if key not in best or (mandate.state == "valid" and best[key].state != "valid"):
                best[key] = mandate
        for letter in self:
            mandate = best.get((letter.partner_id, letter.company_id))
            letter.mandate_id = mandate.sudo(False) if mandate else False
            letter.mandate_state = mandate.state if mandate else "none"

    @api.depends("line_ids.subtotal", "line_ids.date_start", "line_ids.date_end")
    @api.depends_context("date")
    def _compute_monthly_amount(self):
        today = fields.Date.context_today(self)
        for letter in self:
            letter.monthly_amount = sum(
                letter._lines_at(today)
                .filtered(lambda line: line.billing_kind == "subscription")
                .mapped("subtotal")
            )

    @api.model
    def _term_due_date(self, term, invoice_date):
        return max(line._get_due_date(invoice_date) for line in term.line_ids)

    @api.model
    def _payment_term_excess(self, term):
        """The first invoice date that ``term`` makes due later than 30 days end of month."""
        return letter_dates.payment_term_too_long(
            lambda invoice_date: self._term_due_date(term, invoice_date),
            letter_dates.sample_invoice_dates(),
        )

    @api.constrains("payment_term_id")
    def _check_payment_term(self):
        for letter in self.filtered("payment_term_id"):
            term = letter.payment_term_id
            too_long = self._payment_term_excess(term)
            if too_long:
                raise ValidationError(
                    self.env._(
                        "The payment term %(term)s gives more than 30 days end of month (an "
                        "invoice of %(date)s would be due on %(due)s). Choose a shorter term.",
                        term=term.display_name,
                        date=too_long,
                        due=self._term_due_date(term, too_long),
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_client(self):
        for letter in self:
            if letter.partner_id.parent_id:
                raise ValidationError(
                    self.env._(
                        "An engagement letter is signed with the client's company, not with "
                        "one of its contacts (%(contact)s).",
                        contact=letter.partner_id.display_name,
                    )
                )

    @api.constrains("duration_months", "notice_months", "start_date")
    def _check_bounds(self):
        for letter in self:
            if not 1 <= letter.duration_months <= MAX_DURATION_MONTHS:
                raise ValidationError(
                    self.env._(
                        "%(letter)s: the duration is from 1 to %(max)s months.",
                        letter=letter.name, max=MAX_DURATION_MONTHS,
                    )
                )  # fmt: skip
            if not 0 <= letter.notice_months <= letter.duration_months:
                raise ValidationError(
                    self.env._(
                        "%(letter)s: the notice is from 0 months to the letter's duration.",
                        letter=letter.name,
                    )
                )
            year = letter.start_date and letter.start_date.year
            if year and not rpc_arguments.FIRST_YEAR <= year <= rpc_arguments.LAST_YEAR:
                raise ValidationError(
                    self.env._(
                        "%(letter)s: the start date is between 1900 and 2999.", letter=letter.name
                    )
                )

    def _refuse_direct_changes(self, vals, creating=False):
        """The letter's state and dates change only through its buttons; its client, once
        the letter left the draft, never."""
        if is_action(self):
            return
        states = STATE_FIELDS & set(vals)
        if creating and vals.get("state", letter_states.DRAFT) == letter_states.DRAFT:
            states -= {"state"}
        if states:
            raise UserError(
                self.env._(
                    "The state of an engagement letter and its dates change only with its "
                    "buttons (send, sign, activate, suspend, terminate), which check what each "
                    "step needs: %(fields)s.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in states
                    ),
                )
            )
        if CLIENT_FIELDS & set(vals) and any(let.state != letter_states.DRAFT for let in self):
            raise UserError(
                self.env._(
                    "The client of a letter sent or signed cannot change: draw up a new letter "
                    "for the other client."
                )
            )

    def write(self, vals):
        self._refuse_direct_changes(vals)
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_direct_changes(vals, creating=True)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(vals.get("company_id") or self.env.company.id)
                    .next_by_code("cabinet.engagement.letter")
                    or "/"
                )
        letters = super().create(vals_list)
        for letter in letters.filtered(lambda letter: not letter.payment_term_id):
            term = letter.partner_id.property_payment_term_id
            if term and not self._payment_term_excess(term):
                letter.payment_term_id = term
        return letters

    def _compute_access_url(self):
        for letter in self:
            letter.access_url = f"/my/engagement-letters/{letter.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Engagement letter %(name)s", name=self.name)

    # ------------------------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------------------------
    def _check_transition(self, target):
        refused = letter_states.refused_letters({letter: letter.state for letter in self}, target)
        if refused:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(letters)s cannot become %(target)s from its current state (%(state)s).",
                    letters=", ".join(letter.name for letter in refused),
                    target=labels[target],
                    state=", ".join(sorted({labels[letter.state] for letter in refused})),
                )
            )

    def action_send(self):
        self._check_transition(letter_states.SENT)
        empty = self.filtered(lambda letter: not letter.line_ids and not letter.mission_ids)
        if empty:
            raise UserError(
                self.env._(
                    "%(letters)s has neither missions nor online services: say what the firm "
                    "does before sending the letter.",
                    letters=", ".join(empty.mapped("name")),
                )
            )
        by_action(self).write(
            {"state": letter_states.SENT, "sent_date": fields.Date.context_today(self)}
        )
        return True

    def action_back_to_draft(self):
        self._check_transition(letter_states.DRAFT)
        by_action(self).write({"state": letter_states.DRAFT, "sent_date": False})
        return True

    def action_sign(self):
        self._check_transition(letter_states.SIGNED)
        by_action(self).write(
            {"state": letter_states.SIGNED, "signed_date": fields.Date.context_today(self)}
        )
        return True

    def action_activate(self, activation_date=None):
        """Start the services, or resume them after a suspension, on ``activation_date``
        (today by default; integrators may give another day); a direct-debit letter needs a
        valid SEPA mandate."""
        self._check_transition(letter_states.ACTIVE)
        today = rpc_arguments.date_arg(
            self.env, activation_date, "activation_date", default=fields.Date.context_today(self)
        )
        early = self.filtered(
            lambda letter: letter.suspension_date and today < letter.suspension_date
        )
        if early:
            raise UserError(
                self.env._(
                    "%(letters)s cannot resume before its suspension (%(date)s).",
                    letters=", ".join(early.mapped("name")),
                    date=format_date(self.env, max(early.mapped("suspension_date"))),
                )
            )
        self._check_direct_debit_ready()
        letters = by_action(self)
        resumed = letters.filtered(lambda letter: letter.state == letter_states.SUSPENDED)
        # The days of a suspension that stopped billing are never billed, and those already
        # billed in advance are given back by the next billing run.
        resumed._current_suspensions()._close(today - timedelta(days=1))
        resumed.write({"state": letter_states.ACTIVE, "suspension_date": False})
        (letters - resumed).write({"state": letter_states.ACTIVE, "activation_date": today})
        return True

    def _check_direct_debit_ready(self):
        problems = []
        for letter in self.filtered("is_direct_debit"):
            if not letter.company_id.sepa_creditor_identifier:
                problems.append(
                    self.env._(
                        "%(company)s has no SEPA creditor identifier (ICS): enter it in the "
                        "company settings before collecting by direct debit.",
                        company=letter.company_id.name,
                    )
                )
            bank = letter.mandate_id.sudo().partner_bank_id
            if letter.mandate_state == "valid" and bank.acc_type != "iban":
                try:
                    validate_iban(bank.acc_number)
                    detail = ""
                except ValidationError as error:
                    detail = str(error)
                problems.append(
                    self.env._(
                        "The bank account %(account)s of %(client)s is not a valid IBAN, so it "
                        "cannot be debited: %(detail)s",
                        account=bank.acc_number,
                        client=letter.partner_id.display_name,
                        detail=detail,
                    )
                )
            if letter.mandate_state != "valid":
                problems.append(
                    self.env._(
                        "%(letter)s is paid by SEPA direct debit but %(client)s has no valid "
                        "mandate on a bank account: record the signed mandate and validate it.",
                        letter=letter.name,
                        client=letter.partner_id.display_name,
                    )
                )
        if problems:
            raise UserError("\n".join(dict.fromkeys(problems)))

    def action_suspend(self, suspension_date=None):
        """Suspend the letter from ``suspension_date`` (today by default; integrators may
        give another day, not before the letter was activated)."""
        self._check_transition(letter_states.SUSPENDED)
        suspension_date = rpc_arguments.date_arg(
            self.env, suspension_date, "suspension_date",
            default=fields.Date.context_today(self),
        )  # fmt: skip
        early = self.filtered(
            lambda letter: suspension_date < (letter.activation_date or letter.start_date)
        )
        if early:
            raise UserError(
                self.env._(
                    "%(letters)s cannot be suspended before it was activated.",
                    letters=", ".join(early.mapped("name")),
                )
            )
        # A suspension never overlaps an earlier one (its days were given back already).
        overlapping = self.filtered(
            lambda letter: any(
                suspension.date_to and suspension_date <= suspension.date_to
                for suspension in letter.sudo().suspension_ids
            )
        )
        if overlapping:
            raise UserError(
                self.env._(
                    "%(letters)s was already suspended until %(date)s: a new suspension starts "
                    "after that day.",
                    letters=", ".join(overlapping.mapped("name")),
                    date=format_date(
                        self.env, max(overlapping.sudo().suspension_ids.mapped("date_to"))
                    ),
                )
            )
        by_action(self).write(
            {"state": letter_states.SUSPENDED, "suspension_date": suspension_date}
        )
        self.env["cabinet.engagement.suspension"].sudo().create(
            [
                {"letter_id": letter.id, "date_from": suspension_date,
                 "stops_billing": letter.suspension_stops_billing}
                for letter in self
            ]
        )  # fmt: skip
        return True

    def _current_suspensions(self):
        """The suspensions going on (written by the actions only, hence sudo)."""
        return self.sudo().suspension_ids.filtered(lambda suspension: not suspension.date_to)

    def action_open_terminate(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Terminate the engagement letter"),
            "res_model": "cabinet.engagement.letter.terminate",
            "view_mode": "form",
            "target": "new",
            "context": {"default_letter_ids": self.ids},
        }

    def terminate(self, termination_date, reason):
        """End the letter on ``termination_date`` (its services stop after that day)."""
        self._check_transition(letter_states.TERMINATED)
        termination_date = rpc_arguments.date_arg(
            self.env, termination_date, "termination_date", required=True
        )
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason why the engagement letter ends."))
        too_early = self.filtered(lambda letter: termination_date < letter.start_date)
        if too_early:
            raise UserError(
                self.env._(
                    "%(letters)s cannot end before it starts (%(start)s).",
                    letters=", ".join(too_early.mapped("name")),
                    start=min(too_early.mapped("start_date")),
                )
            )
        letters = by_action(self)
        letters.filtered(
            lambda letter: letter.state == letter_states.SUSPENDED
        )._current_suspensions()._close(termination_date)
        letters.line_ids.filtered(
            lambda line: not line.date_end or line.date_end > termination_date
        ).write({"date_end": termination_date})
        letters.write(
            {
                "state": letter_states.TERMINATED,
                "termination_date": termination_date,
                "termination_reason": reason,
            }
        )
        return True

    # ------------------------------------------------------------------------------------
    # Billing
    # ------------------------------------------------------------------------------------
    def _is_billable(self):
        """Whether the billing run bills this letter's subscriptions now."""
        self.ensure_one()
        return not (self.state == letter_states.SUSPENDED and self.suspension_stops_billing)

    def _invoice_payment_term(self):
        """The payment term of the letter's invoices: twelve monthly direct debits for an
        annual fee collected that way, else the letter's term."""
        self.ensure_one()
        if self.billing_frequency == "annual" and self.annual_in_monthly_debits:
            return self.env.ref("cabinet_online_services.payment_term_12_monthly_debits")
        return self.payment_term_id

    def _suspended_days(self):
        """The days no service of the letter is billed: its suspensions over that stopped
        billing, as (first, last) intervals."""
        self.ensure_one()
        return [
            (suspension.date_from, suspension.date_to)
            for suspension in self.sudo().suspension_ids
            if suspension.stops_billing and suspension.date_to
        ]

    def _billing_charges(self, run_date):
        """The subscription charges due on ``run_date`` (``billing_periods.Charge``, keyed by
        letter line), from what each line has already been billed, without the days of its
        suspensions that stopped billing."""
        self.ensure_one()
        suspended = self._suspended_days()
        services = [
            (line, line.subtotal, line.date_start, line.date_end or None,
             line.billed_until or None, suspended)
            for line in self.line_ids
            if line.billing_kind == "subscription"
        ]  # fmt: skip
        return billing_periods.subscription_charges(
            services,
            self.billing_frequency,
            self.start_date.month,
            self.billing_timing,
            self.billing_day,
            run_date,
        )

    # ------------------------------------------------------------------------------------
    # Services over time
    # ------------------------------------------------------------------------------------
    def _lines_at(self, day):
        """The letter lines that apply on ``day`` (amendments included)."""
        return self.line_ids.filtered(
            lambda line: line.date_start <= day and (not line.date_end or line.date_end >= day)
        )

    def amend(self, effective_date, reason, services):
        """Apply an amendment (avenant) from ``effective_date``.

        ``services`` is the full list of services from that date, as dicts with
        ``product_id``, ``quantity`` and optionally ``price_unit``. Lines that change are closed
        the day before and replaced; unchanged lines go on; missing ones end. Returns the
        amendment's id.
        """
        self.ensure_one()
        effective_date = rpc_arguments.date_arg(
            self.env, effective_date, "effective_date", required=True
        )
        reason = rpc_arguments.text_arg(self.env, reason, "reason")
        services = rpc_arguments.dicts_arg(
            self.env, services, "services", ("product_id", "quantity", "price_unit")
        )
        amendment = self.env["cabinet.engagement.amendment"].create(
            {
                "letter_id": self.id,
                "effective_date": effective_date,
                "reason": reason,
                "line_ids": [(0, 0, service) for service in services],
            }
        )
        amendment.action_apply()
        return amendment.id

    def action_new_amendment(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New amendment"),
            "res_model": "cabinet.engagement.amendment",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_letter_id": self.id,
                "default_effective_date": max(today, self.start_date) + timedelta(days=1),
                "default_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": line.product_id.id,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                        },
                    )
                    for line in self._lines_at(max(today, self.start_date))
                ],  # fmt: skip
            },
        }

    def action_print(self):
        return self.env.ref(
            "cabinet_online_services.action_report_engagement_letter"
        ).report_action(self)
