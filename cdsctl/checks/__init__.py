"""Checks: per-record rules (:mod:`.record`) and rules across the whole root (:mod:`.crossfile`)."""
