"""The records of one root as tables for comparing provinces (`cdsctl export`).

The Ministry compares 34 provinces and no repository holds them all, so each province
exports the same tables, with the province as a column of every one, and any engine that
reads a folder of Parquet (or CSV) files (DuckDB, Spark, Trino) queries them together.

:mod:`.tables` is the schema as data (each table's columns, their types, its key) and the
rows of each table from a loaded repository; :mod:`.province` what the province is called;
:mod:`.write` the files: Parquet through DuckDB (an optional extra), CSV with the standard
library, each written atomically and never over an earlier export without `force`.
docs/export.md documents every column, and a test holds it to :data:`.tables.SCHEMA`.
"""
