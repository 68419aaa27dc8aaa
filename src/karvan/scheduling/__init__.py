"""The B2B meeting scheduler: plain data in, plain data out (no Django; see `solver.py`)."""

from typing import TYPE_CHECKING

from karvan.scheduling.json_format import problem_from_json, problem_to_json, solution_to_json
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

__all__ = [
    "UNPLACED_REASONS",
    "Assignment",
    "Meeting",
    "Participant",
    "Problem",
    "ProblemError",
    "Slot",
    "Solution",
    "Unplaced",
    "problem_from_json",
    "problem_to_json",
    "solution_to_json",
    "solve",
]

if TYPE_CHECKING:
    from karvan.scheduling.solver import solve


def __getattr__(name: str) -> object:
    """`solve` is imported on first use: OR-Tools (and the pandas it loads) cost a web process
    about 50 MiB, and only the process that runs a schedule needs them."""
    if name == "solve":
        from karvan.scheduling.solver import solve

        return solve
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
