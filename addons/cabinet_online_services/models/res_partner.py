from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    engagement_letter_ids = fields.One2many(
        "cabinet.engagement.letter", "partner_id", string="Engagement letters"
    )
    engagement_letter_count = fields.Integer(compute="_compute_engagement_letter_count")
    online_services_account_code = fields.Char(
        string="Account code at the software vendor",
        index="btree_not_null",
        copy=False,
        help="How the software vendor names this client in its usage statements, when it does "
        "not use the SIREN.",
    )

    def _compute_engagement_letter_count(self):
        counts = dict(
            self.env["cabinet.engagement.letter"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.engagement_letter_count = counts.get(partner, 0)

    def action_view_engagement_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cabinet_online_services.action_engagement_letter"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
