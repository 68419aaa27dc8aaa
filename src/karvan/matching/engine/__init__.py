"""The matching engine: complementary partners for an opportunity, and search, across languages.

Problem. An opportunity (an offer or a request of a product, technology, investment, partnership or
service) is written in Persian, Chinese, Arabic or English. Its good partners are on the other side
(an offer for a request), usually in the other country of the corridor, and usually written in
another language. The bundled embedding model is good within one language and weak across them.

Inputs and outputs. Plain frozen dataclasses: `Listing` in; `Match` out, each with its score and
the `Reason`s (stable codes with parameters) that the Django layer turns into a sentence in the
viewer's language. `MatchingIndex` is updated one listing at a time (`upsert`, `remove`) and never
needs a rebuild for one change; `rank_dataset` runs it over a dataset file of the development-set
format. Nothing here imports Django or another Karvan app.

Modules: `records` (listings, matches, reasons), `settings` (weights and thresholds), `features`
(what is read from a listing), `postings` (the index's state), `scoring`, `explanations` (reasons),
`index` (`MatchingIndex`, the façade) and `dataset` (the development-set format). Every public
name is importable from `karvan.matching.engine`.

Method. A candidate's relevance is a weighted sum (weights in `EngineSettings`) of
- concept overlap: both texts are read with a four-language vocabulary (`vocabulary.py`); concepts
  are expanded to broader and value-chain-related ones, weighted by how discriminating they are
  in the index (`_specificity`: generic ones nearly nothing), compared as a cosine (for a search
  query: how much of the query's concepts a listing holds). This crosses languages with certainty;
- HS proximity (same 6-digit code > same heading > same chapter) and ISIC proximity (same division >
  same section), from the codes given and those concepts below the top-level groups imply;
- lexical overlap of words and Chinese character pairs, weighted by rarity;
- dense similarity of the model's vectors after language-mean centering: each language's mean
  vector (kept incrementally over the indexed listings, shrunk towards a reference mean for small
  indexes) is subtracted before the cosine. Much of what separates languages in the model's space
  is a per-language offset; removing it leaves what the texts are about.
Evidence the query cannot give (no specific concept, no codes) passes its weight to the dense
similarity, which so decides on subjects the vocabulary does not know. The relevance is scaled
by how well the two kinds complement each other; a candidate from another country than the
listing's gains a small bonus (other things equal, the corridor comes first);
candidates on the listing's own side (competitors) always rank below every complementary one; the
listing itself and its owner's other listings are never returned. What the product shows is
what passes `EngineSettings.shown_threshold` (recommendations) or `search_threshold` (search).

Scale. Every feature lives in an inverted index of NumPy-backed postings. Up to
`EngineSettings.ann_threshold` listings the dense part is an exact matrix product; above it, an HNSW
index per side (usearch) gives the dense candidates and the postings give the rest.

Reason codes, each a fact about the two listings: complementary {side, kind, yours} (opposite
sides only: the candidate's side and kind, the listing's side), same_side {side}, other_country
{country}, same_hs_code / same_hs_heading / same_hs_chapter {code} and same_sector {code} (codes
both authors declared; codes the engine infers from words are never stated as codes), shared_terms
{terms, concepts} (the same concept named in each text), shared_concepts {terms, concepts} (each
text names a narrower kind of the concept), value_chain {concepts, mine, theirs} (the texts name
two concepts the vocabulary lists as one value chain), shared_words {words}, similar_description
{similarity}.
"""

from karvan.matching.engine.dataset import Progress, listing_from_item, rank_dataset
from karvan.matching.engine.features import FeatureCache, Features, isic_section
from karvan.matching.engine.index import MatchingIndex
from karvan.matching.engine.postings import reference_means
from karvan.matching.engine.records import KINDS, SIDES, Floats, Ints, Listing, Match, Reason
from karvan.matching.engine.settings import DEFAULT_SETTINGS, EngineSettings

__all__ = [
    "DEFAULT_SETTINGS",
    "KINDS",
    "SIDES",
    "EngineSettings",
    "FeatureCache",
    "Features",
    "Floats",
    "Ints",
    "Listing",
    "Match",
    "MatchingIndex",
    "Progress",
    "Reason",
    "isic_section",
    "listing_from_item",
    "rank_dataset",
    "reference_means",
]
