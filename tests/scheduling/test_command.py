"""`karvan schedule solve`: the product's scheduler on an instance file, as the bench runs it."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.scheduling.test_solver import BENCH, CHECKER, needs_bench


@needs_bench
def test_solve_writes_a_valid_solution_and_prints_a_summary(tmp_path):
    out = tmp_path / "solution.json"
    stdout = StringIO()
    call_command(
        "schedule",
        "solve",
        str(BENCH / "small.json"),
        "--out",
        str(out),
        "--time-limit",
        "10",
        stdout=stdout,
    )
    checked = subprocess.run(
        [sys.executable, str(CHECKER), str(BENCH / "small.json"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(checked.stdout)
    assert checked.returncode == 0, result["errors"]
    summary = stdout.getvalue()
    assert f"weighted {result['weighted']}" in summary
    assert f"breaks {result['breaks']}" in summary
    assert "upper bound" in summary


def test_bad_input_is_a_clear_error(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match="cannot read the instance"):
        call_command("schedule", "solve", str(missing), "--out", str(tmp_path / "s.json"))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"slots": [], "participants": []}), encoding="utf-8")
    with pytest.raises(CommandError, match="not a valid instance"):
        call_command("schedule", "solve", str(broken), "--out", str(tmp_path / "s.json"))
    with pytest.raises(CommandError, match="positive"):
        call_command(
            "schedule", "solve", str(broken), "--out", str(tmp_path / "s.json"), "--time-limit", "0"
        )
