"""The process's open-file limit, raised as Bitcoin Core does (util/fs_helpers.cpp
RaiseFileDescriptorLimit): the node sizes its RPC connections with it, the class pool its
Stratum connections. One place for both: a server that takes sockets beyond the soft limit
(1,024 on most Linux systems) gets EMFILE from accept() and every client is refused."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

RESERVED_FDS = 128  # the process's own files (Core keeps MIN_CORE_FILEDESCRIPTORS and more)


def raise_fd_limit(max_connections: int, what: str = "connections") -> int:
    """Room for `max_connections` sockets plus the process's own files; returns the connection cap
    that fits (lower than asked, with one warning, if the hard limit is lower)."""
    try:
        import resource
    except ImportError:  # Windows: no per-process descriptor limit to raise
        return max_connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max_connections + RESERVED_FDS
    if soft != resource.RLIM_INFINITY and soft < want:
        new_soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
            soft = new_soft
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < want:
        capped = max(soft - RESERVED_FDS, 8)
        log.warning("file descriptor limit %d: %s capped at %d", soft, what, capped)
        return capped
    return max_connections
