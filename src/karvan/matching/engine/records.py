"""What the matching engine takes and gives: listings in; matches with their reasons out."""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SIDES = ("offer", "request")
KINDS = ("product", "technology", "investment", "partnership", "service")

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Listing:
    """One opportunity as the engine sees it."""

    id: str
    side: str
    kind: str
    language: str
    country: str
    title: str
    description: str
    hs_codes: tuple[str, ...] = ()
    isic_codes: tuple[str, ...] = ()
    owner: str = ""
    # Machine translations of the text, as (language, text): read for concepts and words, so a
    # reader's language finds the listing, but never embedded and never quoted as a reason.
    translations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a match ranks where it does: a stable code and its parameters, all strings."""

    code: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class Match:
    """A recommended or found listing, its score and its reasons, most important first."""

    id: str
    score: float
    reasons: tuple[Reason, ...]
