"""The B2B meeting scheduler: accepted meeting requests into slots and tables.

Problem. A brokerage event has time slots grouped in sessions (half days), a number of tables (the
same in every slot), participants (each unavailable in some slots) and meetings between two or more
participants, all of whom must attend. An in-person meeting takes a table in its slot, an online one
only its participants' time. Some meetings are already published (`Problem.fixed`) and stay exactly
where they are. The objective is lexicographic: first the weighted number of meetings placed (the
sum of their priorities), then the idle gaps ("breaks"): for each participant and session, the
slots strictly between the participant's first and last meeting of the session in which they have
no meeting (the definition and checker of `shared/bench/scheduling/`).

Method, a decomposition (one CP-SAT model over every meeting, slot and participant's gaps is far too
big for the large events, 15,000 meetings and 3,000 participants):
1. Bound. The LP relaxation that forgets which slot a meeting takes (each meeting placed or not,
   as a fraction; each participant has at most as many meetings as free slots among those its
   meetings can use; the in-person meetings at most as many as the free table-slots they can use),
   solved with GLOP and rounded down, is a proven upper bound on the weighted count.
2. Placement. Meetings by priority (then those with the fewest possible slots first, then request
   order) go greedily to the slot that adds the fewest gaps to their participants' days. Meetings
   left over are then inserted by ejection: a meeting in the way moves to another slot when it can,
   and is dropped only for a meeting of higher priority (so the weight strictly grows). When the
   weight is still below the bound, a CP-SAT model of every (meeting, slot) pair (for problems of
   up to `EXACT_PAIRS_LIMIT` pairs), or else of the integer relaxation, closes or proves the gap.
3. Gaps, the weight kept. Moves and swaps: a meeting moves to any slot (in any session) where its
   participants and a table are free, or swaps places with the one meeting in its way, or with an
   in-person meeting of a full slot, whenever that removes gaps; rounds that remove gaps alternate
   with rounds that also accept moves keeping the count (to leave plateaus) until several rounds in
   a row gain nothing. Each participant's session is a bit mask, so a move is priced in a few
   integer operations without touching the schedule. Sessions
   of up to `SESSION_MODEL_LIMIT` meetings then get a CP-SAT model each (which slot of the session
   each meeting takes; minimise the participants' spans). Then large neighbourhood search: the
   meetings around a participant who still waits (theirs, their partners', ...) are freed and
   re-placed anywhere by a CP-SAT model of their participants' gaps in every session, started from
   the current schedule so it never gets worse; neighbourhoods grow when nothing improves, and the
   search stops at no gap, at a proven optimum, after three fruitless rounds, or at the deadline.
4. Tables are interchangeable within a slot: numbers are given last, fixed meetings keep theirs.

Modules, by phase: `problem` (the dataclasses), `json_format` (the shared bench format),
`model` (indices and bit masks), `bounds` (1), `placement` (2), `gaps` (3), and this one, which
runs them in order and gives tables (4). Nothing here imports Django or another Karvan app:
`events` builds a `Problem` from its tables and stores the `Solution`; `karvan schedule solve` and
`bench/scheduling.py` run it on instance files.
"""

import random
import time
from collections.abc import Callable

from karvan.scheduling.bounds import tighter_bound, upper_bound
from karvan.scheduling.gaps import SESSION_MODEL_LIMIT, lns, local_search, session_gaps_cp
from karvan.scheduling.json_format import problem_from_json, problem_to_json, solution_to_json
from karvan.scheduling.model import Model
from karvan.scheduling.placement import exact_placement, greedy, repair
from karvan.scheduling.problem import (
    UNPLACED_REASONS,
    Assignment,
    Meeting,
    Participant,
    Problem,
    ProblemError,
    Slot,
    Solution,
    Unplaced,
)

# The public names stay importable from here (`solver.Problem`, `solver.solve`, ...).
__all__ = [
    "UNPLACED_REASONS",
    "Assignment",
    "Meeting",
    "Participant",
    "Problem",
    "ProblemError",
    "Progress",
    "Slot",
    "Solution",
    "Unplaced",
    "problem_from_json",
    "problem_to_json",
    "solution_to_json",
    "solve",
]

Progress = Callable[[float, str], None]

# The exact placement model (every meeting x every slot it may take) is built up to this many
# pairs, when the greedy placement has not reached the bound.
EXACT_PAIRS_LIMIT = 40_000


def _unplaced_reason(model: Model, m: int) -> Unplaced:
    meeting_id = model.problem.meetings[m].id
    if m in model.invalid:
        return Unplaced(meeting_id, "invalid", model.invalid[m])
    if not model.common[m]:
        return Unplaced(meeting_id, "no_common_slot", "no slot where all participants are free")
    free = [s for s in model.common[m] if all(model.busy[p][s] == -1 for p in model.parts[m])]
    if free:
        return Unplaced(
            meeting_id,
            "tables_full",
            f"{len(free)} common free slot(s), all tables taken",
        )
    return Unplaced(
        meeting_id,
        "participants_busy",
        f"{len(model.common[m])} common slot(s), all taken by other meetings of its participants",
    )


