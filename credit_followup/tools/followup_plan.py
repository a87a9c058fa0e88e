"""What the follow-up engine decides and executes: plain data, no ORM."""

from dataclasses import dataclass, field


@dataclass
class Decision:
    """What the engine decided for one invoice."""

    move: object
    step: object  # the step to execute now, or an empty recordset
    next_step: object
    next_date: object
    reason: str  # execute, not_due, min_days, min_amount, final, no_profile, approval


@dataclass
class Action:
    """One message on one channel to one debtor, covering one or more invoices."""

    partner: object
    channel: str
    recipient: object
    items: list  # [(move, step)], each invoice with its own step
    is_fallback: bool = False
    result: dict = field(default_factory=dict)

    @property
    def step(self):
        """The highest step reached: its template is used."""
        return max((step for _move, step in self.items), key=lambda s: (s.offset_days, s.sequence, s.id))

    @property
    def moves(self):
        return self.items[0][0].browse([move.id for move, _step in self.items])


@dataclass
class Plan:
    """What the engine decided for one batch of debtors of one company on one date (``_plan``): executed by a run
    (``_execute_plan``), listed by the preview (``_preview_lines``)."""

    company: object
    date: object
    moves: object  # the open invoices of the batch that are followed up
    decisions: list  # [Decision], the invoices that are part of this run
    profiles: dict  # {debtor: profile}; the preview filters on it
