"""Cross-lingual matchmaking: the engine (plain data in and out) and the one vector store.

The engine modules (`engine`, `embedders`, `vocabulary`, `text`) import neither Django nor another
Karvan app, so they can be benchmarked and reused without a database. The Django layer is a
generic store: documents of any kind (`documents.Document`, keyed by kind and key) are embedded
and stored (`services`), indexed in each process (`index_cache`) or in PostgreSQL with pgvector
(`pgvector`), behind one interface (`stores.current_store`). The apps that own the documents
(`opportunities.matching`, `knowledge.indexing`) turn their rows into documents and call these
services; this package imports no other Karvan app but `core`. Importing it loads none of the
engine: Django loads it as an app, and the engine is imported where it is used.
"""
