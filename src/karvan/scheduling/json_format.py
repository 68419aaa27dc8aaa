"""Problems and solutions in the JSON format of `shared/bench/scheduling/README.md`.

What `karvan schedule solve` and `bench/scheduling.py` read and write; the product builds its
`Problem` from its tables instead (`events`).
"""

from collections.abc import Mapping
from datetime import datetime

from karvan.scheduling.problem import (
    Assignment,
    Meeting,
    Participant,
    Problem,
    ProblemError,
    Slot,
    Solution,
)


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ProblemError(f"slot time must be an ISO 8601 string, got {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise ProblemError(f"bad slot time {value!r}") from error


def problem_from_json(data: object) -> Problem:
    """A `Problem` from an instance in the format of `shared/bench/scheduling/README.md`.

    `data` is parsed JSON, checked as it is read; raises `ProblemError` when it does not fit.
    """
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


def problem_to_json(problem: Problem) -> dict[str, object]:
    """The instance format of `shared/bench/scheduling/README.md` (with `fixed` when there are)."""
    data: dict[str, object] = {
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


def solution_to_json(solution: Solution) -> dict[str, object]:
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
