"""Why a match ranks where it does: reasons, each a fact about the two listings.

Concepts are said as read from the words ("both mention"), codes only as their authors declared
them; the reasons are ordered by how much each weighed in the score.
"""

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from karvan.matching.engine.features import Features
from karvan.matching.engine.records import Listing, Reason
from karvan.matching.engine.scoring import Scorer


class Explainer(Scorer):
    """The index's reasons for a match."""

    def _reasons(
        self,
        query: Features,
        listing: Listing | None,
        candidate: Listing,
        features: Features,
        parts: Mapping[str, float],
    ) -> tuple[Reason, ...]:
        settings = self.settings
        vocabulary = self.vocabulary
        weighted: list[tuple[float, Reason]] = []
        # Every reason states a fact about the two texts or the codes their authors declared:
        # concepts are said as read from the words ("both mention"), codes only as declared.
        # A group concept both name (food, machinery) is too broad to be worth saying.
        shared = sorted(
            (
                name
                for name in query.direct
                if name in features.direct and not vocabulary.is_group(name)
            ),
            key=lambda name: -self._specificity(name),
        )
        if shared:
            terms = list(
                dict.fromkeys(
                    term
                    for name in shared[:3]
                    for term in (query.direct[name], features.direct[name])
                )
            )
            weighted.append(
                (
                    settings.concept_weight * max(parts["concept"], 0.5),
                    Reason(
                        "shared_terms",
                        MappingProxyType(
                            {"terms": ", ".join(terms[:6]), "concepts": ", ".join(shared[:3])}
                        ),
                    ),
                )
            )
        language = listing.language if listing is not None else "en"
        broader = sorted(
            (
                name
                for name in query.about & features.about
                if not (name in query.direct and name in features.direct)
            ),
            # The narrowest first: rarer, then deeper in the vocabulary.
            key=lambda name: (-self._specificity(name), -len(vocabulary.ancestors(name))),
        )
        if broader and not shared:
            name = broader[0]
            weighted.append(
                (
                    settings.concept_weight * parts["concept"],
                    Reason(
                        "shared_concepts",
                        MappingProxyType(
                            {"concepts": name, "terms": vocabulary.concepts[name].label(language)}
                        ),
                    ),
                )
            )
        chain = [
            (mine, theirs)
            for mine in query.direct
            for theirs in features.direct
            if mine != theirs
            and mine not in features.direct
            and theirs not in query.direct
            and (
                theirs in vocabulary.concepts[mine].related
                or mine in vocabulary.concepts[theirs].related
            )
        ]
        if chain:
            mine, theirs = chain[0]
            weighted.append(
                (
                    settings.concept_weight * parts["concept"] * settings.related_decay,
                    Reason(
                        "value_chain",
                        MappingProxyType(
                            {
                                "concepts": f"{mine}, {theirs}",
                                "mine": query.direct[mine],
                                "theirs": features.direct[theirs],
                            }
                        ),
                    ),
                )
            )
        if listing is not None:
            hs_level = _common_hs(listing.hs_codes, candidate.hs_codes)
            if hs_level is not None:
                code, reason_code = hs_level
                weighted.append(
                    (
                        settings.hs_weight * max(parts["hs"], 0.1),
                        Reason(reason_code, MappingProxyType({"code": code})),
                    )
                )
            isic = _common_isic(listing.isic_codes, candidate.isic_codes)
            if isic:
                weighted.append(
                    (
                        settings.isic_weight * max(parts["isic"], 0.1),
                        Reason("same_sector", MappingProxyType({"code": isic})),
                    )
                )
        shared_words = sorted(
            (
                token
                for token in query.stated_words & features.stated_words
                if len(token) > 2 or not token.isascii()
            ),
            # Rarest first; among words as rare, in their alphabetical order, not in the order
            # of a set (which changes with each process's string hashing).
            key=lambda token: (-self._idf("w:" + token), token),
        )
        if shared_words and parts["lexical"] > 0.05:
            weighted.append(
                (
                    settings.lexical_weight * parts["lexical"],
                    Reason(
                        "shared_words", MappingProxyType({"words": ", ".join(shared_words[:5])})
                    ),
                )
            )
        if parts["dense"] >= settings.similar_description_threshold:
            weighted.append(
                (
                    settings.dense_weight * parts["dense"],
                    Reason(
                        "similar_description",
                        MappingProxyType({"similarity": f"{parts['dense']:.2f}"}),
                    ),
                )
            )
        if listing is not None and candidate.country.upper() != listing.country.upper():
            weighted.append(
                (
                    settings.corridor_bonus,
                    Reason("other_country", MappingProxyType({"country": candidate.country})),
                )
            )
        weighted.sort(key=lambda pair: -pair[0])
        reasons = [reason for _weight, reason in weighted]
        if listing is not None:
            if candidate.side != listing.side:
                # Offer meets request: said only for opposite sides, naming which way round.
                first = Reason(
                    "complementary",
                    MappingProxyType(
                        {"side": candidate.side, "kind": candidate.kind, "yours": listing.side}
                    ),
                )
            else:
                first = Reason("same_side", MappingProxyType({"side": candidate.side}))
            reasons.insert(0, first)
        return tuple(reasons)


def _common_hs(mine: Iterable[str], theirs: Iterable[str]) -> tuple[str, str] | None:
    """The most precise HS level two lists of declared codes share: (code, reason code)."""
    first = ["".join(char for char in code if char.isdigit()) for code in mine]
    second = ["".join(char for char in code if char.isdigit()) for code in theirs]
    for length, reason_code in (
        (6, "same_hs_code"),
        (4, "same_hs_heading"),
        (2, "same_hs_chapter"),
    ):
        common = sorted(
            {a[:length] for a in first if len(a) >= length}
            & {b[:length] for b in second if len(b) >= length}
        )
        if common:
            return common[0], reason_code
    return None


def _common_isic(mine: Iterable[str], theirs: Iterable[str]) -> str:
    """A division (two digits) both lists of declared ISIC codes hold, or ""."""
    first = {code.strip()[:2] for code in mine if code.strip()[:2].isdigit()}
    second = {code.strip()[:2] for code in theirs if code.strip()[:2].isdigit()}
    common = sorted(first & second)
    return common[0] if common else ""
