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

Nothing here imports Django or another Karvan app: `events` builds a `Problem` from its tables and
stores the `Solution`; `karvan schedule solve` and `bench/scheduling.py` run it on instance files.
"""

import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

UNPLACED_REASONS = (
    "no_common_slot",  # no slot in which all its participants are available
    "participants_busy",  # common slots exist but all are taken by meetings the solver preferred
    "tables_full",  # every common free slot has all tables taken
    "invalid",  # unknown participant or fewer than two participants
)

Progress = Callable[[float, str], None]

# Sessions with at most this many meetings get one CP-SAT model each for their gaps.
SESSION_MODEL_LIMIT = 800
# Rounds of moves in a row (strict and sideways alternately) that may remove no gap before the
# move search stops.
LOCAL_SEARCH_PATIENCE = 4
# Meetings of a full slot tried for a swap with a meeting that would gain by moving there.
TABLE_SWAP_TRIES = 12
# Meetings per neighbourhood in the gap search: the first size, and the largest it grows to.
LNS_SIZES = (120, 480)
# The exact placement model (every meeting x every slot it may take) is built up to this many
# pairs, when the greedy placement has not reached the bound.
EXACT_PAIRS_LIMIT = 40_000


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


# --------------------------------------------------------------------------------------------
# JSON (the shared bench format)


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(f"slot time must be an ISO 8601 string, got {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise ProblemError(f"bad slot time {value!r}") from error


def problem_from_json(data: Mapping) -> Problem:
    """A `Problem` from an instance in the format of `shared/bench/scheduling/README.md`."""
    if not isinstance(data, Mapping):
        raise ProblemError("an instance is a JSON object")
    try:
        slots = tuple(
            Slot(
                id=str(s["id"]),
                start=_parse_time(s["start"]),
                end=_parse_time(s["end"]),
                session=str(s.get("session", "")),
            )
            for s in data["slots"]
        )
        participants = tuple(
            Participant(id=str(p["id"]), unavailable=frozenset(p.get("unavailable") or ()))
            for p in data["participants"]
        )
        meetings = tuple(
            Meeting(
                id=str(m["id"]),
                participants=tuple(str(x) for x in m.get("participants") or ()),
                priority=int(m.get("priority", 1)),
                online=bool(m.get("online", False)),
            )
            for m in data["meetings"]
        )
        fixed = tuple(
            Assignment(meeting=str(a["meeting"]), slot=str(a["slot"]), table=a.get("table"))
            for a in data.get("fixed") or ()
        )
        tables = data["tables"]
    except ProblemError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise ProblemError(f"instance is missing a field or has a wrong value: {error}") from error
    if isinstance(tables, bool) or not isinstance(tables, int) or tables < 0:
        raise ProblemError("'tables' must be a non-negative integer")
    return Problem(
        slots=slots,
        tables=tables,
        participants=participants,
        meetings=meetings,
        fixed=fixed,
        name=str(data.get("name", "")),
    )


def problem_to_json(problem: Problem) -> dict:
    """The instance format of `shared/bench/scheduling/README.md` (with `fixed` when there are)."""
    data: dict = {
        "name": problem.name,
        "slots": [
            {
                "id": s.id,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "session": s.session,
            }
            for s in problem.slots
        ],
        "tables": problem.tables,
        "participants": [
            {"id": p.id, "unavailable": sorted(p.unavailable)} for p in problem.participants
        ],
        "meetings": [
            {
                "id": m.id,
                "participants": list(m.participants),
                "priority": m.priority,
                "online": m.online,
            }
            for m in problem.meetings
        ],
    }
    if problem.fixed:
        data["fixed"] = [
            {"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in problem.fixed
        ]
    return data


def solution_to_json(solution: Solution) -> dict:
    """The solution format of `shared/bench/scheduling/README.md`, plus figures check.py ignores."""
    return {
        "assignments": [
            {"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in solution.assignments
        ],
        "unscheduled": [u.meeting for u in solution.unscheduled],
        "unscheduled_reasons": {u.meeting: u.reason for u in solution.unscheduled},
        "weighted": solution.weighted,
        "upper_bound": solution.upper_bound,
        "breaks": solution.breaks,
        "status": solution.status,
        "seconds": round(solution.seconds, 3),
    }


# --------------------------------------------------------------------------------------------
# Indexed model


def _mask_gaps(mask: int) -> int:
    """Idle positions between the first and the last set bit."""
    if mask & (mask - 1) == 0:  # none or one meeting
        return 0
    low = (mask & -mask).bit_length()
    return mask.bit_length() - low + 1 - mask.bit_count()


class _Model:
    """The problem with integer indices and the mutable schedule being built."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.tables = problem.tables
        slot_index: dict[str, int] = {}
        for i, slot in enumerate(problem.slots):
            if slot.id in slot_index:
                raise ProblemError(f"duplicate slot id {slot.id}")
            slot_index[slot.id] = i
        self.slot_index = slot_index
        self.n_slots = len(problem.slots)
        # Sessions, and each slot's position in its session, as check.py orders them.
        by_session: dict[str, list[int]] = {}
        for i, slot in enumerate(problem.slots):
            by_session.setdefault(slot.session, []).append(i)
        self.session_slots: list[list[int]] = []
        self.session_of = [0] * self.n_slots
        self.pos_of = [0] * self.n_slots
        for k, members in enumerate(by_session.values()):
            try:
                members = sorted(
                    members, key=lambda i: (problem.slots[i].start, problem.slots[i].id)
                )
            except TypeError as error:
                raise ProblemError("slot times mix naive and aware datetimes") from error
            self.session_slots.append(members)
            for position, i in enumerate(members):
                self.session_of[i] = k
                self.pos_of[i] = position

        person_index: dict[str, int] = {}
        for p in problem.participants:
            if p.id in person_index:
                raise ProblemError(f"duplicate participant id {p.id}")
            person_index[p.id] = len(person_index)
        self.n_people = len(person_index)
        unavailable = [
            {slot_index[s] for s in p.unavailable if s in slot_index} for p in problem.participants
        ]

        self.meeting_index: dict[str, int] = {}
        self.parts: list[list[int]] = []
        self.weight: list[int] = []
        self.online: list[bool] = []
        self.common: list[list[int]] = []
        self.invalid: dict[int, str] = {}
        for m in problem.meetings:
            if m.id in self.meeting_index:
                raise ProblemError(f"duplicate meeting id {m.id}")
            index = len(self.parts)
            self.meeting_index[m.id] = index
            unknown = [x for x in m.participants if x not in person_index]
            people = [person_index[x] for x in m.participants if x in person_index]
            if unknown:
                self.invalid[index] = "unknown participant " + ", ".join(unknown)
            elif len(set(people)) < 2:
                self.invalid[index] = "fewer than two distinct participants"
            elif len(set(people)) != len(people):
                self.invalid[index] = "a participant is listed twice"
            elif m.priority < 1:
                self.invalid[index] = f"priority {m.priority} is not positive"
            self.parts.append(people if index not in self.invalid else [])
            self.weight.append(max(int(m.priority), 0))
            self.online.append(bool(m.online))
            if index in self.invalid:
                self.common.append([])
            else:
                self.common.append(
                    [s for s in range(self.n_slots) if not any(s in unavailable[p] for p in people)]
                )
        self.allowed = [set(slots) for slots in self.common]
        self.n_meetings = len(self.parts)
        self.unavailable = unavailable
        self.meetings_of: list[list[int]] = [[] for _ in range(self.n_people)]
        for m, people in enumerate(self.parts):
            for p in people:
                self.meetings_of[p].append(m)

        # The schedule being built.
        self.slot_of = [-1] * self.n_meetings
        self.busy = [[-1] * self.n_slots for _ in range(self.n_people)]
        # Each participant's meetings in each session, one bit per position.
        self.mask = [[0] * len(self.session_slots) for _ in range(self.n_people)]
        self.used = [0] * self.n_slots  # in-person meetings per slot
        # The meetings of each slot, in a list (random draws) with each one's index in it.
        self.in_slot: list[list[int]] = [[] for _ in range(self.n_slots)]
        self.index_in_slot = [-1] * self.n_meetings
        self.fixed: dict[int, int | None] = {}  # meeting -> table
        self._place_fixed(problem.fixed)

    def _place_fixed(self, fixed: tuple[Assignment, ...]) -> None:
        tables_taken: dict[int, set[int]] = {}
        for a in fixed:
            m = self.meeting_index.get(a.meeting)
            s = self.slot_index.get(a.slot)
            if m is None:
                raise ProblemError(f"fixed assignment of unknown meeting {a.meeting}")
            if s is None:
                raise ProblemError(f"fixed meeting {a.meeting} is in unknown slot {a.slot}")
            if m in self.invalid:
                raise ProblemError(f"fixed meeting {a.meeting} is invalid: {self.invalid[m]}")
            if m in self.fixed:
                raise ProblemError(f"meeting {a.meeting} is fixed twice")
            if self.online[m]:
                if a.table is not None:
                    raise ProblemError(f"fixed online meeting {a.meeting} has a table")
            else:
                table = a.table
                if isinstance(table, bool) or not isinstance(table, int):
                    raise ProblemError(f"fixed meeting {a.meeting} has no table")
                if not 1 <= table <= self.tables:
                    raise ProblemError(f"fixed meeting {a.meeting}: table {table} does not exist")
                if table in tables_taken.setdefault(s, set()):
                    raise ProblemError(f"table {table} is fixed twice in slot {a.slot}")
                tables_taken[s].add(table)
            for p in self.parts[m]:
                if self.busy[p][s] != -1:
                    other = self.problem.meetings[self.busy[p][s]].id
                    raise ProblemError(
                        f"fixed meetings {other} and {a.meeting} share a participant in {a.slot}"
                    )
            self.place(m, s)
            self.fixed[m] = a.table

    # -- moves -----------------------------------------------------------------------------

    def place(self, m: int, s: int) -> None:
        self.slot_of[m] = s
        k = self.session_of[s]
        bit = 1 << self.pos_of[s]
        for p in self.parts[m]:
            self.busy[p][s] = m
            self.mask[p][k] |= bit
        if not self.online[m]:
            self.used[s] += 1
        self.index_in_slot[m] = len(self.in_slot[s])
        self.in_slot[s].append(m)

    def remove(self, m: int) -> None:
        s = self.slot_of[m]
        self.slot_of[m] = -1
        k = self.session_of[s]
        bit = ~(1 << self.pos_of[s])
        for p in self.parts[m]:
            self.busy[p][s] = -1
            self.mask[p][k] &= bit
        if not self.online[m]:
            self.used[s] -= 1
        members = self.in_slot[s]
        index = self.index_in_slot[m]
        last = members.pop()
        if last != m:
            members[index] = last
            self.index_in_slot[last] = index
        self.index_in_slot[m] = -1

    def fits(self, m: int, s: int) -> bool:
        if not self.online[m] and self.used[s] >= self.tables:
            return False
        return all(self.busy[p][s] == -1 for p in self.parts[m])

    # -- gaps ------------------------------------------------------------------------------

    def person_gaps(self, p: int, k: int) -> int:
        return _mask_gaps(self.mask[p][k])

    def gaps(self) -> int:
        return sum(_mask_gaps(mask) for row in self.mask for mask in row)

    def insertion_cost(self, m: int, s: int) -> int:
        """Gaps added to the participants' session by placing `m` in `s` (which must be free)."""
        k = self.session_of[s]
        bit = 1 << self.pos_of[s]
        return sum(
            _mask_gaps(self.mask[p][k] | bit) - _mask_gaps(self.mask[p][k]) for p in self.parts[m]
        )

    def weighted(self) -> int:
        return sum(self.weight[m] for m in range(self.n_meetings) if self.slot_of[m] >= 0)


