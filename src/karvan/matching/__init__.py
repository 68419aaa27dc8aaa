"""Cross-lingual matchmaking: the engine (plain data in and out) and its Django layer.

The engine modules (`engine`, `embedders`, `vocabulary`, `text`) import neither Django nor another
Karvan app, so they can be benchmarked and reused without a database. Importing this package loads
none of them: Django loads it as an app, and the engine is imported where it is used.
"""
