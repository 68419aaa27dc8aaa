"""gunicorn's hooks for `karvan serve` (`--config=python:karvan.gunicorn_config`)."""

import logging

logger = logging.getLogger("karvan.warmup")


def post_worker_init(worker: object) -> None:
    """Warm each worker before it accepts requests; a failure (the database away at start) only
    leaves the worker cold, as it was before."""
    from karvan.warmup import warm_process

    try:
        warm_process()
    except Exception:  # a worker must start even when warming fails
        logger.exception("the web worker could not be warmed; it starts cold")
