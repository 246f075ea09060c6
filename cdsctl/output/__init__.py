"""Turning results into text for people and programs: diagnostics (text, JSON, GitHub),
rows as tables/CSV/Markdown/JSON, one record with its references, and iCalendar feeds.

Every function returns text or writes to a stream it is given; nothing here exits.
"""
