"""Vardiff: each connection's share difficulty, from the work it did (engine.pool.server calls it
after each accepted share and once a second).

It lowers a difficulty only on evidence of a lower hashrate: the rate between a connection's
shares, not counting silences (a paused cpuminer, a laptop asleep are not slower miners).
Silence alone eases by half per SILENCE_STEP_S at most: making the work 64x easier during a
pause had cpuminer send ~500 shares in half a second on resume, and the flood limit kicked it.
Shares well above the aim raise it at once. Never above the block's difficulty (a hash that
meets the block target must reach the pool); an easier difficulty comes with clean work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.pool.session import MAX_DIFFICULTY
from engine.primitives.pow import difficulty_for_target

if TYPE_CHECKING:
    from engine.pool.server import Pool
    from engine.pool.session import Session

RETARGET_S = 3.0
SILENCE_STEP_S = 30.0  # silence eases the difficulty by half per this many seconds, no faster


def retarget(pool: Pool, session: Session, now_s: float) -> None:
    """Set `session`'s difficulty for about pool.shares_per_s shares a second, if it is due."""
    elapsed_s = now_s - session.vd_start_s
    aim, shares = pool.shares_per_s, session.vd_shares
    # from the work done, not the number of shares: shares still arriving from older jobs at
    # a lower difficulty must not count as many at the new one (that overshot by 64x twice in
    # a row with cpuminer, which then sat for seconds on a far too hard target); the first
    # share only opens the span the others are counted over
    span_s = session.vd_last_s - session.vd_first_s
    work_rate = (session.vd_work - session.vd_first_work) / max(span_s, 0.05) if shares >= 2 else 0.0
    fast = shares >= 4 * aim * RETARGET_S or (shares >= 2 * aim and work_rate >= 2 * aim * session.difficulty)
    spanned = span_s >= RETARGET_S / 2  # a rate read over time, not from two shares in a burst
    if not (fast or (elapsed_s >= RETARGET_S and (spanned or shares < 2))):
        return
    if shares < 2:
        if now_s - max(session.vd_last_s, session.vd_eased_s) < SILENCE_STEP_S:
            return  # the period goes on until there is a rate to read
        session.vd_eased_s = now_s
        wanted = session.difficulty / 2
    else:
        # a quick raise on a handful of shares is noisy: at most 4x; a full period's reading up to 64x
        up = 64 if shares >= 4 * aim * RETARGET_S or spanned else 4
        wanted = min(max(work_rate / aim, session.difficulty / 8), session.difficulty * up)
        session.restart_vardiff(now_s)
    current = pool._current
    if current is not None:
        wanted = min(wanted, difficulty_for_target(current.template.target))
    wanted = min(max(wanted, pool.min_difficulty), MAX_DIFFICULTY)
    if abs(wanted / session.difficulty - 1) < 0.25:
        return
    easier = wanted < session.difficulty
    pool._set_difficulty(session, wanted)
    if current is not None and not current.stale and session.workers:
        clone = current.clone()  # the same work under an id that carries the new difficulty
        pool._add_job(clone)
        # an easier target is sent as clean work: cpuminer otherwise keeps scanning its old,
        # harder job until it finds a share there (up to a minute on a slow or busy machine),
        # and its shares and the class's view of it stall meanwhile. Old jobs stay valid.
        session.send_job(clone, easier)
