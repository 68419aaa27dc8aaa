"""Phase 1: a proven upper bound on the weighted number of meetings placed.

The relaxation forgets which slot a meeting takes (see `_relaxation`); its LP optimum (GLOP),
rounded down, bounds every schedule, and CP-SAT's bound on the integer relaxation can tighten it.
"""

import math

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from karvan.scheduling.model import Model


def _relaxation(model: Model) -> tuple[list[int], list[tuple[list[int], int]]]:
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


def upper_bound(model: Model) -> int:
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
    return min(trivial, fixed_weight + math.floor(float(objective.Value()) + 1e-6))


def tighter_bound(model: Model, bound: int, time_limit: float, workers: int) -> int:
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
