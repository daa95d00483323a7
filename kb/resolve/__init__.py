"""Mentions -> canonical entities: the stage between NER and the extractors.

Public API (import from the modules; this package imports nothing, so the pure
modules stay free of spaCy):

- `kb.resolve.mentions.resolve_mentions(doc)` -> MentionRecords of one article.
- `kb.resolve.names`: `normalize_key`, `clean_surface`, `split_title`,
  `normalize_title`, `is_plausible_name` (pure, used by the store and queries too).
- `kb.resolve.votes`: `vote_label`, `best_name` (corpus-level choices, pure).
"""
