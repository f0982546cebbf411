import json
import re

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestPortal(OnlineServicesCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        cls._activate(cls.letter)
        cls.other_letter = cls.env["cabinet.engagement.letter"].create(
            cls._letter_vals(cls.other_client)
        )
        cls.other_letter.action_send()

    def _accept_terms_in_the_browser(self):
        page = self.url_open("/my/terms")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Conditions générales d'utilisation 2026", page.text)
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            "/my/terms/accept",
            data={
                "csrf_token": csrf_token,
                "version_id": self.terms.id,
                "redirect": "/my/online-services",
            },
            allow_redirects=False,
        )

    def test_portal_user_is_sent_to_the_terms_until_accepted(self):
        self.authenticate("client_portal", "client_portal")
        for url in ("/my", "/my/home", "/my/online-services", "/my/invoices", "/my/account",
                    f"/my/engagement-letters/{self.letter.id}"):  # fmt: skip
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertIn("/my/terms?redirect=", response.headers["Location"])
        response = self._accept_terms_in_the_browser()
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/online-services"))
        acceptance = self.env["cabinet.terms.acceptance"].search(
            [("user_id", "=", self.client_portal_user.id)]
        )
        self.assertEqual(acceptance.version_id, self.terms)
        self.assertEqual(acceptance.ip_address, "127.0.0.1")
        self.assertEqual(acceptance.text_hash, self.terms.text_hash)
        page = self.url_open("/my/online-services")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.letter.name, page.text)
        self.assertIn("Tableau de bord", page.text)
        self.assertNotIn(self.other_letter.name, page.text)
        self.assertEqual(self.url_open("/my", allow_redirects=False).status_code, 200)

    def test_rpc_is_closed_until_the_terms_are_accepted(self):
        self.authenticate("client_portal", "client_portal")

        def call():
            return self.url_open(
                "/web/dataset/call_kw/account.move/search_read",
                data=json.dumps(
                    {"jsonrpc": "2.0", "method": "call", "id": 1,
                     "params": {"model": "account.move", "method": "search_read",
                                "args": [[]], "kwargs": {"fields": ["name"]}}}
                ),
                headers={"Content-Type": "application/json"},
            )  # fmt: skip

        refused = call()
        self.assertIn(refused.status_code, (403, 200))
        self.assertIn("Accept the terms of use", refused.text)
        self.assertNotIn('"result"', refused.text)
        self.assertEqual(self._accept_terms_in_the_browser().status_code, 303)
        answered = call()
        self.assertEqual(answered.status_code, 200)
        self.assertIn('"result"', answered.text)

    def test_the_chatter_and_files_are_closed_until_the_terms_are_accepted(self):
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.client.id,
             "invoice_line_ids": [(0, 0, {"name": "Honoraires", "price_unit": 100})]}
        )  # fmt: skip
        invoice.action_post()
        attachment = self.env["ir.attachment"].create(
            {"name": "facture.txt", "raw": b"facture", "res_model": "account.move",
             "res_id": invoice.id, "access_token": "tok3n"}
        )  # fmt: skip
        self.authenticate("client_portal", "client_portal")

        def messages():
            return self.url_open(
                "/mail/thread/messages",
                data=json.dumps(
                    {"jsonrpc": "2.0", "method": "call", "id": 1,
                     "params": {"thread_model": "account.move", "thread_id": invoice.id,
                                "fetch_params": {"limit": 30}}}
                ),
                headers={"Content-Type": "application/json"},
            )  # fmt: skip

        self.assertIn("Accept the terms of use", messages().text)
        for url in (
            f"/web/content/{attachment.id}?access_token=tok3n",
            f"/web/image/{attachment.id}?access_token=tok3n",
            f"/web/image/ir.attachment/{attachment.id}/raw?access_token=tok3n",
        ):
            download = self.url_open(url)
            self.assertEqual(download.status_code, 403, url)
            self.assertNotIn(b"facture", download.content)
        self.assertEqual(self.url_open("/web/image/res.company/1/logo").status_code, 200,
                         "the page's logo stays open")  # fmt: skip
        self.assertEqual(self._accept_terms_in_the_browser().status_code, 303)
        self.assertNotIn("Accept the terms of use", messages().text)
        self.assertEqual(
            self.url_open(f"/web/content/{attachment.id}?access_token=tok3n").content, b"facture"
        )

    def test_acceptance_goes_only_to_local_pages(self):
        self.authenticate("client_portal", "client_portal")
        page = self.url_open("/my/terms")
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/my/terms/accept",
            data={
                "csrf_token": csrf_token,
                "version_id": self.terms.id,
                "redirect": "https://evil.example/phish",
            },
            allow_redirects=False,
        )
        self.assertNotIn("evil.example", response.headers["Location"])

    def test_the_terms_page_links_only_to_local_pages(self):
        self.authenticate("client_portal", "client_portal")
        for redirect in ("https://evil.example/phish", "//evil.example", "javascript:alert(1)"):
            page = self.url_open(f"/my/terms?redirect={redirect}")
            self.assertEqual(page.status_code, 200)
            self.assertNotIn(f'value="{redirect}"', page.text)
            self.assertIn('value="/my/online-services"', page.text)

    def test_a_bad_version_id_gets_a_400_and_nothing_is_accepted(self):
        self.authenticate("client_portal", "client_portal")
        page = self.url_open("/my/terms")
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        for version_id in ("abc", "1; DROP TABLE", ""):
            response = self.url_open(
                "/my/terms/accept",
                data={"csrf_token": csrf_token, "version_id": version_id},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 400, version_id)
            expected = {"fr_FR": "pas un nombre"}.get(self.client_portal_user.lang, "not a number")
            self.assertIn(expected, response.text)
        self.assertFalse(
            self.env["cabinet.terms.acceptance"].search(
                [("user_id", "=", self.client_portal_user.id)]
            )
        )

    def test_portal_user_never_sees_another_client_letter(self):
        self.env["cabinet.terms.acceptance"]._record(
            self.client_portal_user, self.terms, "127.0.0.1"
        )
        self.authenticate("client_portal", "client_portal")
        response = self.url_open(
            f"/my/engagement-letters/{self.other_letter.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        page = self.url_open(f"/my/engagement-letters/{self.letter.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.letter.name, page.text)
        pdf = self.url_open(f"/my/engagement-letters/{self.letter.id}?report_type=html")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("Tableau de bord", pdf.text)

    def test_letter_renders_as_a_real_pdf(self):
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, kind = report._render_qweb_pdf(
            "cabinet_online_services.action_report_engagement_letter", self.letter.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def _my_account_page(self, login):
        self.authenticate(login, login)
        page = self.url_open("/my/account")
        self.assertEqual(page.status_code, 200)
        return page.text

    def test_an_individual_is_offered_no_einvoice_format_on_its_portal(self):
        person = self.env["res.partner"].create(
            {"name": "Jean Particulier", "email": "jean@example.com",
             "country_id": self.env.ref("base.fr").id}
        )  # fmt: skip
        user = new_test_user(self.env, login="person_portal", groups="base.group_portal",
                             partner_id=person.id)  # fmt: skip
        self.env["cabinet.terms.acceptance"]._record(user, self.terms, "127.0.0.1")
        self.assertNotIn('name="invoice_edi_format"', self._my_account_page("person_portal"))
        self.env["cabinet.terms.acceptance"]._record(
            self.client_portal_user, self.terms, "127.0.0.1"
        )
        page = self._my_account_page("client_portal")
        self.assertIn('value="cabinet_facturx"', page, "a business's contact is offered it")
        self.assertIn("Factur-X contrôlée", page, "in the client's language")

    def test_a_client_choosing_factur_x_on_its_portal_agrees_that_day(self):
        self.client.einvoice_agreed_on = False
        company_user = new_test_user(self.env, login="company_portal",
                                     groups="base.group_portal",
                                     partner_id=self.client.id)  # fmt: skip
        # What the portal's address form does with the client's choice.
        self.client.with_user(company_user).sudo().write({"invoice_edi_format": "cabinet_facturx"})
        self.assertEqual(self.client.invoice_edi_format, "cabinet_facturx")
        self.assertEqual(self.client.einvoice_agreed_on, fields.Date.context_today(self.client))