def _assignments(model: Model) -> tuple[Assignment, ...]:
    taken: dict[int, set[int]] = {}
    for m, table in model.fixed.items():
        if table is not None:
            taken.setdefault(model.slot_of[m], set()).add(table)
    out = []
    next_table: dict[int, int] = {}
    for m in range(model.n_meetings):
        s = model.slot_of[m]
        if s < 0:
            continue
        if m in model.fixed:
            table = model.fixed[m]
        elif model.online[m]:
            table = None
        else:
            table = next_table.get(s, 1)
            while table in taken.get(s, ()):
                table += 1
            next_table[s] = table + 1
        out.append(Assignment(model.problem.meetings[m].id, model.problem.slots[s].id, table))
    return tuple(out)


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    progress: Progress | None = None,
    workers: int = 2,
    seed: int = 0,
) -> Solution:
    """Schedule `problem`; progress(fraction 0..1, message) is called as the solve goes on.

    `time_limit` bounds the whole solve (seconds, roughly: a CP-SAT call stops at its own limit).
    Raises `ProblemError` when the problem itself is inconsistent (duplicate ids, or fixed
    assignments that clash with each other).
    """
    started = time.monotonic()
    deadline = started + max(time_limit, 1.0)

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    def remaining() -> float:
        return max(deadline - time.monotonic(), 0.0)

    report(0.0, "reading the problem")
    model = Model(problem)
    total = max(time_limit, 1.0)

    report(0.05, "bounding the number of meetings")
    bound = upper_bound(model)

    report(0.15, "placing meetings by priority")
    order = sorted(
        (m for m in range(model.n_meetings) if m not in model.invalid and m not in model.fixed),
        key=lambda m: (-model.weight[m], len(model.common[m]), m),
    )
    greedy(model, order)
    report(0.25, f"placed {model.weighted()} of at most {bound} (weighted)")
    repair(model, time.monotonic() + 0.25 * remaining(), bound)
    if model.weighted() < bound:
        pairs = sum(len(model.common[m]) for m in range(model.n_meetings) if m not in model.fixed)
        if pairs <= EXACT_PAIRS_LIMIT:
            report(0.3, "placing meetings exactly")
            bound = exact_placement(model, bound, min(0.3 * total, remaining()), workers)
    weighted = model.weighted()
    if weighted < bound:
        bound = max(weighted, tighter_bound(model, bound, min(0.1 * total, 10.0), workers))
    report(0.4, f"placed {weighted} of at most {bound} (weighted); {model.gaps()} gaps")

    # Gaps: cheap moves until none helps, whole sessions when they are small, then
    # neighbourhoods re-optimised by CP-SAT, alternating with the cheap moves, until the deadline.
    rng = random.Random(seed)  # noqa: S311  # a search's moves, not secrets
    search_start = time.monotonic()

    def search_report(message: str) -> None:
        span = max(deadline - search_start, 1e-9)
        report(0.4 + 0.2 * (time.monotonic() - search_start) / span, message)

    local_search(model, deadline, rng, search_report)
    report(0.6, f"{model.gaps()} gaps after moves and swaps")
    sizes = [sum(len(model.in_slot[s]) for s in slots) for slots in model.session_slots]
    for k, size in enumerate(sizes):
        if 0 < size <= SESSION_MODEL_LIMIT and remaining() > 0.5 and model.gaps():
            session_gaps_cp(model, k, min(0.5 * remaining(), 10.0), workers)
            report(0.6 + 0.1 * (k + 1) / len(sizes), f"session {k + 1}: {model.gaps()} gaps")
    lns_start = time.monotonic()

    def lns_report(message: str) -> None:
        span = max(deadline - lns_start, 1e-9)
        report(0.7 + 0.3 * (time.monotonic() - lns_start) / span, message)

    gaps_proven = lns(model, deadline, workers, rng, lns_report)
    greedy(model, order)  # anything that became placeable without cost
    weighted = model.weighted()
    bound = max(bound, weighted)
    gaps = model.gaps()
    report(1.0, f"done: {weighted} of at most {bound} (weighted), {gaps} gaps")

    unscheduled = tuple(
        _unplaced_reason(model, m) for m in range(model.n_meetings) if model.slot_of[m] < 0
    )
    if model.n_meetings == 0:
        status = "empty"
    elif weighted == bound and (
        gaps == 0
        or (gaps_proven and all(u.reason in ("invalid", "no_common_slot") for u in unscheduled))
    ):
        status = "optimal"
    else:
        status = "feasible"
    return Solution(
        assignments=_assignments(model),
        unscheduled=unscheduled,
        weighted=weighted,
        upper_bound=bound,
        breaks=gaps,
        status=status,
        seconds=time.monotonic() - started,
    )
