from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from .res_partner import EINVOICE_FORMATS, FACTURX_FORMAT

SEND_CHUNK = 100
# Line states of an invoice not sent yet: to send, or its email in the outgoing queue.
LINE_WAITING = ("to_send", "queued")


class CabinetEinvoiceBatch(models.Model):
    """Invoices issued and sent together (e.g. those of a billing run), each the way its
    client agreed to, with what was sent where and what failed and why.

    Sending runs in a cron, chunk by chunk with a commit after each, never in the user's
    request; the PDFs of a chunk come from one report call. The sending is done when each
    invoice is: its email has left the outgoing mail queue, or it failed, or its Factur-X
    waits for the user to deposit it on Chorus Pro.
    """

    _name = "cabinet.einvoice.batch"
    _description = "Invoice sending"
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    billing_run_id = fields.Many2one("cabinet.billing.run", readonly=True, index="btree_not_null")
    line_ids = fields.One2many("cabinet.einvoice.batch.line", "batch_id", readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done")],
        compute="_compute_state",
        store=True,
        readonly=True,
    )
    sent_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    deposit_count = fields.Integer(string="To deposit on Chorus Pro", compute="_compute_counts")

    @api.depends("create_date")
    @api.depends_context("tz")
    def _compute_name(self):
        for batch in self:
            # In the user's time zone, as every date Odoo shows.
            batch.name = self.env._(
                "Sending of %(date)s",
                date=format_datetime(
                    self.env,
                    batch.create_date or fields.Datetime.now(),
                    tz=self.env.context.get("tz") or self.env.user.tz,
                    dt_format="short",
                ),  # fmt: skip
            )

    @api.depends("line_ids.state")
    def _compute_state(self):
        for batch in self:
            waiting = any(line.state in LINE_WAITING for line in batch.line_ids)
            batch.state = "queued" if waiting else "done"

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for batch in self:
            batch.sent_count = len(batch.line_ids.filtered(lambda line: line.state == "sent"))
            batch.failed_count = len(batch.line_ids.filtered(lambda line: line.state == "failed"))
            batch.deposit_count = len(
                batch.line_ids.filtered(lambda line: line.state == "to_deposit")
            )

    @api.model
    def _queue(self, moves, billing_run=None):
        """A batch sending ``moves`` (posted, not sent yet) as their clients agreed."""
        moves = moves.filtered(lambda move: move.state == "posted" and not move.is_move_sent)
        if not moves:
            return self
        # Queued once, even by two requests at the same moment: the second waits here for
        # the first to end, fails to serialize and is run again by Odoo, seeing its lines.
        self.env.cr.execute(
            "UPDATE account_move SET write_date = write_date WHERE id IN %s", [tuple(moves.ids)]
        )
        waiting = (
            self.env["cabinet.einvoice.batch.line"]
            .search([("move_id", "in", moves.ids), ("state", "in", (*LINE_WAITING, "to_deposit"))])
            .move_id
        )
        moves -= waiting
        if not moves:
            return self
        batch = self.create(
            {
                "company_id": moves.company_id[:1].id,
                "billing_run_id": billing_run.id if billing_run else False,
                "line_ids": [
                    (0, 0, {"move_id": move.id, **move._cabinet_einvoice_route()}) for move in moves
                ],
            }
        )
        batch.line_ids._fail_what_is_missing()
        self.env.ref("cabinet_online_services.ir_cron_send_einvoices")._trigger()
        return batch

    @api.model
    def _list_to_deposit(self, moves):
        """The deposit list of the invoices that Odoo's Send & Print issued for Chorus Pro
        (one sending per company); an invoice listed already is not listed again."""
        listed = (
            self.env["cabinet.einvoice.batch.line"]
            .search(
                [("move_id", "in", moves.ids), ("einvoice_format", "=", "chorus_pro"),
                 ("state", "in", ("to_deposit", "sent"))]
            )
            .move_id
        )  # fmt: skip
        moves -= listed
        batches = self.browse()
        for company in moves.company_id:
            company_moves = moves.filtered(lambda move, company=company: move.company_id == company)
            batch = self.create(
                {
                    "company_id": company.id,
                    "line_ids": [
                        (0, 0, {"move_id": move.id, "einvoice_format": "chorus_pro",
                                "destination": move._cabinet_chorus_pro_destination()})
                        for move in company_moves
                    ],
                }
            )  # fmt: skip
            batch.line_ids._to_deposit(company_moves._cabinet_issued_facturx())
            company_moves._message_log_batch(
                bodies={
                    move.id: self.env._(
                        "Factur-X issued and listed in %(sending)s, to deposit on Chorus Pro.",
                        sending=batch.name,
                    )
                    for move in company_moves
                }
            )
            batches |= batch
        return batches

    @api.model
    def _cron_send(self, chunk_size=SEND_CHUNK):
        Line = self.env["cabinet.einvoice.batch.line"]
        while True:
            lines = Line.search([("state", "=", "to_send")], limit=chunk_size)
            lines = lines.try_lock_for_update()
            if not lines:
                break
            # What the cron writes on the lines is in each company's language.
            for company in lines.company_id:
                lang_env = company._cabinet_lang_env()
                lines.filtered(lambda line, company=company: line.company_id == company).with_env(
                    lang_env
                )._send_isolating_failures()
            remaining = Line.search_count([("state", "=", "to_send")])
            if not self.env["ir.cron"]._commit_progress(len(lines), remaining=remaining):
                return

    def action_view_failed(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices not sent"),
            "res_model": "cabinet.einvoice.batch.line",
            "view_mode": "list",
            "domain": [("batch_id", "=", self.id), ("state", "=", "failed")],
        }


