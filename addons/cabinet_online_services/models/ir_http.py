from werkzeug.exceptions import Forbidden, abort

from odoo import models
from odoo.http import request

# What a portal user who has not accepted the current terms of use may still reach: the
# terms themselves and logging out (the pages' assets are not under these paths).
OPEN_PATHS = ("/my/terms", "/web/session/logout")
# Where a portal user reads or writes data: the portal pages, the RPC endpoints, the chatter
# of its documents (messages, attachments) and their files and reports.
GATED_PAGES = ("/my",)
GATED_RPC = ("/web/dataset/", "/json/", "/xmlrpc", "/jsonrpc", "/mail/", "/portal/",
             "/web/content", "/report/")  # fmt: skip


def _attachment_image(path):
    """``/web/image/<attachment id>...`` or ``/web/image/ir.attachment/...``: a document's
    file served as an image (avatars and logos stay open)."""
    parts = path.split("/")
    return (
        path.startswith("/web/image/")
        and len(parts) > 3
        and (parts[3].split("-")[0].isdigit() or parts[3] == "ir.attachment")
    )


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        cls._cabinet_terms_gate()
        return result

    @classmethod
    def _cabinet_terms_gate(cls):
        """Until a portal user has accepted the current terms of use, its portal pages lead
        to the terms, and its RPC calls are refused."""
        user = request.env.user
        if not user or not user.share or user._is_public():
            return
        path = request.httprequest.path
        # A website's language prefix (/fr/my/...) is not part of the page's path.
        lang_prefix = f"/{request.env.context.get('lang', '')[:2]}/"
        if path.startswith(lang_prefix):
            path = path[len(lang_prefix) - 1 :]
        if path.startswith(OPEN_PATHS):
            return
        gated_page = path == "/my" or path.startswith(tuple(f"{p}/" for p in GATED_PAGES))
        gated_rpc = path.startswith(GATED_RPC) or _attachment_image(path)
        if not (gated_page or gated_rpc) or not user._cabinet_terms_to_accept():
            return
        if gated_rpc:
            raise Forbidden(request.env._("Accept the terms of use of the online services first."))
        abort(request.redirect_query("/my/terms", {"redirect": request.httprequest.full_path}))
