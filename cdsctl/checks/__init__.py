"""The record format's rules: those one record is checked against on its own
(:mod:`.record`, and :mod:`.fast`, the same rules compiled for the happy path), and those
across the whole root (:mod:`.crossfile`: ids and references; :mod:`.cycles`;
:mod:`.crossdates`: dates across records), which read the summaries of :mod:`.index`."""
