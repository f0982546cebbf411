from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules import dunning_levels

SEGMENTS = [
    ("tpe", "Very small business (TPE)"),
    ("pme", "Small and medium business (PME)"),
    ("large", "Large group"),
    ("public", "Public body"),
]


class CabinetDunningPolicy(models.Model):
    """A dunning policy: the ordered levels of reminders for a client segment."""

    _name = "cabinet.dunning.policy"
    _description = "Dunning policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    segment = fields.Selection(
        SEGMENTS,
        string="Default for segment",
        help="Clients of this segment follow this policy unless their card names another. "
        "A policy without segment applies to the clients of no other policy's segment.",
    )
    mode = fields.Selection(
        [("manual", "Propose, a user validates"), ("automatic", "Send automatically")],
        default="manual",
        required=True,
    )
    min_interval_days = fields.Integer(
        string="Minimum days between two reminders", default=5, required=True
    )
    catch_up = fields.Boolean(
        string="Catch up",
        help="For a firm that starts using the dunning on an existing book: a client is "
        "reminded at once at the level matching its days late. Off, a client climbs one level "
        "at a time, each level sent before the next.",
    )
    interest_rate = fields.Float(
        string="Contractual late interest rate (%)",
        digits=(5, 2),
        help="Leave empty to apply the legal rate: the ECB refinancing rate plus 10 points.",
    )
    charge_recovery_indemnity = fields.Boolean(
        string="Claim the 40 EUR recovery indemnity",
        default=True,
        help="Per late invoice of a professional client (Code de commerce D441-5).",
    )
    level_ids = fields.One2many("cabinet.dunning.level", "policy_id", string="Levels", copy=True)

    _min_interval_positive = models.Constraint(
        "CHECK(min_interval_days >= 0)", "The minimum interval between reminders is positive."
    )
    _interest_rate_positive = models.Constraint(
        "CHECK(interest_rate IS NULL OR interest_rate >= 0)",
        "A contractual late interest rate cannot be negative.",
    )

    @api.constrains("level_ids")
    def _check_levels(self):
        for policy in self:
            levels = [
                dunning_levels.Level(level.sequence, level.days_after_due, level.min_amount)
                for level in policy.level_ids
            ]
            if dunning_levels.check_levels(levels):
                raise ValidationError(
                    self.env._(
                        "The levels of %(policy)s must come later and later after the due "
                        "date: each level's days must be greater than the previous level's, "
                        "and not negative.",
                        policy=policy.name,
                    )
                )

    @api.constrains("segment", "active", "company_id")
    def _check_one_policy_per_segment(self):
        # Policies without segment are many at will: clients name them on their card.
        for policy in self.filtered(lambda policy: policy.active and policy.segment):
            others = self.search_count(
                [
                    ("id", "!=", policy.id),
                    ("segment", "=", policy.segment),
                    ("company_id", "in", [policy.company_id.id, False]),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "Another active policy is already the default for this segment; "
                        "archive it or choose another segment for %(policy)s.",
                        policy=policy.name,
                    )
                )

    def _level_ranks(self):
        """{level: rank} of the policy's levels, 1 for the first in the policy's order
        (sequence, then days), so that two levels sharing a sequence number stay distinct."""
        self.ensure_one()
        return {level: rank for rank, level in enumerate(self.level_ids, start=1)}

    def _rule_levels(self):
        """The policy's levels as the rules see them: ``dunning_levels.Level`` by rank; the
        level of rank r is ``self.level_ids[r - 1]``."""
        return [
            dunning_levels.Level(rank, level.days_after_due, level.min_amount)
            for level, rank in self._level_ranks().items()
        ]

    @api.model
    def _default_for_segments(self, segments, company):
        """{segment: policy} for the given segments, the policy without segment filling in."""
        policies = self.search(
            [("segment", "in", [*segments, False]), ("company_id", "in", [company.id, False])]
        )
        fallback = policies.filtered(lambda policy: not policy.segment)[:1]
        by_segment = {policy.segment: policy for policy in policies if policy.segment}
        return {segment: by_segment.get(segment, fallback) for segment in segments}
