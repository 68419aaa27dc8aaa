"""Opportunity matching: opportunities as documents of the matching store, kept current when they
are published, edited or withdrawn, and read back as recommendations, search hits and alerts.

The path runs one way: `opportunities` → `karvan.matching` (the generic store and engine), which
imports nothing of opportunities.
"""
