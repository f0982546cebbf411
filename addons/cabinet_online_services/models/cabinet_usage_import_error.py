from odoo import fields, models

from ..rules import usage_statement


class CabinetUsageImportError(models.Model):
    _name = "cabinet.usage.import.error"
    _description = "Vendor usage import error"
    _order = "import_id, row_number, id"

    import_id = fields.Many2one(
        "cabinet.usage.import", required=True, index=True, ondelete="cascade", readonly=True
    )
    row_number = fields.Integer(string="Row", readonly=True)
    code = fields.Selection(
        [
            (usage_statement.EMPTY_FILE, "Empty file"),
            (usage_statement.MISSING_COLUMNS, "Missing columns"),
            (usage_statement.MISSING_VALUE, "Missing value"),
            (usage_statement.BAD_NUMBER, "Bad number"),
            (usage_statement.BAD_DATE, "Bad month"),
            (usage_statement.DUPLICATE, "Duplicate line"),
            (usage_statement.OUT_OF_MONTH, "Another month than the statement's"),
            (usage_statement.TOO_LARGE, "Quantity too large"),
            (usage_statement.NOT_TEXT, "Not a text file"),
            (usage_statement.UNREADABLE, "Unreadable CSV"),
            ("unknown_client", "Unknown client"),
            ("unknown_service", "Unknown service"),
            ("already_imported", "Already imported"),
        ],
        string="Problem",
        required=True,
        readonly=True,
    )
    value = fields.Char(readonly=True, help="The value at fault, or for a duplicate line the row "
                        "it repeats, or the import that already has it.")  # fmt: skip
