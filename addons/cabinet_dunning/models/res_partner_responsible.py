from odoo import api, models


class ResPartner(models.Model):
    # Telling a client's responsible chartered accountant: a concern of its own.
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cabinet_notify_responsibles(self, company, notices):
        """Tell each client's responsible chartered accountant in ``company`` what needs them.

        ``notices`` maps a client to (summary, note, deadline), written in the company's
        language. Each gets a to-do on the client for its responsible (assigning it notifies
        them, by email or in Odoo, and their answer goes to the client's file) and the note
        logged in that file. Clients without a responsible are left out. Returns the to-dos.
        """
        clients = self.browse([client.id for client in notices]).with_company(company).sudo()
        targets = clients.filtered("dunning_responsible_id")
        if not targets:
            return self.env["mail.activity"]
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": client.id,
                        "activity_type_id": todo.id,
                        "user_id": client.dunning_responsible_id.id,
                        "summary": notices[client][0],
                        "note": notices[client][1],
                        "date_deadline": notices[client][2],
                    }
                    for client in targets
                ]
            )
        )
        targets._message_log_batch(bodies={client.id: notices[client][1] for client in targets})
        return activities
