"""Phase 2: meetings into slots, the heaviest first, then by ejection, then exactly.

Greedy placement to the slot adding the fewest gaps; insertion of the meetings left over by moving
or dropping lighter ones in the way (the weight only grows); a CP-SAT model of every (meeting,
slot) pair for problems small enough, which closes or proves the gap to the bound.
"""

import math
import time

from ortools.sat.python import cp_model

from karvan.scheduling.model import Model


def _best_slot(model: Model, m: int) -> int:
    best, best_key = -1, None
    for s in model.common[m]:
        if not model.fits(m, s):
            continue
        key = (model.insertion_cost(m, s), s)
        if best_key is None or key < best_key:
            best, best_key = s, key
    return best


def greedy(model: Model, order: list[int]) -> None:
    for m in order:
        if model.slot_of[m] < 0:
            s = _best_slot(model, m)
            if s >= 0:
                model.place(m, s)


def _try_insert(model: Model, m: int) -> list[int] | None:
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


def _insert_at(model: Model, m: int, s: int, w: int) -> list[int] | None:
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


def exact_placement(model: Model, bound: int, time_limit: float, workers: int) -> int:
    """CP-SAT over every (meeting, slot) pair, maximising the weight, hinted with the schedule.

    Applies its schedule when it is at least as heavy and returns its proven bound (or `bound`).
    """
    free = [m for m in range(model.n_meetings) if m not in model.fixed and m not in model.invalid]
    cp = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    table_use: dict[int, list[cp_model.IntVar]] = {}
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


def repair(model: Model, deadline: float, bound: int) -> None:
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
