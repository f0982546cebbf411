from odoo import models
from odoo.exceptions import UserError

from ..tools import facturx_checker


class FacturxRejected(UserError):
    """Invoices the French rules reject; ``problems`` is {invoice: [what is wrong]}."""

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


class AccountMove(models.Model):
    # The Factur-X checks are a concern of their own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _cabinet_facturx_check_start(self):
        """Check the Factur-X XML of these invoices against the XSD and the EN 16931 and
        BR-FR schematrons, in one exchange with this server process's long-lived checker
        (``tools/facturx_checker.py``). The XML is built now; the check runs while the caller
        goes on (e.g. renders the PDFs). Returns a function that waits for the outcome:
        {invoice: [(rule, message)]}, the invoices that pass left out."""
        moves = list(self)
        pending = facturx_checker.checker().submit([move._cabinet_facturx_xml() for move in moves])

        def rejections():
            try:
                results = pending.result()
            except facturx_checker.CheckerError as error:
                raise UserError(
                    self.env._("The Factur-X checks could not run: %(error)s", error=error)
                ) from error
            return {
                move: problems for move, problems in zip(moves, results, strict=True) if problems
            }

        return rejections

    def _cabinet_facturx_rejections(self):
        """{invoice: [(rule, message)]}: what the XSD and schematrons reject, the invoices
        that pass left out (see ``_cabinet_facturx_check_start``)."""
        return self._cabinet_facturx_check_start()()