# --------------------------------------------------------------------------------------------
# 1. Upper bound


def _relaxation(model: _Model) -> tuple[list[int], list[tuple[list[int], int]]]:
    """The meetings that can still be placed, and capacity rows (meetings, at most this many).

    The relaxation forgets which slot a meeting takes: a participant has at most as many meetings
    as free slots among those its meetings could use, and the in-person meetings are at most as
    many as the free table-slots they could use.
    """
    # Only the fixed meetings count as taken: the others are what the relaxation places.
    fixed_busy = {(p, model.slot_of[m]) for m in model.fixed for p in model.parts[m]}
    fixed_used = [0] * model.n_slots
    for m in model.fixed:
        if not model.online[m]:
            fixed_used[model.slot_of[m]] += 1
    candidates = [
        m
        for m in range(model.n_meetings)
        if m not in model.fixed
        and m not in model.invalid
        and any(all((p, s) not in fixed_busy for p in model.parts[m]) for s in model.common[m])
    ]
    rows: list[tuple[list[int], int]] = []
    usable_by: dict[int, set[int]] = {}
    by_person: dict[int, list[int]] = {}
    for m in candidates:
        for p in model.parts[m]:
            usable_by.setdefault(p, set()).update(
                s for s in model.common[m] if (p, s) not in fixed_busy
            )
            by_person.setdefault(p, []).append(m)
    for p, ms in by_person.items():
        if len(ms) > len(usable_by[p]):
            rows.append((ms, len(usable_by[p])))
    in_person = [m for m in candidates if not model.online[m]]
    table_slots: set[int] = set()
    for m in in_person:
        table_slots.update(model.common[m])
    capacity = sum(max(model.tables - fixed_used[s], 0) for s in table_slots)
    if len(in_person) > capacity:
        rows.append((in_person, capacity))
    return candidates, rows


