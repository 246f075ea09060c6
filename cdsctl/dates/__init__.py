"""Dates: ISO dates in records (and explaining those that are not), as-of expressions on the
command line, Vietnamese working days, and the periods of recurring tasks and indicators."""
