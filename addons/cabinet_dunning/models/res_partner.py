from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from ..rules import identifiers
from .cabinet_dunning_level import CHANNELS
from .cabinet_dunning_litigation import OPEN_LITIGATION_STATES
from .cabinet_dunning_policy import SEGMENTS

DUNNING_USER = "cabinet_dunning.group_dunning_user"

# Payer card fields that live on the payer contact, and the contact field behind each.
PAYER_CONTACT_FIELDS = {
    "payer_name": "name",
    "payer_function": "function",
    "payer_phone": "phone",
    "payer_mobile": "mobile",
    "payer_email": "email",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    mobile = fields.Char()
    # A copy is another client: it gets its own identifiers (one client, one account).
    company_registry = fields.Char(copy=False)
    vat = fields.Char(copy=False)
    siren = fields.Char(
        string="SIREN",
        compute="_compute_siren",
        store=True,
        index="btree_not_null",
        help="The nine-digit SIREN of a French company, taken from its SIREN or SIRET.",
    )
    client_segment = fields.Selection(
        SEGMENTS,
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
        help="Decides the default dunning sequence applied to the client.",
    )

    dunning_policy_id = fields.Many2one(
        "cabinet.dunning.policy",
        string="Dunning policy",
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
        help="Leave empty to follow the default policy of the client's segment.",
    )
    effective_dunning_policy_id = fields.Many2one(
        "cabinet.dunning.policy",
        string="Dunning policy applied",
        compute="_compute_effective_dunning_policy_id",
        groups=DUNNING_USER,
    )

    # Exclusion, blocking and responsible are the current company's: a litigation in one
    # company never stops the reminders of another.
    dunning_excluded = fields.Boolean(
        string="Never remind",
        company_dependent=True,
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
        help="The client is left out of every dunning run of this company.",
    )
    dunning_blocked = fields.Boolean(
        string="Blocked (litigation)",
        company_dependent=True,
        readonly=True,
        groups=DUNNING_USER,
        copy=False,
        help="Set when the client reaches a litigation level in this company: its debt is "
        "followed by the litigation procedure, not by reminders, until the file is closed.",
    )
    dunning_litigation_id = fields.Many2one(
        "cabinet.dunning.litigation",
        string="Litigation file",
        compute="_compute_dunning_litigation_id",
        groups=DUNNING_USER,
        help="The open litigation file of the client in this company, which blocks reminders.",
    )
    dunning_responsible_id = fields.Many2one(
        "res.users",
        string="Responsible chartered accountant",
        company_dependent=True,
        domain="[('share', '=', False)]",
        groups=DUNNING_USER,
        copy=False,
        help="Acts at the levels that escalate to the responsible chartered accountant, and "
        "signs the letters, in this company.",
    )
    dunning_line_ids = fields.One2many(
        "cabinet.dunning.line",
        "partner_id",
        string="Reminders",
        domain=[("state", "!=", "skipped")],
        groups=DUNNING_USER,
    )

    # One client, one account: a second company with the same SIREN or VAT number is refused,
    # unless an administrator records it as a separate establishment with its own SIRET.
    separate_establishment = fields.Boolean(
        string="Separate establishment",
        copy=False,
        groups="cabinet_dunning.group_dunning_manager",
        help="This client is an establishment of a company that is already a client (same "
        "SIREN and VAT number), invoiced and reminded apart under its own SIRET.",
    )

    # Payer card (fiche payeur): the person who pays and how to reach them.
    # Neither the payer card nor the dunning settings are copied with a partner: they are the
    # client's, and a copy is another client (whose contacts are not the same people).
    payer_id = fields.Many2one(
        "res.partner",
        string="Payer contact",
        domain="[('parent_id', '=', id), ('is_company', '=', False)]",
        index="btree_not_null",
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
        help="The person in the client's company who pays the invoices. Reminders go to "
        "this person.",
    )
    payer_name = fields.Char(
        string="Payer name", related="payer_id.name", readonly=False, groups=DUNNING_USER
    )
    payer_function = fields.Char(
        string="Payer function", related="payer_id.function", readonly=False, groups=DUNNING_USER
    )
    payer_phone = fields.Char(
        string="Payer direct line", related="payer_id.phone", readonly=False, groups=DUNNING_USER
    )
    payer_mobile = fields.Char(
        string="Payer mobile", related="payer_id.mobile", readonly=False, groups=DUNNING_USER
    )
    payer_email = fields.Char(
        string="Payer email", related="payer_id.email", readonly=False, groups=DUNNING_USER
    )
    payer_contact_day_ids = fields.Many2many(
        "cabinet.weekday",
        string="Contact days",
        groups=DUNNING_USER,
        copy=False,
        help="Days on which the payer can be called.",
    )
    payer_hour_from = fields.Float(
        string="Reachable from",
        groups=DUNNING_USER,
        copy=False,
        help="Hour of the day, e.g. 9.5 for 9:30.",
    )
    payer_hour_to = fields.Float(string="Reachable until", groups=DUNNING_USER, copy=False)
    payment_approver_id = fields.Many2one(
        "res.partner",
        string="Approves invoices for payment",
        domain="[('parent_id', '=', id), ('is_company', '=', False)]",
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
        help="The person who gives the approval to pay (bon à payer) before the payer pays.",
    )
    payment_approval_note = fields.Text(
        string="Invoice approval circuit",
        groups=DUNNING_USER,
        copy=False,
        help="How an invoice travels in the client's company before it is paid: where to "
        "send it, who checks it, how long it takes.",
    )
    agreed_payment_means = fields.Selection(
        [
            ("sepa_direct_debit", "SEPA direct debit"),
            ("transfer", "Bank transfer"),
            ("cheque", "Cheque"),
            ("card", "Card"),
            ("cash", "Cash"),
        ],
        string="Agreed payment mode",
        tracking=True,
        groups=DUNNING_USER,
        copy=False,
    )
    dunning_channel = fields.Selection(
        CHANNELS,
        string="Preferred reminder channel",
        tracking=True,
        help="Left empty, reminders follow the channels of the dunning policy's levels.",
        groups=DUNNING_USER,
        copy=False,
    )

    @api.depends("dunning_policy_id", "client_segment", "company_id")
    @api.depends_context("company")
    def _compute_effective_dunning_policy_id(self):
        Policy = self.env["cabinet.dunning.policy"]
        defaults = Policy._default_for_segments(
            list(set(self.mapped("client_segment"))), self.env.company
        )
        for partner in self:
            partner.effective_dunning_policy_id = partner.dunning_policy_id or defaults.get(
                partner.client_segment, Policy
            )

    @api.depends_context("company")
    def _compute_dunning_litigation_id(self):
        files = self.env["cabinet.dunning.litigation"].search_fetch(
            [
                ("partner_id", "in", self.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", OPEN_LITIGATION_STATES),
            ],
            ["partner_id"],
        )
        by_partner = {litigation.partner_id: litigation for litigation in files}
        for partner in self:
            partner.dunning_litigation_id = by_partner.get(partner, files.browse())

    def _is_private_individual(self):
        """A private individual: a person (not a company) without a SIREN; a sole trader with
        a SIREN is a business. Individuals owe no commercial-code penalty and receive no
        e-invoice."""
        self.ensure_one()
        client = self.commercial_partner_id
        return not client.is_company and not client.siren

    @api.depends("company_registry", "country_id")
    def _compute_siren(self):
        for partner in self:
            partner.siren = (
                identifiers.siren_of(partner.company_registry, partner.country_id.code) or False
            )

    @api.constrains(
        "company_registry", "vat", "country_id", "is_company", "parent_id",
        "separate_establishment",
    )  # fmt: skip
    def _check_client_identifiers(self):
        messages = []
        for partner in self.filtered(lambda p: not p.parent_id):
            firm_country = (partner.company_id or self.env.company).country_id.code
            problems = identifiers.check_client_identifiers(
                is_company=partner.is_company,
                country_code=partner.country_id.code,
                firm_country_code=firm_country,
                registry=partner.company_registry,
                vat=partner.vat,
            )
            messages += [partner._identifier_problem_message(problem) for problem in problems]
        if messages:
            raise ValidationError("\n".join(messages))
        self._check_duplicate_identifiers()

    def _identifier_problem_message(self, problem):
        self.ensure_one()
        params = {**problem.params, "partner": self.display_name}
        # Lambdas: only the message of this problem is formatted, with its own parameters.
        messages = {
            "registry_format": lambda: self.env._(
                "%(partner)s: %(number)s is neither a SIREN (9 digits) nor a SIRET (14 digits).",
                **params,
            ),
            "siren_checksum": lambda: self.env._(
                "%(partner)s: SIREN %(number)s is not valid (wrong check digit). Copy it again "
                "from the client's Kbis extract or INSEE notice.",
                **params,
            ),
            "siret_checksum": lambda: self.env._(
                "%(partner)s: SIRET %(number)s is not valid (wrong check digit). Copy it again "
                "from the client's Kbis extract or INSEE notice.",
                **params,
            ),
            "vat_invalid": lambda: self.env._(
                "%(partner)s: VAT number %(vat)s is not valid.", **params
            ),
            "vat_siren_mismatch": lambda: self.env._(
                "%(partner)s: VAT number %(vat)s belongs to SIREN %(vat_siren)s, not to this "
                "client's SIREN %(siren)s.",
                **params,
            ),
            "vat_required": lambda: self.env._(
                "%(partner)s: a company established in another EU member state (%(country)s) "
                "must have its intra-community VAT number.",
                **params,
            ),
        }
        return messages[problem.code]()

    def _check_duplicate_identifiers(self):
        """Refuse a second client company with the SIREN or VAT number of an existing one in
        the same company, unless one of the two is recorded as a separate establishment and
        each has its own SIRET. Contacts and private persons are left alone, as Odoo's own
        duplicate warning leaves them."""
        clients = self.filtered(
            lambda p: not p.parent_id and p.is_company and (p.siren or len(p.vat or "") > 1)
        )
        if not clients:
            return
        sirens = [siren for siren in clients.mapped("siren") if siren]
        vats = [vat for vat in clients.mapped("vat") if vat and len(vat) > 1]
        domain = (
            Domain("parent_id", "=", False)
            & Domain("is_company", "=", True)
            & (Domain("siren", "in", sirens) | Domain("vat", "in", vats))
        )
        candidates = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                domain,
                ["display_name", "siren", "vat", "company_id", "active", "company_registry",
                 "separate_establishment"],
            )
        )  # fmt: skip
        messages = []
        for client in clients.sudo():
            for other in candidates:
                if other.id == client.id or (
                    client.company_id and other.company_id and client.company_id != other.company_id
                ):
                    continue
                establishment = client.separate_establishment or other.separate_establishment
                if establishment and identifiers.distinct_establishments(
                    client.company_registry, other.company_registry
                ):
                    continue
                params = {
                    "partner": client.display_name,
                    "existing": other.display_name
                    + ("" if other.active else self.env._(" (archived)")),
                }
                if client.siren and other.siren == client.siren:
                    messages.append(
                        self.env._(
                            "%(partner)s has the same SIREN (%(siren)s) as the existing client "
                            "%(existing)s. A client exists once: open %(existing)s instead, or "
                            "correct the SIREN. An establishment invoiced apart is recorded by "
                            "an administrator as a separate establishment, with its own SIRET.",
                            siren=client.siren,
                            **params,
                        )
                    )
                    break
                if client.vat and len(client.vat) > 1 and other.vat == client.vat:
                    messages.append(
                        self.env._(
                            "%(partner)s has the same VAT number (%(vat)s) as the existing "
                            "client %(existing)s. A client exists once: open %(existing)s "
                            "instead, or correct the VAT number. An establishment invoiced "
                            "apart is recorded by an administrator as a separate establishment, "
                            "with its own SIRET.",
                            vat=client.vat,
                            **params,
                        )
                    )
                    break
        if messages:
            raise ValidationError("\n".join(messages))

    @api.constrains("payer_id", "payment_approver_id")
    def _check_payer_contacts(self):
        for partner in self:
            for contact in partner.payer_id | partner.payment_approver_id:
                if contact == partner or contact.commercial_partner_id != partner:
                    raise ValidationError(
                        self.env._(
                            "%(contact)s is not a contact of %(partner)s. The payer and the "
                            "person who approves invoices must be contacts of the client's own "
                            "company.",
                            contact=contact.display_name,
                            partner=partner.display_name,
                        )
                    )

    @api.constrains("payer_hour_from", "payer_hour_to")
    def _check_payer_hours(self):
        for partner in self:
            start, end = partner.payer_hour_from, partner.payer_hour_to
            if (start or end) and not 0 <= start < end <= 24:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the payer's contact hours must run from an earlier to a "
                        "later hour of the same day, between 00:00 and 24:00.",
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        new_payers = [self._pop_new_payer_vals(vals) for vals in vals_list]
        self._check_new_payer_vals([vals for vals in new_payers if vals])
        partners = super().create(vals_list)
        with_payer = [(p, v) for p, v in zip(partners, new_payers, strict=True) if v]
        if with_payer:
            self.browse([p.id for p, __ in with_payer])._create_payer_contacts(
                [v for __, v in with_payer]
            )
        return partners

    def write(self, vals):
        contact_vals = {
            contact_field: vals[card_field]
            for card_field, contact_field in PAYER_CONTACT_FIELDS.items()
            if card_field in vals
        }
        if any(contact_vals.values()) and "payer_id" not in vals:
            without_payer = self.filtered(lambda p: not p.payer_id)
            if without_payer:
                # The related fields would drop the values of an empty payer: make the
                # contact first, then the write below sets the same values on it.
                without_payer._create_payer_contacts([contact_vals] * len(without_payer))
        return super().write(vals)

    @api.model
    def _pop_new_payer_vals(self, vals):
        """Take the payer's details out of ``vals`` when no payer contact is given, so they
        can become a new contact of the partner once it exists; empty details (a form sends
        every field) make no contact."""
        if vals.get("payer_id"):
            return {}
        details = {
            contact_field: vals.pop(card_field)
            for card_field, contact_field in PAYER_CONTACT_FIELDS.items()
            if card_field in vals
        }
        return details if any(details.values()) else {}

    @api.model
    def _check_new_payer_vals(self, contact_vals_list):
        if any(not vals.get("name") for vals in contact_vals_list):
            raise UserError(
                self.env._(
                    "To record the payer's details, give the payer's name; the details are "
                    "kept on a contact of that name in the client's company."
                )
            )

    def _create_payer_contacts(self, contact_vals_list):
        """Create the payer contact of each partner (values aligned with ``self``)."""
        self._check_new_payer_vals(contact_vals_list)
        contacts = self.create(
            [
                {**vals, "parent_id": partner.id, "type": "contact", "is_company": False}
                for partner, vals in zip(self, contact_vals_list, strict=True)
            ]
        )
        for partner, contact in zip(self, contacts, strict=True):
            partner.payer_id = contact
