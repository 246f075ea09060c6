"""What cdsctl's messages propose: the value a wrong one was meant to be, the closest known
names, the field a misspelt key stands for.

Each function runs only once a value is already wrong (never on the happy path) and returns
None when it has no proposal it is sure of.  Nothing here reads files or knows the records.
"""
