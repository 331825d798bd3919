"""The report on a scenario: `scenario_report()`, everything the model says about a preset as a
JSON-ready dict (what the GUI's economics panel shows and `mine2compute scenario --json` prints),
`attack_figures()` for the 51% attack's cost, and `format_report()`, the same as plain text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.economy import attack_cost
from engine.economy import economics as econ
from engine.economy.scenario_params import PARAMETERS, SITE_PNL_KEYS
from engine.economy.units import usd_text

if TYPE_CHECKING:
    from engine.economy.scenarios import Scenario


def _network(values: dict[str, float]) -> dict[str, float]:
    args = (values["difficulty"], values["subsidy_btc"], values["fees_btc_per_block"])
    hp_btc = econ.hashprice_btc_per_ph_day(*args)
    hp_usd = econ.hashprice_usd_per_ph_day(*args, values["btc_price_usd"])
    return {
        "difficulty": values["difficulty"],
        "network_hashrate_eh_s": econ.network_hashrate_eh_s(values["difficulty"]),
        "subsidy_btc": values["subsidy_btc"],
        "hashprice_btc_per_ph_day": hp_btc,
        "hashprice_usd_per_ph_day": hp_usd,
    }


def _machine(values: dict[str, float], efficiency_j_per_th: float) -> dict[str, float]:
    network = _network(values)
    hashcost = econ.hashcost_usd_per_ph_day(efficiency_j_per_th, values["power_price_usd_per_kwh"])
    return {
        "efficiency_j_per_th": efficiency_j_per_th,
        "hashcost_usd_per_ph_day": hashcost,
        "margin_usd_per_ph_day": network["hashprice_usd_per_ph_day"] - hashcost,
        "breakeven_power_price_usd_per_kwh": econ.breakeven_power_price_usd_per_kwh(
            network["hashprice_usd_per_ph_day"], efficiency_j_per_th
        ),
        "energy_cost_usd_per_btc": econ.energy_cost_usd_per_btc(
            efficiency_j_per_th, values["power_price_usd_per_kwh"], network["hashprice_btc_per_ph_day"]
        ),
        "revenue_usd_per_kwh": econ.mining_revenue_usd_per_kwh(
            network["hashprice_usd_per_ph_day"], efficiency_j_per_th
        ),
    }


def _site(values: dict[str, float], ai_mode: str) -> dict[str, Any]:
    return econ.site_pnl(ai_mode=ai_mode, **{k: values[k] for k in SITE_PNL_KEYS}).as_dict()


def attack_figures(values: dict[str, float], share_left: float = 0.0) -> dict[str, float]:
    """A 51% attack two ways once a share has left: renting (before and after the retarget) and buying.

    Renting at hashprice: right after the exodus the smaller network is cheaper to match, by
    (1 - x); once difficulty retargets, hashprice rises by 1 / (1 - x) and renting costs the same
    as before: 1.1 x 144 x (S + F) x P a day. Buying machines falls with the exodus and stays down.
    """
    network = _network(values)
    hashrate = econ.network_hashrate_h_s(values["difficulty"]) * (1.0 - share_left)
    rental_price = network["hashprice_usd_per_ph_day"] * (1.0 + values["rental_premium"])
    after_day = attack_cost.attack_rental_usd_per_day_after_retarget(
        values["subsidy_btc"], values["fees_btc_per_block"], values["btc_price_usd"], values["rental_premium"]
    )
    return {
        "network_hashrate_eh_s": hashrate / 1e18,
        "rental_usd_per_hour": attack_cost.attack_cost_rental_usd_per_hour(hashrate, rental_price),
        "rental_usd_per_hour_after_retarget": after_day / 24.0,
        "hardware_usd": attack_cost.attack_cost_hardware_usd(
            hashrate, values["asic_price_usd_per_th"], values["efficiency_j_per_th"], values["power_price_usd_per_kwh"]
        ),
    }


_attack = attack_figures


def scenario_report(scenario: Scenario, overrides: dict[str, float] | None = None) -> dict[str, Any]:
    """Everything the model says about a scenario, as a JSON-ready dict (the GUI panel and the CLI)."""
    values = scenario.values(overrides)
    network = _network(values)
    mining = _machine(values, values["efficiency_j_per_th"])
    # One basis for all three: per kWh drawn from the grid (the AI hall's PUE applied).
    colocation = econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"], values["pue"])
    gpu_cloud = econ.gpu_cloud_revenue_usd_per_kwh(
        values["gpu_price_usd_per_gpu_hour"], values["power_per_gpu_kw"], values["gpu_utilisation"], values["pue"]
    )
    other_mode = next(m for m in econ.AI_MODES if m != scenario.ai_mode)
    report: dict[str, Any] = {
        "name": scenario.name,
        "title": scenario.title,
        "summary": scenario.summary,
        "explanation": scenario.explanation,
        "origin": scenario.origin,
        "path": str(scenario.path),
        "ai_mode": scenario.ai_mode,
        "parameters": {
            name: {
                "value": values[name],
                "unit": PARAMETERS[name].unit,
                "source": scenario.parameters[name].source if name not in (overrides or {}) else "set for this run",
            }
            for name in PARAMETERS
        },
        "network": network,
        "mining": mining,
        "machines": {m.name: _machine(values, m.efficiency_j_per_th.value) for m in scenario.machines},
        "revenue_per_kwh": {
            "basis": f"per kWh drawn from the grid (AI hall PUE {values['pue']:g}; mining PUE ~1)",
            "colocation_usd_per_it_kwh": econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"]),
            "mining_usd": mining["revenue_usd_per_kwh"],
            "colocation_usd": colocation,
            "gpu_cloud_usd": gpu_cloud,
            "colocation_vs_mining": colocation / mining["revenue_usd_per_kwh"]
            if mining["revenue_usd_per_kwh"]
            else None,
            "gpu_cloud_vs_mining": gpu_cloud / mining["revenue_usd_per_kwh"] if mining["revenue_usd_per_kwh"] else None,
        },
        "site": _site(values, scenario.ai_mode),
        "site_other_ai_mode": {"ai_mode": other_mode, **_site(values, other_mode)},
        "attack": _attack(values),
        "variants": {},
    }
    for vname, variant in scenario.variants.items():
        vvalues = dict(values)
        vvalues.update({k: fig.value for k, fig in variant.overrides.items()})
        report["variants"][vname] = {
            "label": variant.label,
            "changes": {k: fig.value for k, fig in variant.overrides.items()},
            **_network(vvalues),
            "mining": _machine(vvalues, vvalues["efficiency_j_per_th"]),
            "site": _site(vvalues, scenario.ai_mode),
        }
    if values["share_leaving"] > 0:
        exodus = econ.hashrate_exodus(
            share_leaving=values["share_leaving"],
            difficulty=values["difficulty"],
            subsidy_btc=values["subsidy_btc"],
            fees_btc_per_block=values["fees_btc_per_block"],
            btc_price_usd=values["btc_price_usd"],
        )
        report["exodus"] = {
            "share_leaving": values["share_leaving"],
            **exodus.as_dict(),
            "block_time_min_until_retarget": exodus.block_time_s_until_retarget / 60.0,
            "attack_after": _attack(values, values["share_leaving"]),
        }
        report["exodus"]["attack_hardware_change"] = (
            report["exodus"]["attack_after"]["hardware_usd"] / report["attack"]["hardware_usd"] - 1.0
        )
    report["published"] = []
    for item in scenario.published:
        try:
            model: float | None = _lookup(report, item.metric)
        except (KeyError, IndexError, TypeError):
            model = None  # load_scenario rejects such a file; kept None here for the message
        report["published"].append(
            {
                "metric": item.metric,
                "published": item.value,
                "model": model,
                "deviation": model / item.value - 1.0 if item.value and model is not None else None,
                "tolerance": item.tolerance,
                "source": item.source,
                "kind": item.kind,
            }
        )
    return report


def _lookup(report: dict[str, Any], metric: str) -> float:
    node: Any = report
    for part in metric.split("."):
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise TypeError(metric)
    return float(node)


# --- text output --------------------------------------------------------------------------------


def _per_ph(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}/PH/day"


def format_report(report: dict[str, Any]) -> str:
    """A plain-text report a teacher can read from the terminal."""
    import textwrap

    n, m, r, s = report["network"], report["mining"], report["revenue_per_kwh"], report["site"]
    p = report["parameters"]
    lines = [
        report["title"],
        "=" * len(report["title"]),
        textwrap.fill(report["summary"], 96),
        "",
        *textwrap.wrap(report["explanation"], 96),
        "",
        "Network",
        f"  difficulty {n['difficulty'] / 1e12:,.2f} T, hashrate {n['network_hashrate_eh_s']:,.0f} EH/s, "
        f"subsidy {n['subsidy_btc']:g} BTC + fees {p['fees_btc_per_block']['value']:g} BTC, "
        f"BTC ${p['btc_price_usd']['value']:,.0f}",
        f"  hashprice ${n['hashprice_usd_per_ph_day']:,.2f} per PH/s per day "
        f"({n['hashprice_btc_per_ph_day'] * 1e8:,.0f} sats)",
        "",
        f"Mining at {m['efficiency_j_per_th']:g} J/TH and ${p['power_price_usd_per_kwh']['value']:g}/kWh",
        f"  power cost {_per_ph(m['hashcost_usd_per_ph_day'])}, margin {_per_ph(m['margin_usd_per_ph_day'])}, "
        f"break-even power ${m['breakeven_power_price_usd_per_kwh']:.3f}/kWh, "
        f"power per BTC mined {usd_text(m['energy_cost_usd_per_btc'])}",
    ]
    for name, machine in report["machines"].items():
        verdict = "earns" if machine["margin_usd_per_ph_day"] >= 0 else "LOSES"
        lines.append(
            f"  {name} ({machine['efficiency_j_per_th']:g} J/TH): power ${machine['hashcost_usd_per_ph_day']:,.2f}/PH/day, "
            f"{verdict} ${abs(machine['margin_usd_per_ph_day']):,.2f}/PH/day"
        )
    lines += [
        "",
        f"Revenue {r['basis']}",
        f"  mining ${r['mining_usd']:.3f}, colocation lease ${r['colocation_usd']:.3f} "
        f"({r['colocation_vs_mining'] or 0:.1f}x), GPU cloud ${r['gpu_cloud_usd']:.2f} ({r['gpu_cloud_vs_mining'] or 0:.1f}x)",
    ]
    for vname, v in report["variants"].items():
        if vname == next(iter(report["variants"])):
            lines += ["", "Variants"]
        lines.append(
            f"  {v['label']}: hashprice ${v['hashprice_usd_per_ph_day']:,.2f}/PH/day, "
            f"mining margin {_per_ph(v['mining']['margin_usd_per_ph_day'])}"
        )
    for label, site in (
        ("Site", s),
        ("Same site, AI as " + report["site_other_ai_mode"]["ai_mode"].replace("_", " "), report["site_other_ai_mode"]),
    ):
        mode = report["ai_mode"] if site is s else site["ai_mode"]
        lines += [
            "",
            f"{label} ({p['mining_mw']['value']:g} MW mining, {p['ai_mw']['value']:g} MW AI = "
            f"{site['ai_it_mw']:,.0f} MW IT, {mode.replace('_', ' ')})",
            f"  mining: revenue {usd_text(site['mining_revenue_usd_per_day'] * 365)}/yr, "
            f"profit {usd_text(site['mining_profit_usd_per_day'] * 365)}/yr ({site['mining_hashrate_ph_s']:,.0f} PH/s)",
        ]
        if p["ai_mw"]["value"] == 0:
            lines.append(f"  total profit {usd_text(site['profit_usd_per_year'])}/yr")
            break
        lines += [
            f"  AI: revenue {usd_text(site['ai_revenue_usd_per_day'] * 365)}/yr, "
            f"profit {usd_text(site['ai_profit_usd_per_day'] * 365)}/yr, capex {usd_text(site['ai_capex_usd'])}",
            f"  total profit {usd_text(site['profit_usd_per_year'])}/yr once converted; year one "
            f"{usd_text(site['profit_usd_year_one'])} (the AI hall earns for "
            f"{site['ai_online_fraction_year_one'] * 12:.0f} of its first 12 months: "
            f"conversion takes {p['conversion_months']['value']:g})",
        ]
    a = report["attack"]
    lines += [
        "",
        "Cost of a 51% attack",
        f"  renting {a['network_hashrate_eh_s']:,.0f} EH/s: {usd_text(a['rental_usd_per_hour'])} per hour "
        "(no market rents a majority of Bitcoin's hashrate: a bound, not a price); "
        f"buying it: {usd_text(a['hardware_usd'])} (machines plus a day of power)",
    ]
    if "exodus" in report:
        x = report["exodus"]
        lines += [
            "",
            f"Exodus: {x['share_leaving'] * 100:g}% of the hashrate leaves",
            f"  blocks take {x['block_time_min_until_retarget']:.1f} min for {x['blocks_until_retarget']:,.0f} blocks "
            f"({x['hours_until_retarget'] / 24:.1f} days), then difficulty changes {x['difficulty_change'] * 100:+.1f}% "
            f"to {x['new_difficulty'] / 1e12:,.1f} T",
            f"  survivors' hashprice ${x['hashprice_usd_per_ph_day_before']:,.2f} -> ${x['hashprice_usd_per_ph_day_after']:,.2f}",
            f"  attack hardware cost {usd_text(a['hardware_usd'])} -> {usd_text(x['attack_after']['hardware_usd'])} "
            f"({x['attack_hardware_change'] * 100:+.0f}%); renting: "
            f"{usd_text(x['attack_after']['rental_usd_per_hour'])}/h before the retarget, "
            f"{usd_text(x['attack_after']['rental_usd_per_hour_after_retarget'])}/h after it (unchanged)",
        ]
    for kind, heading, word in (
        ("outside", "Figures published outside the project, checked", "published"),
        ("worked example", "Worked examples (ECONOMICS.md's arithmetic: the model's sums, not the world)", "example"),
    ):
        items = [item for item in report["published"] if item["kind"] == kind]
        if items:
            lines += ["", heading]
        for item in items:
            ok = "ok" if abs(item["deviation"]) <= item["tolerance"] else "OFF"
            lines.append(
                f"  {item['metric']}: {word} {item['published']:g}, model {item['model']:.4g} "
                f"({item['deviation'] * 100:+.1f}%, {ok}) - {item['source']}"
            )
    return "\n".join(lines)
