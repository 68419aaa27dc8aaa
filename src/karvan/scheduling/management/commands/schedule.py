"""`karvan schedule solve INSTANCE --out SOLUTION [--time-limit SECONDS]`: the scheduler."""

import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from karvan.scheduling import ProblemError, problem_from_json, solution_to_json, solve


class Command(BaseCommand):
    help = (
        "Meeting scheduler tools. `solve`: schedule an instance file (shared/bench/scheduling "
        "format) with the product's scheduler and write the solution file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        solve_parser: ArgumentParser = subcommands.add_parser(
            "solve", help="place the meetings of an instance into slots and tables"
        )
        solve_parser.add_argument("instance", type=Path, help="instance JSON file")
        solve_parser.add_argument(
            "--out", required=True, type=Path, help="solution JSON file to write"
        )
        solve_parser.add_argument(
            "--time-limit",
            type=float,
            default=30.0,
            help="seconds the solver may take (default 30)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["subcommand"] == "solve":
            self._solve(options)

    def _solve(self, options: dict[str, object]) -> None:
        instance_path = options["instance"]
        out_path = options["out"]
        time_limit = options["time_limit"]
        assert isinstance(instance_path, Path) and isinstance(out_path, Path)  # noqa: S101  # argparse
        assert isinstance(time_limit, float)  # noqa: S101  # argparse converted it
        if not time_limit > 0:
            raise CommandError("--time-limit must be a positive number of seconds")
        try:
            data = json.loads(instance_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the instance {instance_path}: {error}") from error
        try:
            problem = problem_from_json(data)
        except ProblemError as error:
            raise CommandError(f"{instance_path} is not a valid instance: {error}") from error
        started = time.monotonic()

        def progress(fraction: float, message: str) -> None:
            elapsed = time.monotonic() - started
            print(f"{fraction:4.0%} {message} ({elapsed:.0f} s)", file=sys.stderr, flush=True)

        try:
            solution = solve(problem, time_limit=time_limit, progress=progress)
        except ProblemError as error:
            raise CommandError(f"{instance_path} is not a valid instance: {error}") from error
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(solution_to_json(solution)), encoding="utf-8")
        reasons: dict[str, int] = {}
        for unplaced in solution.unscheduled:
            reasons[unplaced.reason] = reasons.get(unplaced.reason, 0) + 1
        why = ", ".join(f"{reason} {count}" for reason, count in sorted(reasons.items()))
        self.stdout.write(
            f"{problem.name or instance_path.name}: weighted {solution.weighted} "
            f"(upper bound {solution.upper_bound}), breaks {solution.breaks}, "
            f"scheduled {len(solution.assignments)}, unscheduled {len(solution.unscheduled)}"
            f"{f' ({why})' if why else ''}, {solution.status}, {solution.seconds:.1f} s; "
            f"written to {out_path}"
        )
