"""The YAML parser's (libyaml's) messages that the catalog translates, and the contexts
they name ("while parsing a block mapping"); a rarer one (a `%YAML` directive, a tag URI)
is shown as libyaml wrote it."""

from __future__ import annotations

from ..i18n import N_, Msg

#: libyaml's messages and contexts that the catalog translates
_SYNTAX = frozenset({
    N_("did not find expected key"),
    N_("did not find expected ',' or ']'"),
    N_("did not find expected ',' or '}'"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected <document start>"),
    N_("did not find expected node content"),
    N_("did not find expected comment or line break"),
    N_("did not find expected whitespace or line break"),
    N_("did not find expected alphabetic or numeric character"),
    N_("could not find expected ':'"),
    N_("mapping values are not allowed in this context"),
    N_("mapping keys are not allowed in this context"),
    N_("block sequence entries are not allowed in this context"),
    N_("found character that cannot start any token"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("found unexpected end of stream"),
    N_("found unexpected document indicator"),
    N_("found unexpected ':'"),
    N_("found unknown escape character"),
    N_("found undefined tag handle"),
    N_("found an indentation indicator equal to 0"),
    N_("control characters are not allowed"),
    N_("invalid YAML"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a block node"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow sequence"),
    N_("while parsing a flow node"),
    N_("while parsing a node"),
    N_("while parsing a quoted scalar"),
    N_("while parsing a tag"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while scanning a block scalar"),
    N_("while scanning an anchor"),
    N_("while scanning an alias"),
    N_("while scanning a tag"),
    N_("while scanning for the next token"),
})  # fmt: skip


def syntax_message(text: str) -> str:
    """A YAML parser's message, as a :class:`Msg` when the catalog translates it."""
    return Msg(text) if text in _SYNTAX else text
