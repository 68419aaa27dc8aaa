"""The B2B meeting scheduler: plain data in, plain data out (no Django; see `solver.py`)."""

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
from karvan.scheduling.solver import solve

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
