from odoo import api, models
from odoo.exceptions import UserError


class CabinetDunningGuarded(models.AbstractModel):
    """Fields that change only through their actions: states, amounts, client, level.

    A direct create or write of them (a form, an import, XML-RPC) is refused for every group;
    the actions write them as superuser once they have checked what the user may do.
    """

    _name = "cabinet.dunning.guarded"
    _description = "Fields changed only by their actions"

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
        guarded = [name for name in self._guarded_fields if name in field_names]
        if guarded:
            raise UserError(
                self.env._(
                    "%(fields)s: on a record of %(record)s, these fields change only through "
                    "its buttons, never directly.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env) for name in guarded
                    ),
                    record=self.env["ir.model"]._get(self._name).name,
                )
            )
