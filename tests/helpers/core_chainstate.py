"""Bitcoin Core's own validation (libbitcoinkernel, through py-bitcoinkernel) as the tests' oracle."""

from __future__ import annotations

import pbk  # py-bitcoinkernel, in the `test` extra: a missing oracle is a failure, not a skip


class CoreChainstate:
    """A regtest ChainstateManager in a temp data dir (in-memory databases), recording every
    block_checked verdict."""

    def __init__(self, datadir):
        self.verdicts: list[tuple[str, pbk.ValidationMode, pbk.BlockValidationResult]] = []
        callbacks = pbk.ValidationInterfaceCallbacks(block_checked=self._checked)
        context = pbk.make_context(pbk.ChainType.REGTEST, validation_callbacks=callbacks)
        options = pbk.ChainstateManagerOptions(context, str(datadir), str(datadir / "blocks"))
        options.update_block_tree_db_in_memory(True)
        options.update_chainstate_db_in_memory(True)
        self.chainman = pbk.ChainstateManager(options)

    def _checked(self, _user_data, block, state) -> None:
        self.verdicts.append((str(block.block_hash), state.validation_mode, state.block_validation_result))

    def feed(self, raw_blocks: list[bytes]) -> list[int]:
        """Process the blocks in order; the indexes of those Core refused."""
        refused = []
        for index, raw in enumerate(raw_blocks):
            try:
                self.chainman.process_block(pbk.Block(raw))
            except pbk.ProcessBlockException:
                refused.append(index)
        return refused

    @property
    def tip(self) -> tuple[int, str]:
        """Height and hash of the active chain's tip (not best_entry: the most-work header)."""
        entry = self.chainman.get_active_chain().block_tree_entries[-1]
        return entry.height, str(entry.block_hash)
