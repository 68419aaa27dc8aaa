from celery import shared_task


@shared_task
def drop_expired_vectors() -> int:
    from karvan.matching.services import drop_expired_vectors as drop

    return drop()


@shared_task(soft_time_limit=3 * 3600, time_limit=3 * 3600 + 60)  # a million rows: minutes
def rebuild_vector_graph() -> int:
    """pgvector's HNSW graph built anew, so rows inserted since are reachable through it."""
    from karvan.matching.stores import current_store

    store = current_store()
    return store.rebuild_graph() if hasattr(store, "rebuild_graph") else 0
