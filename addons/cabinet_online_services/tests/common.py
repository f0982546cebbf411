from stdnum import luhn

from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.cabinet_dunning.tests.common import CabinetTestMixin


def stored_facturx_xml(moves):
    """Every Factur-X XML stored for ``moves``, as Odoo keeps it (the invoice's
    ``ubl_cii_xml_file``) or as a plain attachment."""
    return moves.env["ir.attachment"].search(
        [("res_model", "=", "account.move"), ("res_id", "in", moves.ids),
         ("name", "=", "factur-x.xml"), ("res_field", "in", [False, "ubl_cii_xml_file"])]
    )  # fmt: skip


@tagged("post_install", "-at_install")
class OnlineServicesCase(CabinetTestMixin, TransactionCase):
    """A catalogue of online services, a user per role and a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_cabinet_env()
        # The fixtures are built by the test's own user (an accountant in invoicing tests).
        cls.env.user.sudo().group_ids = [
            (4, cls.env.ref("cabinet_online_services.group_online_services_manager").id)
        ]
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Cabinet Lyon"})
        cls.user = new_test_user(
            cls.env,
            login="os_user",
            lang="en_US",
            groups="base.group_user,cabinet_online_services.group_online_services_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="os_manager",
            lang="en_US",
            groups="base.group_user,cabinet_online_services.group_online_services_manager",
        )
        cls.internal_user = new_test_user(cls.env, login="os_internal", groups="base.group_user")
        cls.portal_user = new_test_user(cls.env, login="os_portal", groups="base.group_portal")
        cls.other_company_user = new_test_user(
            cls.env,
            login="os_lyon",
            groups="base.group_user,cabinet_online_services.group_online_services_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Éditeur Logiciel SAS"})
        cls.entries = cls.env["product.template"].create(
            {
                "name": "Saisie des écritures",
                "type": "service",
                "is_online_service": True,
                "online_service_billing": "usage",
                "list_price": 0.10,
                "standard_price": 0.04,
                "service_vendor_id": cls.vendor.id,
                "vendor_service_code": "ECR",
                "usage_tier_ids": [
                    (0, 0, {"from_quantity": 500, "unit_price": 0.08}),
                    (0, 0, {"from_quantity": 2000, "unit_price": 0.05}),
                ],
                "company_id": cls.company.id,
            }
        )

    @classmethod
    def _setup_letters(cls):
        """A French client paying by SEPA direct debit, with a catalogue and a letter."""
        cls.company.write(
            {"country_id": cls.env.ref("base.fr").id, "sepa_creditor_identifier": "FR78ZZZ424242"}
        )
        cls.sdd_mode = cls.env["account.payment.mode"].create(
            {
                "name": "Prélèvement SEPA clients",
                "company_id": cls.company.id,
                "bank_account_link": "variable",
                "payment_method_id": cls.env.ref(
                    "account_banking_sepa_direct_debit.sepa_direct_debit"
                ).id,
            }
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Boulangerie Martin",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
                "company_registry": "55203253400646",
                "property_payment_term_id": cls.env.ref("account.account_payment_term_30days").id,
            }
        )
        cls.other_client = cls.env["res.partner"].create(
            {"name": "Garage Dupont", "is_company": True}
        )
        cls.dashboard = cls.env["product.product"].create(
            {
                "name": "Tableau de bord",
                "type": "service",
                "is_online_service": True,
                "list_price": 30.0,
            }
        )
        cls.payroll = cls.env["product.product"].create(
            {
                "name": "Paie en ligne",
                "type": "service",
                "is_online_service": True,
                "list_price": 45.0,
            }
        )
        cls.terms = cls.env["cabinet.terms.version"].create(
            {"name": "CGU 2026", "body": "<p>Conditions générales d'utilisation 2026.</p>"}
        )
        cls.terms.action_publish()
        cls.letter = cls.env["cabinet.engagement.letter"].create(cls._letter_vals(cls.client))
        cls.client_portal_user = new_test_user(
            cls.env,
            login="client_portal",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Claire Martin", "parent_id": cls.client.id, "email": "c@m.fr"})
            .id,
        )

    @classmethod
    def _letter_vals(cls, partner, **vals):
        return {
            "partner_id": partner.id,
            "start_date": "2026-01-01",
            "mission_ids": [(6, 0, cls.env.ref("cabinet_online_services.mission_bookkeeping").ids)],
            "line_ids": [
                (0, 0, {"product_id": cls.dashboard.id, "quantity": 1}),
                (0, 0, {"product_id": cls.payroll.id, "quantity": 3, "price_unit": 40.0}),
            ],
            **vals,
        }

    @classmethod
    def _valid_mandate(cls, partner):
        bank = cls.env["res.partner.bank"].create(
            {"partner_id": partner.id, "acc_number": "FR76 3000 6000 0112 3456 7890 189"}
        )
        mandate = cls.env["account.banking.mandate"].create(
            {
                "partner_bank_id": bank.id,
                "format": "sepa",
                "type": "recurrent",
                "recurrent_sequence_type": "first",
                "signature_date": "2025-12-15",
                "company_id": cls.company.id,
            }
        )
        mandate.validate()
        return mandate

    @classmethod
    def _activate(cls, letter):
        """Send, sign and activate ``letter`` on its start date (dated, so that tests of
        suspensions and terminations hold whatever today is)."""
        letter.action_send()
        letter.action_sign()
        letter.action_activate(letter.start_date)

    @classmethod
    def _setup_billable_letter(cls, start_date="2026-12-01"):
        """The client's letter, paid by direct debit with a valid mandate, active from
        ``start_date`` with all its services."""
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        cls.letter.start_date = start_date
        cls.letter.line_ids.date_start = start_date
        cls._activate(cls.letter)

    @classmethod
    def _setup_french_invoicing(cls):
        """The billable letter, with what French e-invoices need: euros (BR-FR-CO-12), the
        firm's SIREN, VAT number and address, the client's address and a 20 % VAT."""
        if cls.company.currency_id != cls.env.ref("base.EUR"):
            cls.company.currency_id = cls.env.ref("base.EUR")
        cls._setup_billable_letter()
        siren = "82305401" + luhn.calc_check_digit("82305401")
        cls.company.partner_id.write(
            {
                "company_registry": siren + "0001" + luhn.calc_check_digit(siren + "0001"),
                "vat": f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}",
                "street": "1 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
            }
        )
        cls.client.write({"street": "3 place du Marché", "zip": "69001", "city": "Lyon"})
        vat_20 = cls.env["account.tax"].create(
            {"name": "TVA collectée 20 %", "amount": 20, "amount_type": "percent",
             "type_tax_use": "sale", "company_id": cls.company.id}
        )  # fmt: skip
        (cls.dashboard | cls.payroll).taxes_id = vat_20
