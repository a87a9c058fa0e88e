from collections import defaultdict

from odoo import Command, api, fields, models


class CreditSegmentAssign(models.TransientModel):
    """Re-segment now (preview, then apply) and a segment's simulation "with these criteria, who moves?".

    Both show the debtors that would move, per segment they leave and join. The simulation edits a copy of
    the segment's criteria here and writes nothing to segments or debtors.
    """

    _name = "credit.segment.assign"
    _inherit = ["credit.segment.criteria"]
    _description = "Re-segment debtors"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    segment_id = fields.Many2one(
        "credit.segment", help="Simulate other criteria for this segment (nothing is written)."
    )
    line_ids = fields.One2many("credit.segment.assign.line", "wizard_id", string="Moves", readonly=True)
    move_count = fields.Integer(string="Debtors that move", readonly=True)
    state = fields.Selection([("preview", "Preview"), ("done", "Applied")], default="preview", required=True)

    @api.model
    def action_open(self, segment=None):
        values = {"company_id": (segment.company_id if segment else self.env.company).id}
        if segment:
            values.update(segment._criteria_values(), segment_id=segment.id)
        wizard = self.create(values)
        wizard.action_preview()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate %(segment)s", segment=segment.display_name)
            if segment
            else self.env._("Re-segment now"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _simulated_segment(self):
        """An unsaved copy of the segment with the wizard's criteria."""
        values = self._criteria_values()
        return self.segment_id.new(values, origin=self.segment_id)

    def action_preview(self):
        self.ensure_one()
        override = self._simulated_segment() if self.segment_id else None
        moves = self.env["credit.segment"].assign(simulate=True, companies=self.company_id, override=override)
        self._show(moves)
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        moves = self.env["credit.segment"].assign(companies=self.company_id)
        self._show(moves)
        self.state = "done"
        return self._reopen()

    def _show(self, moves):
        groups = defaultdict(list)
        for partner_id, (old, new) in moves.items():
            groups[(old, new)].append(partner_id)
        self.line_ids = [Command.clear()] + [
            Command.create(
                {
                    "from_segment_id": old or False,
                    "to_segment_id": new or False,
                    "partner_count": len(partner_ids),
                    "partner_ids": [Command.set(partner_ids)],
                }
            )
            for (old, new), partner_ids in sorted(groups.items(), key=lambda item: -len(item[1]))
        ]
        self.move_count = len(moves)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Re-segment now") if not self.segment_id else self.segment_id.display_name,
        }


class CreditSegmentAssignLine(models.TransientModel):
    _name = "credit.segment.assign.line"
    _description = "Debtors moving between two segments"
    _order = "partner_count desc, id"

    wizard_id = fields.Many2one("credit.segment.assign", required=True, ondelete="cascade")
    from_segment_id = fields.Many2one("credit.segment", string="From")
    to_segment_id = fields.Many2one("credit.segment", string="To")
    partner_count = fields.Integer(string="Debtors")
    partner_ids = fields.Many2many("res.partner", string="Debtors that move")

    def action_view_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Debtors that move"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("credit_segmentation.view_partner_credit_segment_list").id, "list"),
                (False, "form"),
            ],
            "domain": [("id", "in", self.partner_ids.ids)],
            "context": {"create": False},
        }
