"""Scoring candidates: sparse components from the postings, dense similarity, their weighted sum.

Concept overlap weighted by how discriminating each concept is (`_specificity`), HS and ISIC
proximity, lexical overlap weighted by rarity, and the language-centred dense cosine; evidence the
query cannot give passes its weight to the dense similarity (`_relevance`).
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np

from karvan.matching.engine.features import Features
from karvan.matching.engine.postings import IndexState, unit
from karvan.matching.engine.records import Floats, Ints


class Scorer(IndexState):
    """The index's scoring of candidates for a query's features and vector."""

    def _idf(self, key: str) -> float:
        """Rarity of a feature in (0, 1]: 1 for a feature of one listing."""
        live = max(self._live, 1)
        df = max(self._df.get(key, 0), 1)
        return math.log(1 + live / df) / math.log(1 + live)

    def _rarity(self, key: str) -> float:
        """How discriminating a feature is, in (0, 1]: 1 for one in at most
        `EngineSettings.specific_share` of the listings, falling as it grows commoner (about 0.45
        for one in a third of them, 0.23 for one in all). Unlike `_idf`, a specific concept keeps
        its weight however large the index grows."""
        share = max(self._df.get(key, 0), 1) / max(self._live, 1)
        reference = math.log(1 + 1 / self.settings.specific_share)
        return min(1.0, math.log(1 + 1 / share) / reference)

    def _accumulate(
        self, query: Features, candidates: int, *, coverage: bool = False
    ) -> dict[str, Floats]:
        """Concept, HS, ISIC and lexical scores of every slot, from the postings.

        The concept score is a cosine between two listings; with `coverage` (a search query, a
        few words against a whole listing) it is how much of the query's concepts the listing
        holds, however much else it also says."""
        settings = self.settings
        concept = np.zeros(candidates, dtype=np.float32)
        hs = np.zeros(candidates, dtype=np.float32)
        isic = np.zeros(candidates, dtype=np.float32)
        lexical = np.zeros(candidates, dtype=np.float32)
        query_norm = math.sqrt(sum(weight * weight for weight in query.concepts.values()))
        for name, weight in query.concepts.items():
            postings = self._postings.get("c:" + name)
            if postings is None or not len(postings.slots):
                continue
            # A concept counts by how discriminating it is (its rarity in the index, less for a
            # group concept): generic ones (machinery, services, partnership) nearly nothing.
            # A search query names its subject in a few words: there, rarity alone weighs them.
            specificity = (self._idf("c:" + name) if coverage else self._specificity(name)) * (
                self.settings.group_concept_factor
                if coverage and self.vocabulary.is_generic(name)
                else 1.0
            )
            scale = weight * specificity / max(query_norm, 1e-9)
            slots = np.frombuffer(postings.slots, dtype=np.int64)
            weights = np.frombuffer(postings.weights, dtype=np.float32)
            np.add.at(concept, slots, weights * scale)
            del slots, weights
        levels = {
            "h6:": settings.hs_same_code,
            "h4:": settings.hs_same_heading,
            "h2:": settings.hs_same_chapter,
            "i2:": settings.isic_same_division,
            "is:": settings.isic_same_section,
        }
        for codes, target in ((query.hs, hs), (query.isic, isic)):
            for key, confidence in codes.items():
                postings = self._postings.get(key)
                if postings is None or not len(postings.slots):
                    continue
                slots = np.frombuffer(postings.slots, dtype=np.int64)
                weights = np.frombuffer(postings.weights, dtype=np.float32)
                np.maximum.at(target, slots, weights * (confidence * levels[key[:3]]))
                del slots, weights
        live = self._live
        word_keys = [
            ("w:" + token, self._idf("w:" + token))
            for token in query.words
            if live < settings.min_listings_for_word_share
            or self._df.get("w:" + token, 0) <= settings.max_word_share * live
        ]
        total = sum(idf for _key, idf in word_keys)
        for key, idf in word_keys:
            postings = self._postings.get(key)
            if postings is None or not len(postings.slots):
                continue
            slots = np.frombuffer(postings.slots, dtype=np.int64)
            np.add.at(lexical, slots, np.float32(idf / total))
            del slots
        if coverage:
            concept /= max(query_norm, 1e-9)
        else:
            norms = self._concept_norm[:candidates]
            concept = np.divide(concept, norms, out=np.zeros_like(concept), where=norms > 0)
        return {"concept": concept, "hs": hs, "isic": isic, "lexical": lexical}

    def _dense(self, query_vector: Floats, slots: Ints) -> Floats:
        """Centred cosine of the query vector with the listings in `slots`."""
        if self._centred is not None:
            # One product over the contiguous rows, then the pick: gathering the rows first would
            # copy the matrix.
            dense: Floats = self._centred[: self._size] @ query_vector
            return dense[slots]
        return self._centre_rows(slots, self._means()) @ query_vector

    def _centred_query(self, vector: Floats, language: str) -> Floats:
        means = self._applied_means if self._centred is not None else self._means()
        if language not in means:
            means = self._means()
        return unit(vector - self._mean_for(language, means))

    def _candidates(
        self, query_vector: Floats, sparse: Mapping[str, Floats], sides: Sequence[int]
    ) -> Ints:
        """Slots worth scoring exactly: all live ones for a small index, else the best few of
        the given sides (by the sparse scores, and the nearest neighbours of the query vector)."""
        size = self._size
        if self._ann is None:
            return np.flatnonzero(self._alive[:size]).astype(np.int64)
        settings = self.settings
        partial = (
            settings.concept_weight * sparse["concept"]
            + settings.hs_weight * sparse["hs"]
            + settings.isic_weight * sparse["isic"]
            + settings.lexical_weight * sparse["lexical"]
        )
        touched = np.flatnonzero(partial)
        keep = self._alive[touched]
        if len(sides) == 1:
            keep &= self._side[touched] == sides[0]
        touched = touched[keep]
        budget = settings.sparse_candidates
        if len(touched) > budget:
            best = np.argpartition(partial[touched], -budget)
            touched = touched[best[-budget:]]
        found: list[Ints] = [touched.astype(np.int64)]
        for side in sides:
            index = self._ann[side]
            if len(index):
                matches = index.search(query_vector, count=settings.ann_candidates)
                keys = np.asarray(getattr(matches, "keys"), dtype=np.int64)  # noqa: B009
                found.append(keys[self._alive[keys]])
        return np.unique(np.concatenate(found))

    def _score(
        self,
        query: Features,
        query_vector: Floats,
        *,
        sides: Sequence[int],
        fallback_sides: Sequence[int] = (),
        wanted: int = 0,
        coverage: bool = False,
    ) -> tuple[Ints, dict[str, Floats]]:
        sparse = self._accumulate(query, self._size, coverage=coverage)
        slots = self._candidates(query_vector, sparse, sides)
        if fallback_sides and self._ann is not None and len(slots) < wanted:
            more = self._candidates(query_vector, sparse, fallback_sides)
            slots = np.unique(np.concatenate([slots, more]))
        components = {name: values[slots] for name, values in sparse.items()}
        components["dense"] = self._dense(query_vector, slots)
        return slots, components

    def _confidence(self, query: Features) -> float:
        """How surely the vocabulary names the query's subject, in [0, 1]: the rarity of its most
        specific concept (0 when it names only top-level groups, or none)."""
        values = [
            self._rarity("c:" + name)
            for name in query.direct
            if not self.vocabulary.is_generic(name) and self._df.get("c:" + name, 0)
        ]
        return max(values, default=0.0)

    def _relevance(
        self, components: Mapping[str, Floats], query: Features, *, search: bool = False
    ) -> Floats:
        """The weighted sum of the components. Evidence the query cannot give passes its weight to
        the dense similarity: the concepts' weight as far as the vocabulary is unsure of the
        query's subject, the codes' when the query has none. So on a subject the vocabulary does
        not know, the language-centred dense similarity decides."""
        settings = self.settings
        confidence = self._confidence(query) if settings.confidence_shift else 1.0
        if search:
            # A few words that name a specific concept name the subject.
            confidence = 1.0 if confidence > 0 else 0.0
        concept_weight = settings.concept_weight * confidence
        hs_weight = settings.hs_weight if query.hs or not settings.confidence_shift else 0.0
        isic_weight = settings.isic_weight if query.isic or not settings.confidence_shift else 0.0
        dense_weight = settings.dense_weight + (
            settings.concept_weight
            - concept_weight
            + settings.hs_weight
            - hs_weight
            + settings.isic_weight
            - isic_weight
        )
        return (  # type: ignore[no-any-return]  # float32 arithmetic
            concept_weight * components["concept"]
            + dense_weight * np.maximum(components["dense"], 0)
            + hs_weight * components["hs"]
            + isic_weight * components["isic"]
            + settings.lexical_weight * components["lexical"]
        )

    def _specificity(self, concept: str) -> float:
        """How much a shared concept says, in [0, 1]: its rarity among the indexed listings,
        discounted for a group concept (machinery, food, services) that narrower ones refine."""
        weight: float = self._rarity("c:" + concept) ** self.settings.specificity_power
        if self.vocabulary.is_generic(concept):
            weight *= self.settings.group_concept_factor
        return weight
