"""The walk of a records root beside a query: started at once in a child process while the
query reads the cache, it tells whether any file changed since what the cache holds was
kept (cdsctl.repository)."""

from __future__ import annotations

from pathlib import Path

from ..load.files import FolderStamp, Seen, Stamp, seen, walk
from .cache import now_ns
from .gcpause import gc_paused


class Walking:
    """The walk of a root that tells whether its files changed, started at once.

    Called, it gives their stamps once :meth:`stamps` walked, else only their
    :class:`~cdsctl.load.files.Seen` (a digest: no map of every stamp, 105 MB at 305,061
    files), made by a child process (fork) while this one reads the cache (a stored
    answer, the snapshot): about a second each at that size, on two cores at once.  (Threads
    did not help: each stat hands the interpreter lock back and forth.)  `shares`: that
    many children, each walking its share of the folders (for a process that only waits:
    workers.walk_children).  :meth:`stamps` walks again when the map is wanted after all
    (a validation)."""

    def __init__(self, root: Path, shares: int = 1) -> None:
        from .workers import seen_in_child

        self.root = root
        self._stamps: dict[str, Stamp] | None = None
        self._seen: Seen | None = None
        self.folders: dict[str, FolderStamp] = {}
        self.stamps_ns: int | None = None  # when :meth:`stamps` began its walk
        self.began_ns = now_ns()  # (every walk it makes begins after)
        # (pid, read end of its pipe) of each child
        self._child = seen_in_child(root, shares) if shares > 0 else None

    def __call__(self) -> dict[str, Stamp] | Seen:
        if self._stamps is not None:
            return self._stamps
        if self._seen is None:
            from .workers import wait_for_seen

            self._seen = wait_for_seen(self._child) if self._child else None
            self._child = None
            if self._seen is None:  # (no fork, or the child failed: walked here)
                self._seen = seen(self.root)
        return self._seen

    @classmethod
    def here(cls, root: Path) -> Walking:
        """A walking that starts no child: :meth:`stamps` walks in this process."""
        return cls(root, shares=0)

    def done(self) -> bool:
        """Whether :meth:`__call__` answers at once (the walk's child has finished)."""
        if self._child is None:
            return True
        import select

        pipes = [read for _, read in self._child]
        return len(select.select(pipes, [], [], 0)[0]) == len(pipes)

    def stamps(self) -> dict[str, Stamp]:
        """Every file's stamp (and :attr:`folders`): a walk in this process."""
        if self._stamps is None:
            self.folders.clear()
            self.stamps_ns = now_ns()  # (a validation of these stamps began then)
            with gc_paused():
                self._stamps = walk(self.root, ordered=False, folders=self.folders)
        return self._stamps
