"""What queries read, kept in the cache for each version of the record files: any as-of date
is answered without reading a record, a shard or running a check again.

A validation that builds typed records (:func:`cdsctl.repository.load`) also keeps their
query view here (:mod:`.columns`): the tasks as columns (long text apart), the few other
records whole, and every task's report items already gathered and in date order, so the
state of every task as of any date (spec §4) needs no pass over the reports.  It is stored
with the digest of every file's stamp (:mod:`.store`) and serves only while the files are
the same, by the same rules as the validation cache.  After `validate` it is kept from the
validation cache's shards by a program of its own (:mod:`.keeper`); a query that finds none
yet makes its records from the shards one at a time (:mod:`.fromshards`); after an edit,
the snapshot kept is patched (:mod:`.patch`).  `show` reads one record's files through an
index kept beside it (:mod:`.where`, :mod:`.single`).

At 100,000 tasks and 200,000 reports a new as-of date costs the walk of the files, reading
this (≈ 0.3 s) and the states (bench/README.md) instead of a validation and typed records.
"""
