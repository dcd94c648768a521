"""The mass-change guard: a plan that would disable too many accounts stops before it is applied.

The limit is ``max(10, threshold_percent% of the accounts read from the relying party)``, rounded
down. More disables than the limit stop the run unless it carries an explicit override; exactly
the limit goes ahead. The floor of 10 keeps a small relying party usable (disabling 2 of 5
accounts is ordinary) while a large one is protected by the percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from idms.engine.plan import Plan

MINIMUM_LIMIT: Final = 10
OVERRIDE_FLAG: Final = "--allow-mass-change"


@dataclass(frozen=True, slots=True)
class SafetyVerdict:
    """``stop`` True means: do not apply this plan. ``message`` says why, with the counts."""

    stop: bool
    message: str
    disables: int = 0
    limit: int = MINIMUM_LIMIT


def disable_limit(accounts_read: int, threshold_percent: float) -> int:
    """How many disables a plan may carry without an override."""
    return max(MINIMUM_LIMIT, math.floor(accounts_read * threshold_percent / 100))


def check_safety(
    plan: Plan, *, threshold_percent: float = 5.0, allow_mass_change: bool = False
) -> SafetyVerdict:
    """Decide whether ``plan`` may be applied; see the module docstring for the rule."""
    if not 0 <= threshold_percent <= 100:
        raise ValueError(
            f"the threshold must be between 0 and 100 percent, not {threshold_percent}"
        )
    limit = disable_limit(plan.accounts_read, threshold_percent)
    noun = "account" if plan.accounts_read == 1 else "accounts"
    counts = (
        f"would disable {plan.disables} of {plan.accounts_read} {noun} "
        f"(limit {limit}: {threshold_percent:g}% of {plan.accounts_read}, "
        f"at least {MINIMUM_LIMIT})"
    )
    if plan.disables <= limit:
        return SafetyVerdict(False, counts, plan.disables, limit)
    if allow_mass_change:
        return SafetyVerdict(
            False, f"{counts}; going ahead because {OVERRIDE_FLAG} was given", plan.disables, limit
        )
    return SafetyVerdict(
        True,
        f"{counts}; run again with {OVERRIDE_FLAG} if this is intended",
        plan.disables,
        limit,
    )