def _upper_bound(model: _Model) -> int:
    """A proven upper bound on the weighted count: the LP relaxation's optimum, rounded down."""
    candidates, rows = _relaxation(model)
    fixed_weight = sum(model.weight[m] for m in model.fixed)
    trivial = fixed_weight + sum(model.weight[m] for m in candidates)
    if not rows:
        return trivial
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = {m: lp.NumVar(0.0, 1.0, "") for m in candidates}
    for ms, capacity in rows:
        row = lp.Constraint(-lp.infinity(), float(capacity))
        for m in ms:
            row.SetCoefficient(x[m], 1.0)
    objective = lp.Objective()
    for m in candidates:
        objective.SetCoefficient(x[m], float(model.weight[m]))
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return trivial
    return min(trivial, fixed_weight + math.floor(objective.Value() + 1e-6))


def _tighter_bound(model: _Model, bound: int, time_limit: float, workers: int) -> int:
    """The integer relaxation's bound from CP-SAT (hinted with the schedule found), if tighter."""
    candidates, rows = _relaxation(model)
    fixed_weight = sum(model.weight[m] for m in model.fixed)
    cp = cp_model.CpModel()
    x = {m: cp.new_bool_var("") for m in candidates}
    for ms, capacity in rows:
        cp.add(cp_model.LinearExpr.sum([x[m] for m in ms]) <= capacity)
    cp.maximize(
        cp_model.LinearExpr.weighted_sum(
            [x[m] for m in candidates], [model.weight[m] for m in candidates]
        )
    )
    for m in candidates:
        cp.add_hint(x[m], model.slot_of[m] >= 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.2)
    solver.parameters.num_workers = workers
    solver.parameters.cp_model_presolve = False
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return bound
    return min(bound, fixed_weight + math.floor(solver.best_objective_bound + 1e-6))


