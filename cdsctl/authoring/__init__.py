"""Writing records: a new records repository, new records and edits of existing ones, each
checked with the whole records root before it lands."""
