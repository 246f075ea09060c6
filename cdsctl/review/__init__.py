"""What a range of commits does to the records, and the rules it must keep (`cdsctl review`).

One job: read the records at BASE and at HEAD (a commit, or the work tree), say in the
committee's words what changed between them (tasks added, closed, cancelled; deadlines
moved; reports filed; agencies; indicators; each agency's on-time rate), and find the
changes that rewrite facts (:mod:`.rules`, :mod:`.deadlines`).  :mod:`.sides` reads one side,
:mod:`.changes` compares them into a :class:`.items.Review`, :mod:`.formats` writes it as
text, a pull-request comment, GitHub annotations or JSON.
"""