# --------------------------------------------------------------------------------------------
# 2. Placement


def _best_slot(model: _Model, m: int) -> int:
    best, best_key = -1, None
    for s in model.common[m]:
        if not model.fits(m, s):
            continue
        key = (model.insertion_cost(m, s), s)
        if best_key is None or key < best_key:
            best, best_key = s, key
    return best


def _greedy(model: _Model, order: list[int]) -> None:
    for m in order:
        if model.slot_of[m] < 0:
            s = _best_slot(model, m)
            if s >= 0:
                model.place(m, s)


def _try_insert(model: _Model, m: int) -> list[int] | None:
    """Place `m` by moving or dropping lighter meetings in its way; the dropped ones, or None."""
    w = model.weight[m]
    best: tuple[int, int, int] | None = None  # (dropped weight, number of blockers, slot)
    for s in model.common[m]:
        blockers = {model.busy[p][s] for p in model.parts[m]} - {-1}
        if any(b in model.fixed for b in blockers):
            continue
        table_short = (
            not model.online[m]
            and model.used[s] - sum(1 for b in blockers if not model.online[b]) >= model.tables
        )
        if table_short and model.tables == 0:
            continue
        key = (sum(model.weight[b] for b in blockers) if blockers else 0, len(blockers), s)
        if best is None or key < best:
            best = key
        if not blockers and not table_short:
            break
    if best is None:
        return None
    # Try the slots in order of the weight in the way, committing the first that gains.
    slots = sorted(
        model.common[m],
        key=lambda s: (
            sum(model.weight[b] for b in {model.busy[p][s] for p in model.parts[m]} - {-1}),
            s,
        ),
    )
    for s in slots[:12]:
        result = _insert_at(model, m, s, w)
        if result is not None:
            return result
    return None


def _insert_at(model: _Model, m: int, s: int, w: int) -> list[int] | None:
    blockers = sorted({model.busy[p][s] for p in model.parts[m]} - {-1})
    if any(b in model.fixed for b in blockers):
        return None
    for b in blockers:
        model.remove(b)
    table_victim = -1
    if not model.online[m] and model.used[s] >= model.tables:
        # Move an in-person meeting out of the slot, or drop the lightest one.
        movable = None
        lightest = None
        for c in list(model.in_slot[s]):
            if model.online[c] or c in model.fixed:
                continue
            if lightest is None or model.weight[c] < model.weight[lightest]:
                lightest = c
            if movable is None:
                model.remove(c)
                model.used[s] += 1  # keep `s` full while looking elsewhere
                t = _best_slot(model, c)
                model.used[s] -= 1
                model.place(c, s)
                if t >= 0:
                    movable = (c, t)
                    break
        if movable is not None:
            c, t = movable
            model.remove(c)
            model.place(c, t)
        elif lightest is not None and model.weight[lightest] < w:
            table_victim = lightest
            model.remove(lightest)
        else:
            for b in blockers:
                model.place(b, s)
            return None
    model.place(m, s)
    dropped = [] if table_victim < 0 else [table_victim]
    for b in blockers:
        t = _best_slot(model, b)
        if t >= 0:
            model.place(b, t)
        else:
            dropped.append(b)
    if sum(model.weight[d] for d in dropped) >= w:  # no gain: undo
        for b in blockers:
            if model.slot_of[b] >= 0:
                model.remove(b)
        model.remove(m)
        if table_victim >= 0:
            model.place(table_victim, s)
        for b in blockers:
            model.place(b, s)
        return None
    return dropped


