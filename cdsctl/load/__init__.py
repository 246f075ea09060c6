"""Reading a records root: finding it, listing its record files with their stamps, reading
one file's bytes into YAML text (and a Markdown body), and YAML text into plain data — the
exact loader with positions and the yaml-rs fast path, with one meaning.

Nothing here checks a record against the format: that is :mod:`cdsctl.checks`.
"""