class CabinetEinvoiceBatchLine(models.Model):
    _name = "cabinet.einvoice.batch.line"
    _description = "Invoice sent"
    _order = "batch_id desc, id"

    batch_id = fields.Many2one(
        "cabinet.einvoice.batch",
        string="Sending",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True,
                              index=True)  # fmt: skip
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Client")
    einvoice_format = fields.Selection(EINVOICE_FORMATS, string="Format", readonly=True)
    destination = fields.Char(readonly=True)
    state = fields.Selection(
        [
            ("to_send", "To send"),
            ("queued", "In the outgoing mail queue"),
            ("to_deposit", "To deposit on Chorus Pro"),
            ("sent", "Sent"),
            ("failed", "Failed"),
        ],
        default="to_send",
        required=True,
        readonly=True,
        index=True,
    )
    message = fields.Text(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="Document", readonly=True)
    mail_id = fields.Many2one(
        "mail.mail", string="Email", readonly=True, index="btree_not_null", ondelete="set null"
    )

    def _send_isolating_failures(self):
        """Send a chunk; if it fails, send its invoices one by one and mark those that fail
        with the error, so one bad invoice never blocks the others nor the queue."""
        try:
            with self.env.cr.savepoint():
                self._send()
        except Exception:  # noqa: BLE001 - any error: the lines are retried one by one
            for line in self:
                try:
                    with self.env.cr.savepoint():
                        line._send()
                except Exception as error:  # noqa: BLE001 - recorded on the line
                    line._fail(str(error))

    def _send(self):
        """Send a chunk: documents made per format in batch, then one email per invoice."""
        by_format = defaultdict(lambda: self.browse())
        for line in self:
            by_format[line.einvoice_format] |= line
        documents = {}
        # Factur-X for clients who agreed to it by email, and for public bodies on Chorus Pro.
        facturx_lines = by_format["facturx_email"] | by_format["chorus_pro"]
        facturx_lines._fail_what_is_missing()
        ready = facturx_lines.filtered(lambda line: line.state == "to_send")
        if ready:
            documents.update(ready._issue_facturx())
            ready = ready.filtered(lambda line: line.state == "to_send")
        ready.filtered(lambda line: line.einvoice_format == "chorus_pro")._to_deposit(documents)
        pdf_lines = by_format["pdf_email"] | by_format[False]
        if pdf_lines:
            documents.update(pdf_lines.move_id._cabinet_render_invoice_pdfs())
        to_mail = self.filtered(lambda line: line.state == "to_send")
        to_mail._email(documents)

    def _issue_facturx(self):
        """{invoice: Factur-X PDF attachment} of these lines' invoices, checked against the
        XSD and schematrons while their PDFs render; the lines whose invoice the checks
        reject fail with the reason."""
        documents, problems = self.move_id._cabinet_try_issue_facturx()
        for line in self.filtered(lambda line: line.move_id in problems):
            line._fail(
                self.env._("Missing: %(missing)s", missing="; ".join(problems[line.move_id]))
            )
        return documents

    def _email(self, documents):
        """One email per invoice through Odoo's Send & Print (its invoice template in the
        client's language, to the client's invoicing address, with the documents kept on the
        invoice), left in the outgoing mail queue: a line is sent once its email left."""
        addresses = {line: line.move_id._cabinet_invoicing_address() for line in self}
        invalid = self.filtered(lambda line: not addresses[line])
        for line in invalid:
            line._fail(
                self.env._(
                    "No valid email address to send the invoice to (%(address)s): enter the "
                    "client's invoicing email.",
                    address=line.destination or "-",
                )
            )
        lines = self - invalid
        if not lines:
            return
        Mail = self.env["mail.mail"].sudo()
        last_mail = Mail.search([], order="id desc", limit=1).id or 0
        Send = self.env["account.move.send"].with_context(mail_notify_force_send=False)
        for einvoice_format in set(lines.mapped("einvoice_format")):
            moves = lines.filtered(
                lambda line, f=einvoice_format: line.einvoice_format == f
            ).move_id
            Send._generate_and_send_invoices(
                moves,
                sending_methods=["email"],
                invoice_edi_format=FACTURX_FORMAT if einvoice_format == "facturx_email" else None,
            )
        mails = Mail.search(
            [("id", ">", last_mail), ("model", "=", "account.move"),
             ("res_id", "in", lines.move_id.ids)],
            order="id",
        )  # fmt: skip
        for line in lines:
            candidates = mails.filtered(lambda mail, line=line: mail.res_id == line.move_id.id)
            to_address = candidates.filtered(
                lambda mail, a=addresses[line]: a in mail.recipient_ids.mapped("email_normalized")
            )
            if not candidates:
                line._fail(self.env._("Send & Print made no email for this invoice."))
                continue
            line.write(
                {"attachment_id": documents[line.move_id].id,
                 "mail_id": (to_address or candidates)[:1].id, "state": "queued"}
            )  # fmt: skip
        lines = lines.filtered(lambda line: line.state == "queued")
        lines.move_id.is_move_sent = True

    @api.model
    def _mails_left_queue(self, mails, delivered_partner_ids, failure):
        """The invoices whose email ``mails`` the outgoing queue has just processed are sent
        when it reached one of its recipients (``delivered_partner_ids``), or fail with the
        reason (``failure``) and can be sent again."""
        mails = mails.filtered(lambda mail: mail.model == "account.move")
        if not mails:
            return
        lines = self.sudo().search(
            [("mail_id", "in", mails.ids), ("state", "in", ("queued", "failed"))]
        )
        # Odoo lists the partners an email reached as records (ids in older versions).
        delivered = {getattr(partner, "id", partner) for partner in delivered_partner_ids or []}
        sent = lines.filtered(
            lambda line: (
                set(line.mail_id.recipient_ids.ids) & delivered
                if line.mail_id.recipient_ids
                else line.mail_id.state == "sent" and not failure
            )
        )
        sent.write({"state": "sent", "message": False})
        for line in lines - sent:
            # The mail server's words when there are some, else Odoo's failure code.
            reason = line.mail_id.failure_reason or failure or line.mail_id.failure_type or "-"
            lang_env = line.company_id._cabinet_lang_env()
            line._fail(lang_env._("The email could not be sent: %(reason)s", reason=reason))
        (lines - sent).move_id.is_move_sent = False

    @api.model
    def _mails_deleted(self, mails):
        """Invoices whose email was deleted before it left the outgoing queue are not sent
        (and can be sent again)."""
        mails = mails.filtered(lambda mail: mail.model == "account.move")
        if not mails:
            return
        lines = self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "queued")])
        for company in lines.company_id:
            lines.filtered(lambda line, company=company: line.company_id == company)._fail(
                company._cabinet_lang_env()._("The email was deleted before it was sent.")
            )
        lines.move_id.is_move_sent = False

    def _fail_what_is_missing(self):
        """Mark failed, with the list of what is missing, the Factur-X lines whose invoice
        and its parties lack what the French rules require (checked when queued, so that the
        user sees it before anything is sent, and again when sending; what the XSD and
        schematrons reject is checked when issuing)."""
        lines = self.filtered(
            lambda line: (
                line.state == "to_send" and line.einvoice_format in ("facturx_email", "chorus_pro")
            )
        )
        missing = lines.move_id._cabinet_facturx_missing()
        for line in lines:
            problems = missing.get(line.move_id)
            if problems:
                line._fail(self.env._("Missing: %(missing)s", missing="; ".join(problems)))

    def _to_deposit(self, documents):
        """Public bodies receive their invoices through Chorus Pro: the Factur-X is issued,
        kept on the line and the invoice, and waits for the user to deposit it."""
        for line in self:
            line.write(
                {
                    "state": "to_deposit",
                    "attachment_id": documents[line.move_id].id,
                    "message": self.env._(
                        "Factur-X issued: deposit it on Chorus Pro (service code: "
                        "%(service)s, commitment: %(commitment)s), then mark it deposited.",
                        service=line.partner_id.einvoice_service_code or "-",
                        commitment=line.partner_id.einvoice_commitment or "-",
                    ),
                }
            )

    def action_mark_deposited(self):
        """The user deposited these Factur-X on Chorus Pro."""
        lines = self.filtered(lambda line: line.state == "to_deposit")
        if lines != self:
            raise UserError(self.env._("Only invoices waiting for their deposit on Chorus Pro "
                                       "can be marked deposited."))  # fmt: skip
        lines.move_id._message_log_batch(
            bodies={
                line.move_id.id: self.env._(
                    "Factur-X deposited on Chorus Pro by %(user)s.", user=self.env.user.name
                )  # fmt: skip
                for line in lines
            }
        )
        lines.move_id.is_move_sent = True
        lines.write({"state": "sent", "message": False})

    def _fail(self, message):
        if self:
            self.write({"state": "failed", "message": message})

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
