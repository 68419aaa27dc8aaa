"""Phase 3: fewer idle gaps, the weight kept.

Moves and swaps priced on bit masks (`local_search`), one CP-SAT model per small session
(`session_gaps_cp`), then large neighbourhood search (`lns`): the meetings around a participant who
still waits are freed and re-placed by CP-SAT, hinted with the current schedule so that it never
gets worse.
"""

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from karvan.scheduling.model import Model, mask_gaps

# Sessions with at most this many meetings get one CP-SAT model each for their gaps.
SESSION_MODEL_LIMIT = 800
# Rounds of moves in a row (strict and sideways alternately) that may remove no gap before the
# move search stops.
LOCAL_SEARCH_PATIENCE = 4
# Meetings of a full slot tried for a swap with a meeting that would gain by moving there.
TABLE_SWAP_TRIES = 12
# Meetings per neighbourhood in the gap search: the first size, and the largest it grows to.
LNS_SIZES = (120, 480)


def session_gaps_cp(model: Model, k: int, time_limit: float, workers: int) -> None:
    """Re-slot the meetings of session `k` (not its sessions' choice) to minimise gaps."""
    slots = model.session_slots[k]
    movable = [m for s in slots for m in model.in_slot[s] if m not in model.fixed]
    if not movable:
        return
    cp = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    table_use: dict[int, list[cp_model.IntVar]] = {s: [] for s in slots}
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
                placed = x.get((m, s))
                if placed is not None:
                    cp.add(first <= position).only_enforce_if(placed)
                    cp.add(last >= position).only_enforce_if(placed)
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


def _neighbourhood(model: Model, seed_person: int, size: int, rng: random.Random) -> list[int]:
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
    model: Model, freed: list[int], time_limit: float, workers: int
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
    busy_vars: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    table_vars: dict[int, list[cp_model.IntVar]] = {}
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


def lns(
    model: Model,
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
        local_search(model, deadline, rng)
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


def local_search(
    model: Model,
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


def move_delta(model: Model, p: int, source: int, target: int) -> int:
    """Change in `p`'s gaps if its meeting in slot `source` went to slot `target` (free for p)."""
    row = model.mask[p]
    k_source, k_target = model.session_of[source], model.session_of[target]
    source_bit, target_bit = 1 << model.pos_of[source], 1 << model.pos_of[target]
    if k_source == k_target:
        old = row[k_source]
        return mask_gaps((old & ~source_bit) | target_bit) - mask_gaps(old)
    old_source, old_target = row[k_source], row[k_target]
    return (
        mask_gaps(old_source & ~source_bit)
        - mask_gaps(old_source)
        + mask_gaps(old_target | target_bit)
        - mask_gaps(old_target)
    )


def swap_delta(model: Model, m: int, o: int) -> int:
    """Change in gaps if meetings `m` and `o` exchanged their slots."""
    here, there = model.slot_of[m], model.slot_of[o]
    m_people, o_people = model.parts[m], model.parts[o]
    return sum(move_delta(model, p, here, there) for p in m_people if p not in o_people) + sum(
        move_delta(model, p, there, here) for p in o_people if p not in m_people
    )


def swap_fits(model: Model, m: int, o: int) -> bool:
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


def swap(model: Model, m: int, o: int) -> None:
    here, there = model.slot_of[m], model.slot_of[o]
    model.remove(m)
    model.remove(o)
    model.place(m, there)
    model.place(o, here)


def _improve_meeting(model: Model, m: int, rng: random.Random, sideways: bool = False) -> None:
    """Move `m`, or swap it, to remove gaps (or, `sideways`, at least not to add any)."""
    origin = model.slot_of[m]
    best_delta = 0
    best_slots: list[int] = []
    for s in model.common[m]:
        if s == origin or not model.fits(m, s):
            continue
        delta = sum(move_delta(model, p, origin, s) for p in model.parts[m])
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
        if o in model.fixed or not swap_fits(model, m, o):
            continue
        delta = swap_delta(model, m, o)
        if delta < 0 or (sideways and delta == 0):
            swap(model, m, o)
            return
    if not model.online[m]:
        _table_swap(model, m, options, rng, sideways)


def _table_swap(
    model: Model, m: int, options: list[int], rng: random.Random, sideways: bool
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
            delta = swap_delta(model, m, o)
            if delta < 0 or (sideways and delta == 0):
                swap(model, m, o)
                return
