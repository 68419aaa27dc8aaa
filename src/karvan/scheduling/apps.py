from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """No tables: installed only so that `karvan schedule` (its management command) is found.

    The engine, `solver.py`, imports nothing from Django; `events` builds its problems.
    """

    name = "karvan.scheduling"
    label = "scheduling"
