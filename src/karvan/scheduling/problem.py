"""The scheduler's input and output: plain frozen dataclasses (no Django, no solver)."""

from dataclasses import dataclass
from datetime import datetime

UNPLACED_REASONS = (
    "no_common_slot",  # no slot in which all its participants are available
    "participants_busy",  # common slots exist but all are taken by meetings the solver preferred
    "tables_full",  # every common free slot has all tables taken
    "invalid",  # unknown participant or fewer than two participants
)


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime  # aware
    end: datetime  # aware
    session: str  # a half day; slots of one session are consecutive


@dataclass(frozen=True)
class Participant:
    id: str
    unavailable: frozenset[str] = frozenset()  # slot ids


@dataclass(frozen=True)
class Meeting:
    id: str
    participants: tuple[str, ...]  # 2, sometimes 3 or more; all must attend
    priority: int = 1  # 1 normal, 2 both sides asked, 3 pinned by organiser
    online: bool = False  # online: takes everyone's slot, no table


@dataclass(frozen=True)
class Assignment:
    meeting: str
    slot: str
    table: int | None  # 1..tables in person, None online


@dataclass(frozen=True)
class Problem:
    slots: tuple[Slot, ...]
    tables: int  # same number in every slot
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]  # in the order requests were accepted
    fixed: tuple[Assignment, ...] = ()  # already published: kept exactly as they are
    name: str = ""


@dataclass(frozen=True)
class Unplaced:
    meeting: str
    reason: str  # one of UNPLACED_REASONS
    detail: str = ""  # plain English detail for logs; the product translates `reason`


@dataclass(frozen=True)
class Solution:
    assignments: tuple[Assignment, ...]  # includes the fixed ones
    unscheduled: tuple[Unplaced, ...]
    weighted: int  # sum of priorities scheduled
    upper_bound: int  # a proven upper bound on `weighted`
    breaks: int  # idle gaps, as bench/scheduling/README.md defines
    status: str  # "optimal" (weight proven and no gap left), "feasible", "empty"
    seconds: float


class ProblemError(ValueError):
    """The problem itself is inconsistent (duplicate ids, a fixed assignment that cannot stand)."""
