from odoo import api, fields, models
from odoo.exceptions import ValidationError

EINVOICE_FORMATS = [
    ("pdf_email", "PDF by email"),
    ("facturx_email", "Factur-X by email"),
    ("chorus_pro", "Chorus Pro (public bodies)"),
]
# The formats of the French e-invoicing (B2B and public bodies), never for individuals.
EINVOICING_FORMATS = ("facturx_email", "chorus_pro")


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

    einvoice_format = fields.Selection(
        EINVOICE_FORMATS,
        string="Invoices sent as",
        default="pdf_email",
        help="How this client receives its invoices. Anything but a PDF by email needs the date "
        "the client agreed to it: no format is imposed.",
    )
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

    @api.constrains("einvoice_format", "is_company", "company_registry", "parent_id")
    def _check_einvoice_individual(self):
        for partner in self:
            client = partner.commercial_partner_id
            formats = {partner.einvoice_format, client.einvoice_format}
            if formats & set(EINVOICING_FORMATS) and partner._is_private_individual():
                raise ValidationError(
                    self.env._(
                        "%(client)s is a private individual: its invoices are not e-invoices "
                        "(they are in the e-reporting scope) and go as a PDF by email. Factur-X "
                        "and Chorus Pro are for businesses with a SIREN and public bodies.",
                        client=client.display_name,
                    )
                )

    @api.constrains("einvoice_format", "einvoice_agreed_on")
    def _check_einvoice_agreement(self):
        for partner in self:
            if partner.einvoice_format != "pdf_email" and not partner.einvoice_agreed_on:
                raise ValidationError(
                    self.env._(
                        "%(client)s: say when the client agreed to receive its invoices this "
                        "way; without its agreement, invoices go as a PDF by email.",
                        client=partner.display_name,
                    )
                )

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