def _exact_placement(model: _Model, bound: int, time_limit: float, workers: int) -> int:
    """CP-SAT over every (meeting, slot) pair, maximising the weight, hinted with the schedule.

    Applies its schedule when it is at least as heavy and returns its proven bound (or `bound`).
    """
    free = [m for m in range(model.n_meetings) if m not in model.fixed and m not in model.invalid]
    cp = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    person_slot: dict[tuple[int, int], list] = {}
    table_use: dict[int, list] = {}
    for m in free:
        choices = []
        for s in model.common[m]:
            if any(
                model.busy[p][s] != -1 and model.busy[p][s] in model.fixed for p in model.parts[m]
            ):
                continue
            var = cp.new_bool_var("")
            x[m, s] = var
            choices.append(var)
            for p in model.parts[m]:
                person_slot.setdefault((p, s), []).append(var)
            if not model.online[m]:
                table_use.setdefault(s, []).append(var)
            cp.add_hint(var, model.slot_of[m] == s)
        if len(choices) > 1:
            cp.add_at_most_one(choices)
    for vars_ in person_slot.values():
        if len(vars_) > 1:
            cp.add_at_most_one(vars_)
    for s, vars_ in table_use.items():
        fixed_here = sum(1 for m in model.in_slot[s] if m in model.fixed and not model.online[m])
        cp.add(cp_model.LinearExpr.sum(vars_) <= model.tables - fixed_here)
    pairs = list(x.items())
    cp.maximize(
        cp_model.LinearExpr.weighted_sum(
            [var for _, var in pairs], [model.weight[m] for (m, _), _ in pairs]
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.2)
    solver.parameters.num_workers = workers
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return bound
    fixed_weight = sum(model.weight[m] for m in model.fixed)
    if fixed_weight + round(solver.objective_value) >= model.weighted():
        for m in free:
            if model.slot_of[m] >= 0:
                model.remove(m)
        for (m, s), var in pairs:
            if solver.boolean_value(var):
                model.place(m, s)
    return min(bound, fixed_weight + math.floor(solver.best_objective_bound + 1e-6))


def _repair(model: _Model, deadline: float, bound: int) -> None:
    """Insert the meetings left over, by ejection, while the weight grows and time remains."""
    improved = True
    while improved and time.monotonic() < deadline and model.weighted() < bound:
        improved = False
        waiting = [
            m
            for m in range(model.n_meetings)
            if model.slot_of[m] < 0 and m not in model.invalid and model.common[m]
        ]
        waiting.sort(key=lambda m: (-model.weight[m], len(model.common[m]), m))
        for m in waiting:
            if time.monotonic() >= deadline:
                return
            if model.slot_of[m] >= 0:
                continue
            if _try_insert(model, m) is not None:
                improved = True


# --------------------------------------------------------------------------------------------
# 3. Gaps


def _session_gaps_cp(model: _Model, k: int, time_limit: float, workers: int) -> None:
    """Re-slot the meetings of session `k` (not its sessions' choice) to minimise gaps."""
    slots = model.session_slots[k]
    movable = [m for s in slots for m in model.in_slot[s] if m not in model.fixed]
    if not movable:
        return
    cp = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    person_slot: dict[tuple[int, int], list] = {}
    table_use: dict[int, list] = {s: [] for s in slots}
    fixed_busy = {
        (p, s): True
        for s in slots
        for m in model.in_slot[s]
        if m in model.fixed
        for p in model.parts[m]
    }
    allowed = set(slots)
    for m in movable:
        domain = [
            s
            for s in model.common[m]
            if s in allowed and not any((p, s) in fixed_busy for p in model.parts[m])
        ]
        choices = []
        for s in domain:
            var = cp.new_bool_var("")
            x[m, s] = var
            choices.append(var)
            for p in model.parts[m]:
                person_slot.setdefault((p, s), []).append(var)
            if not model.online[m]:
                table_use[s].append(var)
        cp.add_exactly_one(choices)
    for vars_ in person_slot.values():
        if len(vars_) > 1:
            cp.add_at_most_one(vars_)
    for s in slots:
        fixed_in_person = sum(
            1 for m in model.in_slot[s] if m in model.fixed and not model.online[m]
        )
        if table_use[s]:
            cp.add(sum(table_use[s]) <= model.tables - fixed_in_person)
    people: dict[int, int] = {}
    for s in slots:
        for m in model.in_slot[s]:
            for p in model.parts[m]:
                people[p] = people.get(p, 0) + 1
    spans = []
    size = len(slots)
    for p, count in people.items():
        if count < 2:
            continue
        first = cp.new_int_var(0, size - 1, "")
        last = cp.new_int_var(0, size - 1, "")
        for s in slots:
            position = model.pos_of[s]
            if (p, s) in fixed_busy:
                cp.add(first <= position)
                cp.add(last >= position)
            for m in model.meetings_of[p]:
                var = x.get((m, s))
                if var is not None:
                    cp.add(first <= position).only_enforce_if(var)
                    cp.add(last >= position).only_enforce_if(var)
        cp.add(last - first >= count - 1)  # `count` meetings take distinct positions
        spans.append(last - first)
        cp.add_hint(first, min(model.pos_of[s] for s in slots if model.busy[p][s] != -1))
        cp.add_hint(last, max(model.pos_of[s] for s in slots if model.busy[p][s] != -1))
    if not spans:
        return
    for (m, s), var in x.items():
        cp.add_hint(var, model.slot_of[m] == s)
    cp.minimize(sum(spans))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.2)
    solver.parameters.num_workers = workers
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    before = sum(model.person_gaps(p, k) for p in people)
    chosen = {m: s for (m, s), var in x.items() if solver.boolean_value(var)}
    old = {m: model.slot_of[m] for m in movable}
    for m in movable:
        model.remove(m)
    for m in movable:
        model.place(m, chosen[m])
    if sum(model.person_gaps(p, k) for p in people) > before:  # never worse than the hint
        for m in movable:
            model.remove(m)
        for m in movable:
            model.place(m, old[m])


