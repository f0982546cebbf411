from odoo import api, models
from odoo.exceptions import UserError

ALL = "__all__"


class CabinetDunningGuarded(models.AbstractModel):
    """Fields that change only through their actions: states, amounts, client, level.

    A direct create or write of them (a form, an import, XML-RPC) is refused for every group;
    the actions write them as superuser once they have checked what the user may do.
    """

    _name = "cabinet.dunning.guarded"
    _description = "Fields changed only by their actions"

    # The guarded fields' names, or ALL: no field is written directly.
    _guarded_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_fields({name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        self._check_guarded_fields(vals)
        return super().write(vals)

    def _check_guarded_fields(self, field_names):
        if self.env.su:
            return
        names = self._fields if self._guarded_fields == ALL else self._guarded_fields
        guarded = [name for name in names if name in field_names]
        if guarded:
            raise UserError(
                self.env._(
                    "Only the buttons of a record of %(record)s change it, never a direct "
                    "change: %(fields)s.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in guarded
                    ),
                    record=self.env["ir.model"]._get(self._name).name,
                )
            )
