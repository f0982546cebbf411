from odoo import api, fields, models
from odoo.exceptions import ValidationError

# How an invoice went (on the lines of a sending): derived from the client's Odoo settings.
EINVOICE_FORMATS = [
    ("pdf_email", "PDF by email"),
    ("facturx_email", "Factur-X by email"),
    ("chorus_pro", "Chorus Pro (public bodies)"),
]
# Our e-invoice format in Odoo's Send & Print (res.partner invoice_edi_format): Factur-X
# EN 16931 checked against the EN 16931 and French (BR-FR) rules before it is issued.
FACTURX_FORMAT = "cabinet_facturx"
# Our sending method in Odoo's Send & Print (res.partner invoice_sending_method): the
# Factur-X is issued and listed to be deposited on Chorus Pro.
CHORUS_PRO = "chorus_pro"


class ResPartner(models.Model):
    _inherit = "res.partner"

    engagement_letter_ids = fields.One2many(
        "cabinet.engagement.letter",
        "partner_id",
        string="Engagement letters",
        groups="cabinet_online_services.group_online_services_user",
    )
    engagement_letter_count = fields.Integer(compute="_compute_engagement_letter_count")
    online_services_account_code = fields.Char(
        string="Account code at the software vendor",
        index="btree_not_null",
        copy=False,
        help="How the software vendor names this client in its usage statements, when it does "
        "not use the SIREN.",
    )

    invoice_edi_format = fields.Selection(
        selection_add=[(FACTURX_FORMAT, "France (Factur-X checked, French rules)")]
    )
    invoice_sending_method = fields.Selection(selection_add=[(CHORUS_PRO, "by Chorus Pro")])
    einvoice_email = fields.Char(
        string="Invoices to (email)",
        help="Where invoices are emailed; the payer's email when empty.",
    )
    einvoice_address = fields.Char(
        string="Electronic invoicing address",
        help="The client's electronic address on its platform (BT-49); its SIREN when empty.",
    )
    einvoice_service_code = fields.Char(
        string="Service code",
        help="Public bodies: the service code to quote on invoices (Chorus Pro, BT-10).",
    )
    einvoice_commitment = fields.Char(
        string="Commitment number",
        help="Public bodies: the engagement (commitment) number to quote on invoices (BT-13).",
    )
    einvoice_agreed_on = fields.Date(
        string="Format agreed on", help="The day the client agreed to receive this format."
    )
    einvoice_scope = fields.Selection(
        [("einvoicing", "E-invoicing (French business)"),
         ("ereporting", "E-reporting (individual or abroad)")],
        string="French e-invoicing scope",
        compute="_compute_einvoice_scope",
        help="Invoices to French businesses and public bodies are e-invoices (Factur-X, "
        "Chorus Pro); those to individuals and to clients abroad are in the e-reporting scope: "
        "they go as a PDF and their figures are reported to the tax administration.",
    )  # fmt: skip

    @api.depends("is_company", "siren", "country_id", "parent_id")
    def _compute_einvoice_scope(self):
        for partner in self:
            client = partner.commercial_partner_id
            french = (client.country_id.code or "FR") == "FR"
            partner.einvoice_scope = (
                "ereporting" if partner._is_private_individual() or not french else "einvoicing"
            )

    def _cabinet_einvoicing(self):
        """Whether this client is set to receive e-invoices (any Factur-X, UBL or CII
        format, or Chorus Pro) in the current company."""
        self.ensure_one()
        client = self.commercial_partner_id
        return bool(
            client.invoice_edi_format
            and client.invoice_edi_format in {FACTURX_FORMAT, *self._get_ubl_cii_formats()}
            or client.invoice_sending_method == CHORUS_PRO
        )

    @api.constrains(
        "invoice_edi_format", "invoice_sending_method", "is_company", "company_registry",
        "parent_id",
    )  # fmt: skip
    def _check_einvoice_individual(self):
        for partner in self:
            client = partner.commercial_partner_id
            if partner._cabinet_einvoicing() and partner._is_private_individual():
                raise ValidationError(
                    self.env._(
                        "%(client)s is a private individual: its invoices are not e-invoices "
                        "(they are in the e-reporting scope) and go as a PDF by email. Factur-X "
                        "and Chorus Pro are for businesses with a SIREN and public bodies.",
                        client=client.display_name,
                    )
                )

    @api.constrains("invoice_edi_format", "invoice_sending_method", "einvoice_agreed_on")
    def _check_einvoice_agreement(self):
        for partner in self.commercial_partner_id:
            ours = partner.invoice_edi_format == FACTURX_FORMAT or (
                partner.invoice_sending_method == CHORUS_PRO
            )
            if ours and not partner.einvoice_agreed_on:
                raise ValidationError(
                    self.env._(
                        "%(client)s: say when the client agreed to receive its invoices this "
                        "way; without its agreement, invoices go as a PDF by email.",
                        client=partner.display_name,
                    )
                )

    @api.constrains("invoice_edi_format", "invoice_sending_method")
    def _check_chorus_pro_format(self):
        for partner in self:
            if partner.invoice_sending_method == CHORUS_PRO and partner.invoice_edi_format not in (
                False,
                FACTURX_FORMAT,
            ):
                raise ValidationError(
                    self.env._(
                        "%(client)s: invoices deposited on Chorus Pro are Factur-X checked "
                        "against the French rules; choose that e-invoice format.",
                        client=partner.display_name,
                    )
                )

    def write(self, vals):
        # A client who chooses our Factur-X on its portal agrees to it on that day.
        if (
            vals.get("invoice_edi_format") == FACTURX_FORMAT
            and "einvoice_agreed_on" not in vals
            and self.env.user._is_portal()
        ):
            undated = self.filtered(lambda partner: not partner.einvoice_agreed_on)
            undated.write({**vals, "einvoice_agreed_on": fields.Date.context_today(self)})
            return super(ResPartner, self - undated).write(vals)
        return super().write(vals)

    def _compute_engagement_letter_count(self):
        counts = dict(
            self.env["cabinet.engagement.letter"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.engagement_letter_count = counts.get(partner, 0)

    def action_view_engagement_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cabinet_online_services.action_engagement_letter"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
