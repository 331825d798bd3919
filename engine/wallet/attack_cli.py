"""`mine2compute attack --rpc-url URL (--rpc-cookie FILE | --rpc-user U) --attacker-cores N
--honest-cores M --confirmations Z [--amount BTC] [--json]`: one 51% double-spend race on a lab
chain (engine.wallet.race), this machine playing both the honest network and the attacker.

The attacker's wallet is `--wallet DIR` (default: a folder of its own under the platform's data
folder); when it cannot pay `--amount`, this machine first mines 101 blocks to it on all the race's
cores (on a lab chain, about 101 block times)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from engine.primitives.chain import COINBASE_MATURITY
from engine.primitives.rpcauth import RPC_PASSWORD_ENV as PASSWORD_ENV

DEFAULT_PRESET = "corsicana-split"  # the Economics tab's default: the world the cost is priced in


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mine2compute attack",
        description="Run a 51%% double-spend race on a lab chain: a second miner on --honest-cores plays the "
        "honest network, the attacker mines a private branch on --attacker-cores, the merchant waits "
        "--confirmations. Prints q (the attacker's share of the hashes measured), Nakamoto's P, the blocks "
        "on each side, whether the payment vanished and the reorg depth.",
    )
    p.add_argument("--rpc-url", required=True, help="node RPC URL, e.g. http://127.0.0.1:18443")
    auth = p.add_mutually_exclusive_group(required=True)
    auth.add_argument("--rpc-cookie", metavar="FILE", help="cookie file, e.g. DATADIR/lab/.cookie")
    auth.add_argument("--rpc-user", metavar="USER", help="rpcuser (with --rpc-password or $" + PASSWORD_ENV + ")")
    p.add_argument("--rpc-password", metavar="PASSWORD", help="rpcpassword (prefer $" + PASSWORD_ENV + ")")
    p.add_argument("--attacker-cores", type=int, required=True, metavar="N", help="cores mining the private branch")
    p.add_argument("--honest-cores", type=int, required=True, metavar="M", help="cores mining the public chain")
    p.add_argument("--confirmations", type=int, required=True, metavar="Z", help="what the merchant waits for")
    p.add_argument("--amount", default="1", metavar="BTC", help="the payment (default 1 BTC)")
    p.add_argument("--give-up-behind", type=int, default=8, metavar="D", help="abandon D blocks behind (default 8)")
    p.add_argument("--timeout", type=float, default=900.0, metavar="S", help="end the race after S seconds")
    p.add_argument("--wallet", type=Path, default=None, metavar="DIR", help="the attacker's wallet folder")
    p.add_argument("--kernel", choices=("scalar", "lanes8", "lanes16", "shani"), help="force a kernel")
    p.add_argument("--preset", default=DEFAULT_PRESET, help="scenario the world cost is priced in")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    return p


def world_cost(q: float, seconds: float, preset: str, block_spacing_s: float) -> dict:
    """The attack's cost in world money: the attacker's share of the world's hashrate rented, or
    bought, for the race's length in world time (engine.economy.attack_cost.lab_attack_cost)."""
    from engine.economy.attack_cost import lab_attack_cost
    from engine.economy.scenarios import load_scenarios

    scenario = load_scenarios().scenarios.get(preset)
    if scenario is None or not 0 <= q < 1:
        return {}
    cost = lab_attack_cost(q, seconds, block_spacing_s, scenario.values())
    return {
        "preset": preset,
        "world_hours": cost.world_hours,
        "attacker_world_eh_s": cost.attacker_world_h_s / 1e18,
        "rental_usd": cost.rental_usd,
        "hardware_usd": cost.hardware_usd,
    }


def _default_wallet_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("mine2compute", appauthor=False)) / "attack-wallet"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from engine.rpc import RPCClient, RPCError
    from engine.wallet.attack import AttackError
    from engine.wallet.race import LabRace, RaceRules, fund
    from engine.wallet.tx import SendError, parse_btc
    from engine.wallet.wallet import KeyFileError, Wallet

    def fail(message: str) -> int:
        print(f"mine2compute attack: {message}", file=sys.stderr)
        return 2

    try:
        amount = parse_btc(args.amount)
        rules = RaceRules(args.confirmations, args.give_up_behind)
        for name in ("attacker_cores", "honest_cores"):
            if getattr(args, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1")
        password = args.rpc_password if args.rpc_password is not None else os.environ.get(PASSWORD_ENV)
        rpc = RPCClient(args.rpc_url, cookie_file=args.rpc_cookie, user=args.rpc_user, password=password)
    except ValueError as exc:
        return fail(str(exc))
    folder = args.wallet or _default_wallet_dir()
    try:
        wallet = Wallet.open(folder)
        merchant = Wallet.open(folder / "merchant")
    except (KeyFileError, OSError) as exc:
        return fail(str(exc))
    say = (lambda text: print(text, file=sys.stderr, flush=True)) if args.json else print
    try:
        state = wallet.refresh(rpc)
        if sum(c.value_sat for c in state.coins) < amount + 100_000:
            say(f"funding the attacker's wallet: mining {COINBASE_MATURITY + 1} blocks to it first")
            fund(rpc, wallet, COINBASE_MATURITY + 1, args.attacker_cores + args.honest_cores, args.kernel)
        race = LabRace(
            rpc,
            wallet,
            merchant.receive_address(),
            amount,
            args.attacker_cores,
            args.honest_cores,
            rules,
            timeout_s=args.timeout,
            kernel=args.kernel,
        )
        result = race.run()
    except (SendError, AttackError) as exc:
        return fail(str(exc))
    except RPCError as exc:
        return fail(f"the node refused or cannot be reached: {exc}")
    except KeyboardInterrupt:
        return fail("interrupted")
    try:
        from engine.primitives.params import ConsensusParams

        spacing = ConsensusParams.from_consensus(rpc.call("getblockchaininfo").get("consensus")).target_spacing_s
        cost = world_cost(result.q, result.seconds, args.preset, float(spacing))
    except (RPCError, ValueError):
        cost = {}
    if args.json:
        print(json.dumps(dict(result.as_dict(), world_cost=cost), indent=2))
    else:
        vanished = "vanished" if not result.payment_in_active_chain else "stayed in the chain"
        print(
            f"{result.result}: {result.private_blocks} private blocks against {result.public_blocks} public "
            f"({result.reason}); the payment {result.payment_txid} {vanished}; reorg depth {result.reorg_depth}\n"
            f"q = {result.q:.3f} measured from the miners' hashes ({result.attacker_hs:,.0f} against "
            f"{result.honest_hs:,.0f} H/s over {result.seconds:.1f} s); Nakamoto's P for q and z = "
            f"{result.confirmations}: {result.p_nakamoto:.3f} (these rules exactly: {result.p_race:.3f})"
        )
        if cost:
            print(
                f"in the world ({cost['preset']}): {cost['attacker_world_eh_s']:,.0f} EH/s for "
                f"{cost['world_hours']:.2f} h, ${cost['rental_usd'] / 1e6:,.1f}M rented (no market rents that "
                f"much) or ${cost['hardware_usd'] / 1e9:,.1f}B of machines and power"
            )
    return 0
