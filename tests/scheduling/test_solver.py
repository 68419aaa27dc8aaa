"""The meeting scheduler on plain data: hard constraints, fixed meetings, reasons, gaps, optimum.

Every solution is validated by the shared benchmark's own checker (`check.py`, run as a
subprocess) or, in the property test, by the same checker loaded as a module.
"""

import dataclasses
import importlib.util
import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from karvan.scheduling import (
    UNPLACED_REASONS,
    Assignment,
    Meeting,
    Participant,
    Problem,
    ProblemError,
    Slot,
    problem_from_json,
    problem_to_json,
    solution_to_json,
    solve,
)

# The shared benchmark beside the checkout (../shared/bench/scheduling), wherever the checkout is.
BENCH = next(
    (
        folder / "shared" / "bench" / "scheduling"
        for folder in Path(__file__).resolve().parents
        if (folder / "shared" / "bench" / "scheduling" / "check.py").exists()
    ),
    Path("shared/bench/scheduling"),
)
CHECKER = BENCH / "check.py"
needs_bench = pytest.mark.skipif(not CHECKER.exists(), reason="shared/bench/scheduling is absent")


def _checker():
    spec = importlib.util.spec_from_file_location("sched_check", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _slots(sessions: dict[str, int], day: datetime | None = None) -> tuple[Slot, ...]:
    """`count` consecutive 25-minute slots (5-minute gaps) per session, sessions a day apart."""
    day = day or datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    slots = []
    for number, (session, count) in enumerate(sessions.items()):
        start = day + timedelta(days=number)
        for position in range(count):
            begin = start + timedelta(minutes=30 * position)
            slots.append(
                Slot(f"{session}-{position}", begin, begin + timedelta(minutes=25), session)
            )
    return tuple(slots)


def _people(*ids: str, unavailable: dict[str, set[str]] | None = None) -> tuple[Participant, ...]:
    unavailable = unavailable or {}
    return tuple(Participant(p, frozenset(unavailable.get(p, ()))) for p in ids)


def _check(problem: Problem, solution, tmp_path: Path) -> dict:
    """Run the shared checker on the problem and solution files, as the benchmark does."""
    instance = tmp_path / "instance.json"
    answer = tmp_path / "solution.json"
    instance.write_text(json.dumps(problem_to_json(problem)), encoding="utf-8")
    answer.write_text(json.dumps(solution_to_json(solution)), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(CHECKER), str(instance), str(answer)],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(result.stdout)


def _places(solution) -> dict[str, tuple[str, int | None]]:
    return {a.meeting: (a.slot, a.table) for a in solution.assignments}


def _reasons(solution) -> dict[str, str]:
    return {u.meeting: u.reason for u in solution.unscheduled}


@needs_bench
def test_the_small_shared_instance_is_valid_and_reaches_its_bound(tmp_path):
    problem = problem_from_json(json.loads((BENCH / "small.json").read_text(encoding="utf-8")))
    progress = []
    solution = solve(problem, time_limit=10, progress=lambda f, m: progress.append((f, m)))
    result = _check(problem, solution, tmp_path)
    assert result["valid"], result["errors"]
    assert result["weighted"] == solution.weighted == solution.upper_bound
    assert result["breaks"] == solution.breaks
    assert len(solution.assignments) + len(solution.unscheduled) == len(problem.meetings)
    assert {u.reason for u in solution.unscheduled} <= set(UNPLACED_REASONS)
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


@needs_bench
def test_hard_constraints_tables_and_participants(tmp_path):
    # Four disjoint pairs, two tables, two slots: exactly what fits, nobody twice in a slot.
    people = _people(*(f"p{i}" for i in range(8)))
    meetings = tuple(Meeting(f"m{i}", (f"p{2 * i}", f"p{2 * i + 1}")) for i in range(4))
    meetings += (Meeting("m4", ("p0", "p2")), Meeting("m5", ("p1", "p3")))
    problem = Problem(_slots({"am": 2}), 2, people, meetings)
    solution = solve(problem, time_limit=5)
    result = _check(problem, solution, tmp_path)
    assert result["valid"], result["errors"]
    assert solution.weighted == 4 == solution.upper_bound
    tables_per_slot: dict[str, set[int | None]] = {}
    for slot, table in _places(solution).values():
        assert table in {1, 2}
        assert table not in tables_per_slot.setdefault(slot, set())
        tables_per_slot[slot].add(table)
    assert set(_reasons(solution).values()) <= {"tables_full", "participants_busy"}


@needs_bench
def test_online_meetings_take_no_table_but_their_participants_time(tmp_path):
    # No tables at all: online meetings are still placed, in-person ones cannot be.
    people = _people("a", "b", "c")
    meetings = (
        Meeting("online-ab", ("a", "b"), online=True),
        Meeting("online-ac", ("a", "c"), online=True),
        Meeting("in-person-bc", ("b", "c")),
    )
    problem = Problem(_slots({"am": 3}), 0, people, meetings)
    solution = solve(problem, time_limit=5)
    assert _check(problem, solution, tmp_path)["valid"]
    places = _places(solution)
    assert places["online-ab"][1] is None and places["online-ac"][1] is None
    assert places["online-ab"][0] != places["online-ac"][0]  # `a` is in both
    assert _reasons(solution) == {"in-person-bc": "tables_full"}
    assert solution.weighted == solution.upper_bound == 2


@needs_bench
def test_a_three_party_meeting_takes_all_three(tmp_path):
    people = _people("firm", "interpreter", "buyer", "other")
    meetings = (
        Meeting("with-interpreter", ("firm", "interpreter", "buyer"), priority=2),
        Meeting("interpreter-other", ("interpreter", "other")),
        Meeting("buyer-other", ("buyer", "other")),
    )
    problem = Problem(_slots({"am": 3}), 5, people, meetings)
    solution = solve(problem, time_limit=5)
    assert _check(problem, solution, tmp_path)["valid"]
    places = _places(solution)
    assert len(places) == 3
    three = places["with-interpreter"][0]
    assert places["interpreter-other"][0] != three
    assert places["buyer-other"][0] != three
    # interpreter, buyer and other meet pairwise in three slots: one of them must wait once.
    assert solution.breaks == 1 and solution.status == "optimal"


@needs_bench
def test_unavailable_slots_are_never_used(tmp_path):
    slots = _slots({"am": 4})
    busy = {s.id for s in slots[:3]}
    people = _people("a", "b", "c", unavailable={"a": busy})
    meetings = (Meeting("ab", ("a", "b")), Meeting("bc", ("b", "c")))
    problem = Problem(slots, 3, people, meetings)
    solution = solve(problem, time_limit=5)
    assert _check(problem, solution, tmp_path)["valid"]
    assert _places(solution)["ab"][0] == slots[3].id
    # `bc` goes right before `ab`, so `b` waits for nothing.
    assert _places(solution)["bc"][0] == slots[2].id
    assert solution.breaks == 0


@needs_bench
def test_fixed_assignments_are_kept_exactly_and_counted(tmp_path):
    slots = _slots({"am": 3})
    people = _people("a", "b", "c", "d")
    meetings = (
        Meeting("ab", ("a", "b")),
        Meeting("ac", ("a", "c"), priority=3),
        Meeting("cd", ("c", "d"), online=True),
        Meeting("bd", ("b", "d")),
    )
    fixed = (Assignment("ab", slots[2].id, 1), Assignment("cd", slots[0].id, None))
    problem = Problem(slots, 1, people, meetings, fixed=fixed)
    solution = solve(problem, time_limit=5)
    assert _check(problem, solution, tmp_path)["valid"]
    places = _places(solution)
    assert places["ab"] == (slots[2].id, 1)
    assert places["cd"] == (slots[0].id, None)
    assert places["ac"][0] == slots[1].id  # the only slot left with `a`, `c` and a table free
    assert solution.weighted == 1 + 3 + 1 + (1 if "bd" in places else 0)
    assert solution.weighted == solution.upper_bound


def test_fixed_assignments_that_cannot_stand_are_refused():
    slots = _slots({"am": 2})
    people = _people("a", "b", "c")
    meetings = (Meeting("ab", ("a", "b")), Meeting("ac", ("a", "c")))
    clash = (Assignment("ab", slots[0].id, 1), Assignment("ac", slots[0].id, 2))
    with pytest.raises(ProblemError, match="share a participant"):
        solve(Problem(slots, 2, people, meetings, fixed=clash), time_limit=2)
    with pytest.raises(ProblemError, match="table 3 does not exist"):
        solve(
            Problem(slots, 2, people, meetings, fixed=(Assignment("ab", slots[0].id, 3),)),
            time_limit=2,
        )
    with pytest.raises(ProblemError, match="unknown meeting"):
        solve(
            Problem(slots, 2, people, meetings, fixed=(Assignment("zz", slots[0].id, 1),)),
            time_limit=2,
        )


@needs_bench
def test_every_unplaced_meeting_has_its_reason(tmp_path):
    slots = _slots({"am": 1})
    people = _people("a", "b", "c", "d", "e", "f", "g", unavailable={"g": {slots[0].id}})
    meetings = (
        Meeting("ab", ("a", "b"), priority=2),
        Meeting("ab-again", ("a", "b")),  # both busy with `ab` in the only slot
        Meeting("cd", ("c", "d"), priority=2),  # takes the only other table before `ef`
        Meeting("ef", ("e", "f")),  # e and f are free, the tables are not
        Meeting("ag", ("a", "g"), online=True),  # g is never available
        Meeting("alone", ("a",)),
        Meeting("stranger", ("a", "nobody")),
    )
    problem = Problem(slots, 2, people, meetings)
    solution = solve(problem, time_limit=5)
    # The checker itself refuses the instance's unknown participant: check the rest with it.
    valid_only = Problem(slots, 2, people, meetings[:-1])
    assert _check(valid_only, solve(valid_only, time_limit=5), tmp_path)["valid"]
    assert _reasons(solution) == {
        "ab-again": "participants_busy",
        "ef": "tables_full",
        "ag": "no_common_slot",
        "alone": "invalid",
        "stranger": "invalid",
    }
    assert all(u.detail for u in solution.unscheduled)
    assert solution.weighted == solution.upper_bound == 4


def test_priority_wins_over_the_number_of_meetings():
    # One slot, one table: the pinned meeting goes in, the normal one cannot.
    people = _people("a", "b", "c")
    meetings = (Meeting("ab", ("a", "b")), Meeting("bc", ("b", "c"), priority=3))
    solution = solve(Problem(_slots({"am": 1}), 1, people, meetings), time_limit=5)
    assert _places(solution).keys() == {"bc"}
    assert solution.weighted == solution.upper_bound == 3


@needs_bench
def test_a_hand_made_instance_with_a_known_optimum(tmp_path):
    """Three companies who all meet each other, one table.

    In one session of three slots all three meetings fit (weight 3), and whatever their order the
    company in the first and the last meeting waits one slot: the optimum is exactly one break.
    With a second session, one meeting goes there on its own and nobody waits: zero breaks.
    """
    people = _people("a", "b", "c")
    meetings = (Meeting("ab", ("a", "b")), Meeting("ac", ("a", "c")), Meeting("bc", ("b", "c")))
    one = Problem(_slots({"am": 3}), 1, people, meetings)
    solution = solve(one, time_limit=10)
    result = _check(one, solution, tmp_path)
    assert result["valid"] and result["weighted"] == 3 and result["breaks"] == 1
    assert solution.breaks == 1 and solution.status == "optimal"

    two = Problem(_slots({"am": 3, "pm": 3}), 1, people, meetings)
    solution = solve(two, time_limit=10)
    assert _check(two, solution, tmp_path)["breaks"] == 0
    assert solution.weighted == 3 and solution.breaks == 0 and solution.status == "optimal"


@needs_bench
def test_unavailability_between_meetings_counts_as_a_break(tmp_path):
    # `a` is away in the middle slot and has to meet both others: an idle slot either way.
    slots = _slots({"am": 3})
    people = _people("a", "b", "c", unavailable={"a": {slots[1].id}})
    meetings = (Meeting("ab", ("a", "b")), Meeting("ac", ("a", "c")))
    problem = Problem(slots, 2, people, meetings)
    solution = solve(problem, time_limit=5)
    result = _check(problem, solution, tmp_path)
    assert result["valid"] and solution.weighted == 2
    assert result["breaks"] == solution.breaks == 1


def test_json_round_trip_and_bad_instances():
    problem = Problem(
        _slots({"am": 2}),
        1,
        _people("a", "b"),
        (Meeting("ab", ("a", "b"), priority=2, online=True),),
        fixed=(Assignment("ab", "am-1", None),),
        name="round trip",
    )
    assert problem_from_json(json.loads(json.dumps(problem_to_json(problem)))) == problem
    with pytest.raises(ProblemError):
        problem_from_json({"slots": [], "participants": []})
    with pytest.raises(ProblemError):
        problem_from_json({"slots": [], "participants": [], "meetings": [], "tables": -1})
    with pytest.raises(ProblemError, match="bad slot time"):
        problem_from_json(
            {
                "slots": [{"id": "s", "start": "noon", "end": "later", "session": "x"}],
                "participants": [],
                "meetings": [],
                "tables": 1,
            }
        )
    with pytest.raises(ProblemError, match="wrong value"):
        problem_from_json(
            {
                "slots": [],
                "participants": [],
                "meetings": [{"id": "m", "participants": ["a", "b"], "priority": "high"}],
                "tables": 1,
            }
        )
    with pytest.raises(ProblemError, match="duplicate meeting"):
        solve(
            Problem(
                _slots({"am": 1}),
                1,
                _people("a", "b"),
                (Meeting("m", ("a", "b")), Meeting("m", ("a", "b"))),
            )
        )


def test_an_empty_problem_has_an_empty_solution():
    solution = solve(Problem((), 3, (), ()), time_limit=1)
    assert solution.assignments == () and solution.unscheduled == ()
    assert solution.weighted == solution.upper_bound == solution.breaks == 0


# ----------------------------------------------------------------------------------------------
# Property: on random small instances every solution is valid, its figures are the checker's,
# its weight is the exhaustive optimum's, and its breaks are never below the exhaustive optimum
# (and equal to it when the solver says "optimal").


def _exhaustive(problem: Problem, checker) -> tuple[int, int]:
    """The lexicographic optimum (weight, breaks) by trying every placement of every meeting."""
    instance = checker.Instance(problem_to_json(problem))
    slot_ids = [s.id for s in problem.slots]
    best = (0, 0)
    for choice in itertools.product([None, *slot_ids], repeat=len(problem.meetings)):
        busy: set[tuple[str, str]] = set()
        per_slot: dict[str, int] = {}
        ok = True
        for meeting, slot in zip(problem.meetings, choice, strict=True):
            if slot is None:
                continue
            for p in meeting.participants:
                if (p, slot) in busy or slot in instance.unavailable[p]:
                    ok = False
                busy.add((p, slot))
            if not meeting.online:
                per_slot[slot] = per_slot.get(slot, 0) + 1
                if per_slot[slot] > problem.tables:
                    ok = False
            if not ok:
                break
        if not ok:
            continue
        pairs = list(zip(problem.meetings, choice, strict=True))
        placed = [(m.id, s) for m, s in pairs if s]
        weight = sum(m.priority for m, s in pairs if s)
        breaks = checker.breaks_of(instance, placed)
        if weight > best[0] or (weight == best[0] and breaks < best[1]):
            best = (weight, breaks)
    return best


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    sessions = draw(st.sampled_from([{"am": 2}, {"am": 3}, {"am": 2, "pm": 2}, {"am": 4}]))
    slots = _slots(sessions)
    slot_ids = [s.id for s in slots]
    names = [f"p{i}" for i in range(draw(st.integers(3, 5)))]
    people = tuple(
        Participant(name, frozenset(draw(st.sets(st.sampled_from(slot_ids), max_size=2))))
        for name in names
    )
    meetings = []
    count = draw(st.integers(1, 5 if len(slots) <= 3 else 4))
    for number in range(count):
        size = draw(st.sampled_from([2, 2, 2, 3]))
        members = draw(st.permutations(names))[:size]
        meetings.append(
            Meeting(
                f"m{number}",
                tuple(members),
                priority=draw(st.integers(1, 3)),
                online=draw(st.booleans()),
            )
        )
    tables = draw(st.integers(0, 2))
    return Problem(slots, tables, people, tuple(meetings))


@needs_bench
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_solution_is_valid_and_optimal_in_weight(problem):
    checker = _checker()
    solution = solve(problem, time_limit=5)
    result = checker.check(checker.Instance(problem_to_json(problem)), solution_to_json(solution))
    assert result["valid"], result["errors"]
    assert result["weighted"] == solution.weighted
    assert result["breaks"] == solution.breaks
    best_weight, best_breaks = _exhaustive(problem, checker)
    assert solution.weighted == best_weight <= solution.upper_bound
    assert solution.breaks >= best_breaks
    if solution.status == "optimal":
        assert solution.upper_bound == best_weight and solution.breaks == best_breaks


@needs_bench
def test_the_bounds_do_not_depend_on_the_schedule_being_built():
    """The relaxations count only fixed meetings as taken, whatever is placed so far."""
    from karvan.scheduling.bounds import tighter_bound, upper_bound
    from karvan.scheduling.model import Model
    from karvan.scheduling.placement import greedy

    problem = problem_from_json(json.loads((BENCH / "small.json").read_text(encoding="utf-8")))
    fixed = (Assignment(problem.meetings[0].id, problem.slots[0].id, 1),)
    model = Model(dataclasses.replace(problem, fixed=fixed))
    before = upper_bound(model)
    greedy(model, list(range(model.n_meetings)))
    assert upper_bound(model) == before
    assert model.weighted() <= tighter_bound(model, before, 5, 1) <= before


@needs_bench
def test_the_move_and_swap_deltas_are_the_change_in_gaps():
    """The local search's arithmetic on bit masks against gaps recounted from scratch."""
    import random

    from karvan.scheduling import gaps, solver
    from karvan.scheduling.model import Model
    from karvan.scheduling.placement import greedy

    problem = problem_from_json(json.loads((BENCH / "small.json").read_text(encoding="utf-8")))
    model = Model(problem)
    greedy(model, list(range(model.n_meetings)))
    rng = random.Random(4)
    placed = [m for m in range(model.n_meetings) if model.slot_of[m] >= 0]
    checked = 0
    for _ in range(400):
        m, o = rng.sample(placed, 2)
        before = model.gaps()
        if gaps.swap_fits(model, m, o):
            delta = gaps.swap_delta(model, m, o)
            gaps.swap(model, m, o)
            assert model.gaps() - before == delta
            checked += 1
        s = rng.choice(model.common[m])
        if s != model.slot_of[m] and model.fits(m, s):
            origin = model.slot_of[m]
            delta = sum(gaps.move_delta(model, p, origin, s) for p in model.parts[m])
            before = model.gaps()
            model.remove(m)
            model.place(m, s)
            assert model.gaps() - before == delta
            checked += 1
    assert checked > 50
    assert (
        _checker().check(
            _checker().Instance(json.loads((BENCH / "small.json").read_text(encoding="utf-8"))),
            {
                "assignments": [
                    {"meeting": a.meeting, "slot": a.slot, "table": a.table}
                    for a in solver._assignments(model)
                ],
                "unscheduled": [
                    problem.meetings[m].id for m in range(model.n_meetings) if model.slot_of[m] < 0
                ],
            },
        )["breaks"]
        == model.gaps()
    )


@needs_bench
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_without_the_exact_model_repair_stays_valid_and_the_bound_holds(problem):
    """What runs on large events (greedy, ejection, the integer relaxation) on small ones."""
    from karvan.scheduling import solver

    limit = solver.EXACT_PAIRS_LIMIT
    solver.EXACT_PAIRS_LIMIT = 0
    try:
        solution = solve(problem, time_limit=3)
    finally:
        solver.EXACT_PAIRS_LIMIT = limit
    checker = _checker()
    result = checker.check(checker.Instance(problem_to_json(problem)), solution_to_json(solution))
    assert result["valid"], result["errors"]
    best_weight, _ = _exhaustive(problem, checker)
    assert solution.weighted <= best_weight <= solution.upper_bound
    if solution.status == "optimal":
        assert solution.weighted == best_weight
