"""B2B meeting scheduling: Karvan's scheduler against a greedy first-fit baseline, in one run.

Reads the instances of `../shared/bench/scheduling/` (relative to the repository root) and, for
each, runs
- Karvan: `karvan.scheduling.solve`, what `karvan schedule solve` runs, with the time limit
  of the instance's target (30 s for small and medium, 120 s for large);
- greedy: meetings in request order, each in the earliest slot where all its participants are
  available and free and (in person) a table is free; tables numbered in order.
Each run is a subprocess of its own, so its peak memory (ru_maxrss) is its own. Every solution is
validated and measured by the official checker, `check.py` beside the instances. Printed per
instance and system: weighted meetings scheduled, the proven upper bound (Karvan's; it bounds any
schedule), idle gaps (breaks), wall-clock time, CPU time (the machine may be shared: CPU time much
below twice the wall time means other work had the cores), peak memory, validity.

    .venv/bin/python bench/scheduling.py [--instances small,medium,large] [--limits 30,30,120]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared/bench/scheduling beside the checkout (or beside a folder of worktrees).
SHARED = next(
    (
        folder / "shared" / "bench" / "scheduling"
        for folder in ROOT.parents
        if (folder / "shared" / "bench" / "scheduling" / "check.py").exists()
    ),
    ROOT.parent / "shared" / "bench" / "scheduling",
)
sys.path.insert(0, str(ROOT / "src"))


def greedy_first_fit(instance: dict) -> dict:
    """The baseline: request order, earliest feasible slot, first free table."""
    slots = sorted(instance["slots"], key=lambda s: (datetime.fromisoformat(s["start"]), s["id"]))
    unavailable = {p["id"]: set(p.get("unavailable") or ()) for p in instance["participants"]}
    tables = instance["tables"]
    busy: set[tuple[str, str]] = set()
    used = dict.fromkeys((s["id"] for s in slots), 0)
    assignments, unscheduled = [], []
    for meeting in instance["meetings"]:
        people = meeting["participants"]
        online = bool(meeting.get("online", False))
        for slot in slots:
            sid = slot["id"]
            if not online and used[sid] >= tables:
                continue
            if any(sid in unavailable.get(p, ()) or (p, sid) in busy for p in people):
                continue
            busy.update((p, sid) for p in people)
            table = None
            if not online:
                used[sid] += 1
                table = used[sid]
            assignments.append({"meeting": meeting["id"], "slot": sid, "table": table})
            break
        else:
            unscheduled.append(meeting["id"])
    return {"assignments": assignments, "unscheduled": unscheduled}


def run_one(system: str, instance_path: Path, out_path: Path, limit: float) -> None:
    """In the child process: solve, write the solution, print time and peak memory as JSON."""
    instance = json.loads(instance_path.read_text(encoding="utf-8"))
    started = time.monotonic()
    extra = {}
    if system == "karvan":
        from karvan.scheduling import problem_from_json, solution_to_json, solve

        solution = solve(problem_from_json(instance), time_limit=limit)
        data = solution_to_json(solution)
        extra = {"upper_bound": solution.upper_bound, "status": solution.status}
    else:
        data = greedy_first_fit(instance)
    seconds = time.monotonic() - started
    out_path.write_text(json.dumps(data), encoding="utf-8")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime  # CPU seconds, all threads
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": peak, **extra}))


def measure(system: str, name: str, limit: float, workdir: Path) -> dict:
    instance_path = SHARED / f"{name}.json"
    out_path = workdir / f"{name}-{system}.json"
    child = subprocess.run(  # noqa: S603  # this interpreter, this script
        [sys.executable, __file__, "--run", system, str(instance_path), str(out_path), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    check = subprocess.run(  # noqa: S603  # the official checker
        [sys.executable, str(SHARED / "check.py"), str(instance_path), str(out_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(check.stdout)
    return {**figures, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="small,medium,large")
    parser.add_argument("--limits", default="30,30,120", help="Karvan's seconds per instance")
    parser.add_argument("--run", nargs=4, metavar=("SYSTEM", "INSTANCE", "OUT", "LIMIT"))
    args = parser.parse_args()
    if args.run:
        system, instance, out, limit = args.run
        run_one(system, Path(instance), Path(out), float(limit))
        return
    names = args.instances.split(",")
    limits = [float(x) for x in args.limits.split(",")]
    if len(limits) < len(names):
        limits += [limits[-1]] * (len(names) - len(limits))
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    header = (
        "| instance | system | weighted | upper bound | breaks | scheduled | time (s) "
        "| CPU (s) | peak MiB | valid |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, limit in zip(names, limits, strict=False):
            karvan = measure("karvan", name, limit, Path(tmp))
            greedy = measure("greedy", name, limit, Path(tmp))
            bound = karvan["upper_bound"]
            for label, row in (("greedy first-fit", greedy), ("**Karvan**", karvan)):
                print(
                    f"| {name} | {label} | {row['weighted']} / {row['total_weight']} | {bound} "
                    f"| {row['breaks']} | {row['scheduled']} / {row['total_meetings']} "
                    f"| {row['seconds']:.2f} | {row['cpu']:.1f} | {row['peak_mib']:.0f} "
                    f"| {'yes' if row['valid'] else 'NO: ' + '; '.join(row['errors'][:3])} |",
                    flush=True,
                )
            ratio = karvan["breaks"] / greedy["breaks"] if greedy["breaks"] else 0.0
            print(
                f"<!-- {name}: Karvan {karvan['status']}, weighted at bound: "
                f"{karvan['weighted'] == bound}, breaks {ratio:.2f} of greedy's "
                f"(limit {limit:.0f} s) -->",
                flush=True,
            )


if __name__ == "__main__":
    main()
