from werkzeug.exceptions import BadRequest
from werkzeug.urls import url_parse

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount

SERVICES_URL = "/my/online-services"


def local_path(redirect):
    """``redirect`` when it is a path on this site, else the online-services page: a link
    given in a URL never leads elsewhere."""
    url = url_parse(redirect or "")
    if url.scheme or url.netloc or not url.path.startswith("/") or redirect.startswith("//"):
        return SERVICES_URL
    return redirect


class OnlineServicesPortal(PortalAccount):
    """The client's online-services pages, behind the acceptance of the terms of use."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "engagement_letter_count" in counters:
            Letter = request.env["cabinet.engagement.letter"]
            values["engagement_letter_count"] = (
                Letter.search_count([]) if Letter.has_access("read") else 0
            )
        return values

    def _prepare_my_account_rendering_values(self, *args, **kwargs):
        values = super()._prepare_my_account_rendering_values(*args, **kwargs)
        if "invoice_edi_formats" in values:
            # Individuals are in the e-reporting scope: no e-invoice format to choose.
            if request.env.user.partner_id.commercial_partner_id._is_private_individual():
                values["invoice_edi_formats"] = {}
            else:  # the formats in the client's language
                field = request.env["res.partner"]._fields["invoice_edi_format"]
                values["invoice_edi_formats"] = dict(field._description_selection(request.env))
        return values

    @http.route("/my/terms", type="http", auth="user", website=True)
    def terms(self, redirect=None, **kw):
        to_accept = request.env.user._cabinet_terms_to_accept()
        acceptances = request.env["cabinet.terms.acceptance"].search(
            [("user_id", "=", request.env.user.id)]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "cabinet_terms",
                "to_accept": to_accept,
                "acceptances": acceptances,
                "redirect": local_path(redirect),
            }
        )
        return request.render("cabinet_online_services.portal_terms", values)

    @http.route("/my/terms/accept", type="http", auth="user", methods=["POST"], website=True)
    def terms_accept(self, version_id, redirect=None, **kw):
        if not str(version_id).isdigit():
            raise BadRequest(
                request.env._("The version of the terms of use to accept is not a number.")
            )
        to_accept = request.env.user._cabinet_terms_to_accept()
        if to_accept and to_accept.id == int(version_id):
            request.env["cabinet.terms.acceptance"]._record(
                request.env.user, to_accept, request.httprequest.remote_addr
            )
        return request.redirect(local_path(redirect), local=True)

    @http.route(SERVICES_URL, type="http", auth="user", website=True)
    def online_services(self, **kw):
        # The search applies the portal rules; the page then reads related records (payment
        # mode, mandate) the portal user has no access to, as Odoo's portal pages do.
        letters = request.env["cabinet.engagement.letter"].search([]).sudo()
        today = fields.Date.context_today(letters)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "cabinet_online_services",
                "letters": letters,
                "lines_today": {letter: letter._lines_at(today) for letter in letters},
                "today": today,
            }
        )
        return request.render("cabinet_online_services.portal_online_services", values)

    @http.route("/my/engagement-letters/<int:letter_id>", type="http", auth="public", website=True)
    def engagement_letter(
        self, letter_id, report_type=None, access_token=None, download=False, **kw
    ):
        try:
            letter_sudo = self._document_check_access(
                "cabinet.engagement.letter", letter_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=letter_sudo,
                report_type=report_type,
                report_ref="cabinet_online_services.action_report_engagement_letter",
                download=download,
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "cabinet_engagement_letter",
                "letter": letter_sudo,
                "lines_today": letter_sudo._lines_at(fields.Date.context_today(letter_sudo)),
            }
        )
        return request.render("cabinet_online_services.portal_engagement_letter", values)