def _neighbourhood(model: _Model, seed_person: int, size: int, rng: random.Random) -> list[int]:
    """Up to `size` movable meetings around a participant: theirs, then their partners', ..."""
    chosen: list[int] = []
    seen_meetings: set[int] = set()
    seen_people = {seed_person}
    queue = [seed_person]
    while queue and len(chosen) < size:
        p = queue.pop(0)
        meetings = [
            m
            for m in model.meetings_of[p]
            if model.slot_of[m] >= 0 and m not in model.fixed and m not in seen_meetings
        ]
        rng.shuffle(meetings)
        for m in meetings:
            if len(chosen) >= size:
                break
            seen_meetings.add(m)
            chosen.append(m)
            for q in model.parts[m]:
                if q not in seen_people:
                    seen_people.add(q)
                    queue.append(q)
    return chosen


def _reoptimise(
    model: _Model, freed: list[int], time_limit: float, workers: int
) -> tuple[int, bool]:
    """Re-place the `freed` meetings (anywhere they fit) to minimise their participants' gaps.

    The other meetings stay. For every participant of a freed meeting and every session, the span
    from its first to its last meeting is an interval of positions (`started` and `ended` switch on
    once, in order); its gaps are the span's length less its meetings. The current places are the
    hint, so the result is never worse. Returns the gaps removed, and whether the result is proven
    optimal for these meetings.
    """
    freed_set = set(freed)
    people = sorted({p for m in freed for p in model.parts[m]})
    n_sessions = len(model.session_slots)
    before = sum(model.person_gaps(p, k) for p in people for k in range(n_sessions))
    if before == 0:
        return 0, True
    cp = cp_model.CpModel()
    busy_vars: dict[tuple[int, int], list] = {}
    table_vars: dict[int, list] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for m in freed:
        choices = []
        for s in model.common[m]:
            if any(
                model.busy[p][s] != -1 and model.busy[p][s] not in freed_set for p in model.parts[m]
            ):
                continue
            var = cp.new_bool_var("")
            x[m, s] = var
            choices.append(var)
            for p in model.parts[m]:
                busy_vars.setdefault((p, s), []).append(var)
            if not model.online[m]:
                table_vars.setdefault(s, []).append(var)
            cp.add_hint(var, model.slot_of[m] == s)
        cp.add_exactly_one(choices)
    for vars_ in busy_vars.values():
        if len(vars_) > 1:
            cp.add_at_most_one(vars_)
    for s, vars_ in table_vars.items():
        kept = sum(1 for m in model.in_slot[s] if not model.online[m] and m not in freed_set)
        cp.add(cp_model.LinearExpr.sum(vars_) <= model.tables - kept)
    terms = []
    for p in people:
        row = model.busy[p]
        for k in range(n_sessions):
            slots = model.session_slots[k]
            fixed_positions = [
                model.pos_of[s] for s in slots if row[s] != -1 and row[s] not in freed_set
            ]
            variable = [(model.pos_of[s], busy_vars[p, s]) for s in slots if (p, s) in busy_vars]
            if not variable:
                continue  # this session's gaps for p cannot change
            # The span as an interval of positions: started[t] and ended[t] only switch on.
            size = len(slots)
            started = [cp.new_bool_var("") for _ in range(size)]
            ended = [cp.new_bool_var("") for _ in range(size)]
            for t in range(size - 1):
                cp.add_implication(started[t], started[t + 1])
                cp.add_implication(ended[t], ended[t + 1])
            for t in range(size):
                cp.add_implication(ended[t], started[t])
            busy_here = []
            for position in fixed_positions:
                cp.add(started[position] == 1)
                cp.add(ended[position] == 0)
            for position, vars_ in variable:
                busy_here.extend(vars_)
                cp.add(started[position] - ended[position] >= cp_model.LinearExpr.sum(vars_))
            count = cp_model.LinearExpr.sum(busy_here) + len(fixed_positions)
            span = cp_model.LinearExpr.sum(started) - cp_model.LinearExpr.sum(ended)
            cp.add(span >= count)
            terms.append(span - count)
            positions = fixed_positions + [
                model.pos_of[model.slot_of[m]]
                for m in freed
                if p in model.parts[m] and model.session_of[model.slot_of[m]] == k
            ]
            first = min(positions) if positions else size
            last = max(positions) if positions else size - 1
            for t in range(size):
                cp.add_hint(started[t], t >= first)
                cp.add_hint(ended[t], t > last)
    if not terms:
        return 0, True
    cp.minimize(cp_model.LinearExpr.sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
    solver.parameters.num_workers = workers
    status = solver.solve(cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, False
    proven = status == cp_model.OPTIMAL
    chosen = {m: s for (m, s), var in x.items() if solver.boolean_value(var)}
    old = {m: model.slot_of[m] for m in freed}
    for m in freed:
        model.remove(m)
    for m in freed:
        model.place(m, chosen[m])
    after = sum(model.person_gaps(p, k) for p in people for k in range(n_sessions))
    if after > before:  # cannot happen with a feasible hint; kept as a guard
        for m in freed:
            model.remove(m)
        for m in freed:
            model.place(m, old[m])
        return 0, False
    return before - after, proven


def _lns(
    model: _Model,
    deadline: float,
    workers: int,
    rng: random.Random,
    report: Callable[[str], None],
) -> bool:
    """Large neighbourhood search: re-optimise the gaps around participants who have some.

    Runs until no gap is left, the deadline, or three rounds in a row remove nothing with the
    largest neighbourhoods. Returns True when the gaps are proven minimal for the meetings placed
    (none left, or one neighbourhood held every movable meeting and CP-SAT proved it).
    """
    n_sessions = len(model.session_slots)
    movable = sum(1 for m in range(model.n_meetings) if model.slot_of[m] >= 0) - len(model.fixed)
    size = LNS_SIZES[0]
    rounds = stale = 0
    while time.monotonic() < deadline - 0.2:
        with_gaps = [
            p
            for p in range(model.n_people)
            if any(model.person_gaps(p, k) for k in range(n_sessions))
        ]
        if not with_gaps:
            return True
        rng.shuffle(with_gaps)
        removed = 0
        for p in with_gaps[: max(len(with_gaps) // 4, 1)]:
            left = deadline - time.monotonic()
            if left < 0.2:
                break
            if not any(model.person_gaps(p, k) for k in range(n_sessions)):
                continue
            freed = _neighbourhood(model, p, size, rng)
            gained, proven = _reoptimise(model, freed, min(2.0, left), workers)
            removed += gained
            if proven and len(freed) == movable:
                return True
        _local_search(model, deadline, rng)
        rounds += 1
        report(f"neighbourhood search, round {rounds}: {model.gaps()} gaps")
        if removed:
            stale = 0
        elif size < LNS_SIZES[-1]:
            size = min(size * 2, LNS_SIZES[-1])
        else:
            stale += 1
            if stale >= 3:
                return False
    return not model.gaps()


def _local_search(
    model: _Model,
    deadline: float,
    rng: random.Random,
    report: Callable[[str], None] | None = None,
) -> None:
    """Move single meetings, or swap two, anywhere, when that removes gaps, until none helps."""
    n_sessions = len(model.session_slots)
    best = model.gaps()
    fruitless = 0
    sideways = False
    while time.monotonic() < deadline:
        # Participants with gaps, and the meetings they have.
        candidates = [
            m
            for p in range(model.n_people)
            if any(model.person_gaps(p, k) for k in range(n_sessions))
            for m in model.meetings_of[p]
            if model.slot_of[m] >= 0 and m not in model.fixed
        ]
        if not candidates:
            return
        rng.shuffle(candidates)
        for m in candidates:
            if time.monotonic() >= deadline:
                return
            if model.slot_of[m] >= 0:
                _improve_meeting(model, m, rng, sideways)
        if report is not None:
            report(f"moves and swaps: {model.gaps()} gaps")
        now = model.gaps()
        if now < best:
            best, fruitless, sideways = now, 0, False
        else:
            # A round of sideways moves (as many gaps after as before) to leave the plateau.
            fruitless += 1
            sideways = not sideways
            if fruitless >= LOCAL_SEARCH_PATIENCE:
                return


def _move_delta(model: _Model, p: int, source: int, target: int) -> int:
    """Change in `p`'s gaps if its meeting in slot `source` went to slot `target` (free for p)."""
    row = model.mask[p]
    k_source, k_target = model.session_of[source], model.session_of[target]
    source_bit, target_bit = 1 << model.pos_of[source], 1 << model.pos_of[target]
    if k_source == k_target:
        old = row[k_source]
        return _mask_gaps((old & ~source_bit) | target_bit) - _mask_gaps(old)
    old_source, old_target = row[k_source], row[k_target]
    return (
        _mask_gaps(old_source & ~source_bit)
        - _mask_gaps(old_source)
        + _mask_gaps(old_target | target_bit)
        - _mask_gaps(old_target)
    )


def _swap_delta(model: _Model, m: int, o: int) -> int:
    """Change in gaps if meetings `m` and `o` exchanged their slots."""
    here, there = model.slot_of[m], model.slot_of[o]
    m_people, o_people = model.parts[m], model.parts[o]
    return sum(_move_delta(model, p, here, there) for p in m_people if p not in o_people) + sum(
        _move_delta(model, p, there, here) for p in o_people if p not in m_people
    )


def _swap_fits(model: _Model, m: int, o: int) -> bool:
    """Whether `m` and `o` can exchange slots (participants, availability, tables)."""
    here, there = model.slot_of[m], model.slot_of[o]
    if there not in model.allowed[m] or here not in model.allowed[o]:
        return False
    for p in model.parts[m]:
        if model.busy[p][there] not in (-1, o):
            return False
    for p in model.parts[o]:
        if model.busy[p][here] not in (-1, m):
            return False
    m_table = 0 if model.online[m] else 1
    o_table = 0 if model.online[o] else 1
    return (
        model.used[there] - o_table + m_table <= model.tables
        and model.used[here] - m_table + o_table <= model.tables
    )


def _swap(model: _Model, m: int, o: int) -> None:
    here, there = model.slot_of[m], model.slot_of[o]
    model.remove(m)
    model.remove(o)
    model.place(m, there)
    model.place(o, here)


def _improve_meeting(model: _Model, m: int, rng: random.Random, sideways: bool = False) -> None:
    """Move `m`, or swap it, to remove gaps (or, `sideways`, at least not to add any)."""
    origin = model.slot_of[m]
    best_delta = 0
    best_slots: list[int] = []
    for s in model.common[m]:
        if s == origin or not model.fits(m, s):
            continue
        delta = sum(_move_delta(model, p, origin, s) for p in model.parts[m])
        if delta < best_delta:
            best_slots, best_delta = [s], delta
        elif delta == best_delta and (delta < 0 or sideways):
            best_slots.append(s)
    if best_slots:
        model.remove(m)
        model.place(m, rng.choice(best_slots))
        return
    # Swap with the one meeting in the way at another slot.
    options = [s for s in model.common[m] if s != origin]
    rng.shuffle(options)
    for s in options[:8]:
        others = {model.busy[p][s] for p in model.parts[m]} - {-1}
        if len(others) != 1:
            continue
        (o,) = others
        if o in model.fixed or not _swap_fits(model, m, o):
            continue
        delta = _swap_delta(model, m, o)
        if delta < 0 or (sideways and delta == 0):
            _swap(model, m, o)
            return
    if not model.online[m]:
        _table_swap(model, m, options, rng, sideways)


def _table_swap(
    model: _Model, m: int, options: list[int], rng: random.Random, sideways: bool
) -> None:
    """Swap in-person `m` with a meeting of a full slot where `m`'s participants are free."""
    origin = model.slot_of[m]
    full = [
        s
        for s in options
        if model.used[s] >= model.tables and all(model.busy[p][s] == -1 for p in model.parts[m])
    ]
    for s in full[:4]:
        members = model.in_slot[s]
        tried = 0
        for _ in range(4 * TABLE_SWAP_TRIES):
            if tried >= TABLE_SWAP_TRIES or not members:
                break
            o = members[rng.randrange(len(members))]
            if (
                model.online[o]
                or o in model.fixed
                or origin not in model.allowed[o]
                or any(model.busy[p][origin] != -1 for p in model.parts[o])
            ):
                continue
            tried += 1
            delta = _swap_delta(model, m, o)
            if delta < 0 or (sideways and delta == 0):
                _swap(model, m, o)
                return


# --------------------------------------------------------------------------------------------
# 4. Result


def _unplaced_reason(model: _Model, m: int) -> Unplaced:
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


def _assignments(model: _Model) -> tuple[Assignment, ...]:
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
    model = _Model(problem)
    total = max(time_limit, 1.0)

    report(0.05, "bounding the number of meetings")
    bound = _upper_bound(model)

    report(0.15, "placing meetings by priority")
    order = sorted(
        (m for m in range(model.n_meetings) if m not in model.invalid and m not in model.fixed),
        key=lambda m: (-model.weight[m], len(model.common[m]), m),
    )
    _greedy(model, order)
    report(0.25, f"placed {model.weighted()} of at most {bound} (weighted)")
    _repair(model, time.monotonic() + 0.25 * remaining(), bound)
    if model.weighted() < bound:
        pairs = sum(len(model.common[m]) for m in range(model.n_meetings) if m not in model.fixed)
        if pairs <= EXACT_PAIRS_LIMIT:
            report(0.3, "placing meetings exactly")
            bound = _exact_placement(model, bound, min(0.3 * total, remaining()), workers)
    weighted = model.weighted()
    if weighted < bound:
        bound = max(weighted, _tighter_bound(model, bound, min(0.1 * total, 10.0), workers))
    report(0.4, f"placed {weighted} of at most {bound} (weighted); {model.gaps()} gaps")

    # Gaps: cheap moves until none helps, whole sessions when they are small, then
    # neighbourhoods re-optimised by CP-SAT, alternating with the cheap moves, until the deadline.
    rng = random.Random(seed)  # noqa: S311  # a search's moves, not secrets
    search_start = time.monotonic()

    def search_report(message: str) -> None:
        span = max(deadline - search_start, 1e-9)
        report(0.4 + 0.2 * (time.monotonic() - search_start) / span, message)

    _local_search(model, deadline, rng, search_report)
    report(0.6, f"{model.gaps()} gaps after moves and swaps")
    sizes = [sum(len(model.in_slot[s]) for s in slots) for slots in model.session_slots]
    for k, size in enumerate(sizes):
        if 0 < size <= SESSION_MODEL_LIMIT and remaining() > 0.5 and model.gaps():
            _session_gaps_cp(model, k, min(0.5 * remaining(), 10.0), workers)
            report(0.6 + 0.1 * (k + 1) / len(sizes), f"session {k + 1}: {model.gaps()} gaps")
    lns_start = time.monotonic()

    def lns_report(message: str) -> None:
        span = max(deadline - lns_start, 1e-9)
        report(0.7 + 0.3 * (time.monotonic() - lns_start) / span, message)

    gaps_proven = _lns(model, deadline, workers, rng, lns_report)
    _greedy(model, order)  # anything that became placeable without cost
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
