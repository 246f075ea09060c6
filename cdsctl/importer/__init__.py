"""Draft records from the text of a directive: the rules that read it (patterns), the agencies
it names, the drafts and what needs review."""
