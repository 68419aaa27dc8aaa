"""The problem with integer indices, and the schedule being built on it.

Each participant's meetings in each session are a bit mask (one bit per slot position), so the gaps
a move adds or removes are a few integer operations.
"""

from karvan.scheduling.problem import Assignment, Problem, ProblemError


def mask_gaps(mask: int) -> int:
    """Idle positions between the first and the last set bit."""
    if mask & (mask - 1) == 0:  # none or one meeting
        return 0
    low = (mask & -mask).bit_length()
    return mask.bit_length() - low + 1 - mask.bit_count()


class Model:
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
        for meeting, people in enumerate(self.parts):
            for person in people:
                self.meetings_of[person].append(meeting)

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
        return mask_gaps(self.mask[p][k])

    def gaps(self) -> int:
        return sum(mask_gaps(mask) for row in self.mask for mask in row)

    def insertion_cost(self, m: int, s: int) -> int:
        """Gaps added to the participants' session by placing `m` in `s` (which must be free)."""
        k = self.session_of[s]
        bit = 1 << self.pos_of[s]
        return sum(
            mask_gaps(self.mask[p][k] | bit) - mask_gaps(self.mask[p][k]) for p in self.parts[m]
        )

    def weighted(self) -> int:
        return sum(self.weight[m] for m in range(self.n_meetings) if self.slot_of[m] >= 0)
