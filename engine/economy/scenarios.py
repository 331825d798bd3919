"""Economics scenario presets: TOML files in assets/scenarios/ (and a user folder), and their reports.

A preset sets model parameters (each with its source), optional variants (e.g. before/after a
halving), machines to compare, and the published figures it should reproduce. A broken file
yields a ScenarioError naming the file and the field; the other presets still load.
`main(argv)` is the `mine2compute scenario [NAME] [--json]` subcommand.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.economy import economics as econ

from engine.economy.scenario_params import (_SITE_KEYS, AI_MODE_SOURCE, PARAMETERS, ParameterSpec,  # noqa: F401
                                    check_parameter)


class ScenarioError(ValueError):
    """A preset file that cannot be used, naming the file and the field at fault."""

    def __init__(self, path: Path | str, field_name: str, problem: str):
        self.path = Path(path)
        self.field = field_name
        self.problem = problem
        where = f"field '{field_name}': " if field_name else ""
        super().__init__(f"{self.path.name}: {where}{problem}")


@dataclass(frozen=True)
class Figure:
    """A number with its unit and where it comes from."""
    value: float
    source: str


@dataclass(frozen=True)
class Machine:
    name: str
    efficiency_j_per_th: Figure


@dataclass(frozen=True)
class Published:
    """A published figure the scenario should reproduce: `metric` is a dotted path into the report."""
    metric: str
    value: float
    tolerance: float
    source: str


@dataclass(frozen=True)
class Variant:
    label: str
    overrides: dict[str, Figure]


# Read-aloud texts a preset may give in other languages too, as `summary_fr = "..."` beside `summary`.
TRANSLATED = ("title", "summary", "explanation")
TEXT_LANGUAGES = ("fr",)


@dataclass(frozen=True)
class Scenario:
    """A loaded preset. `parameters` is complete: defaults filled in for what the file leaves out."""
    name: str
    title: str
    order: int
    summary: str
    explanation: str
    path: Path
    origin: str  # "preset" or "user"
    parameters: dict[str, Figure]
    ai_mode: str
    variants: dict[str, Variant] = field(default_factory=dict)
    machines: tuple[Machine, ...] = ()
    published: tuple[Published, ...] = ()
    translations: dict[str, str] = field(default_factory=dict)  # "summary_fr": ..., from the file

    def text(self, name: str, lang: str = "en") -> str:
        """`title`, `summary` or `explanation` in `lang` when the file has it (`summary_fr`), else English."""
        return self.translations.get(f"{name}_{lang}") or getattr(self, name)

    def values(self, overrides: dict[str, float] | None = None) -> dict[str, float]:
        """Parameter name -> value, with `overrides` (checked against their ranges) applied."""
        values = {name: fig.value for name, fig in self.parameters.items()}
        for name, value in (overrides or {}).items():
            values[name] = check_parameter(name, value)
        return values


# --- folders and loading ------------------------------------------------------------------------

def preset_dir() -> Path:
    """assets/scenarios/ next to the packages (or inside a PyInstaller bundle)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    return base / "assets" / "scenarios"


def user_dir() -> Path:
    """Where users keep edited copies: $MINE2COMPUTE_SCENARIO_DIR, else the platform's data folder."""
    env = os.environ.get("MINE2COMPUTE_SCENARIO_DIR")
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_data_dir("mine2compute", appauthor=False)) / "scenarios"


def _figure(path: Path, field_name: str, raw: Any, require_source: bool) -> Figure:
    if isinstance(raw, dict):
        unknown = set(raw) - {"value", "source"}
        if unknown:
            raise ScenarioError(path, f"{field_name}.{sorted(unknown)[0]}", "unknown key (expected value, source)")
        if "value" not in raw:
            raise ScenarioError(path, f"{field_name}.value", "missing")
        value, source = raw["value"], raw.get("source", "")
    else:
        value, source = raw, ""
    if not isinstance(source, str) or (require_source and not source.strip()):
        raise ScenarioError(path, f"{field_name}.source", "every figure needs a source (a non-empty string)")
    name = field_name.rsplit(".", 1)[-1]
    try:
        number = check_parameter(name, value)
    except ValueError as exc:
        raise ScenarioError(path, field_name, str(exc)) from None
    return Figure(number, source.strip() or "edited by the user, no source given")


def _text(path: Path, data: dict, key: str, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScenarioError(path, key, "must be a non-empty string")
    return " ".join(value.split())


def load_scenario(path: Path | str, origin: str = "preset") -> Scenario:
    """Load and check one preset file; raises ScenarioError naming the file and field."""
    path = Path(path)
    require_source = origin == "preset"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(path, "", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(path, "", f"not valid TOML: {exc}") from None

    known = {*TRANSLATED, *(f"{f}_{lang}" for f in TRANSLATED for lang in TEXT_LANGUAGES), "order", "ai_mode", "parameters", "variants", "machines", "published"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ScenarioError(path, unknown[0], "unknown field")
    title = _text(path, data, "title")
    summary = _text(path, data, "summary")
    explanation = _text(path, data, "explanation")
    translations = {f"{f}_{lang}": _text(path, data, f"{f}_{lang}") for f in TRANSLATED for lang in TEXT_LANGUAGES
                    if f"{f}_{lang}" in data}
    order = data.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        raise ScenarioError(path, "order", "must be a whole number")

    ai_mode = data.get("ai_mode", "colocation")
    if ai_mode not in econ.AI_MODES:
        raise ScenarioError(path, "ai_mode", f"must be one of {', '.join(econ.AI_MODES)}, got {ai_mode!r}")

    raw_params = data.get("parameters", {})
    if not isinstance(raw_params, dict):
        raise ScenarioError(path, "parameters", "must be a table")
    parameters = {name: Figure(spec.default, spec.source) for name, spec in PARAMETERS.items()}
    for name, raw in raw_params.items():
        if name not in PARAMETERS:
            raise ScenarioError(path, f"parameters.{name}", "unknown parameter")
        parameters[name] = _figure(path, f"parameters.{name}", raw, require_source)

    variants: dict[str, Variant] = {}
    raw_variants = data.get("variants", {})
    if not isinstance(raw_variants, dict):
        raise ScenarioError(path, "variants", "must be a table of tables")
    for vname, raw in raw_variants.items():
        if not isinstance(raw, dict):
            raise ScenarioError(path, f"variants.{vname}", "must be a table")
        label = raw.get("label", vname)
        if not isinstance(label, str):
            raise ScenarioError(path, f"variants.{vname}.label", "must be a string")
        overrides = {}
        for name, value in raw.items():
            if name == "label":
                continue
            if name not in PARAMETERS:
                raise ScenarioError(path, f"variants.{vname}.{name}", "unknown parameter")
            overrides[name] = _figure(path, f"variants.{vname}.{name}", value, require_source)
        variants[vname] = Variant(label, overrides)

    machines = []
    raw_machines = data.get("machines", [])
    if not isinstance(raw_machines, list):
        raise ScenarioError(path, "machines", "must be an array of tables ([[machines]])")
    for i, raw in enumerate(raw_machines):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise ScenarioError(path, f"machines[{i}].name", "each machine needs a name")
        if "efficiency_j_per_th" not in raw:
            raise ScenarioError(path, f"machines[{i}].efficiency_j_per_th", "missing")
        machines.append(Machine(raw["name"], _figure(path, f"machines[{i}].efficiency_j_per_th",
                                                     raw["efficiency_j_per_th"], require_source)))

    published = []
    raw_published = data.get("published", [])
    if not isinstance(raw_published, list):
        raise ScenarioError(path, "published", "must be an array of tables ([[published]])")
    for i, raw in enumerate(raw_published):
        where = f"published[{i}]"
        if not isinstance(raw, dict):
            raise ScenarioError(path, where, "must be a table")
        for key, kind in (("metric", str), ("value", (int, float)), ("source", str)):
            if not isinstance(raw.get(key), kind) or isinstance(raw.get(key), bool):
                raise ScenarioError(path, f"{where}.{key}", "missing or of the wrong type")
        tolerance = raw.get("tolerance", 0.01)
        if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 < tolerance < 1:
            raise ScenarioError(path, f"{where}.tolerance", "must be a fraction in (0, 1)")
        published.append(Published(raw["metric"], float(raw["value"]), float(tolerance), raw["source"]))

    scenario = Scenario(path.stem, title, order, summary, explanation, path, origin, parameters, ai_mode,
                        variants, tuple(machines), tuple(published), translations)
    try:
        report = scenario_report(scenario)
    except ValueError as exc:  # a combination the model rejects, e.g. no subsidy and no fees
        raise ScenarioError(path, "parameters", str(exc)) from None
    # A published metric must name something the report has, so a typo is caught at load time.
    for i, item in enumerate(report["published"]):
        if item["model"] is None:
            raise ScenarioError(path, f"published[{i}].metric", f"{item['metric']!r} is not a number in the report")
    return scenario


@dataclass
class ScenarioSet:
    """All presets that loaded, by name (user copies replace presets of the same name), and the errors."""
    scenarios: dict[str, Scenario]
    errors: list[ScenarioError]

    def names(self) -> list[str]:
        return list(self.scenarios)


def load_scenarios(dirs: list[tuple[Path, str]] | None = None) -> ScenarioSet:
    """Load every *.toml from the preset folder, then the user folder; broken files become errors."""
    if dirs is None:
        dirs = [(preset_dir(), "preset"), (user_dir(), "user")]
    scenarios: dict[str, Scenario] = {}
    errors: list[ScenarioError] = []
    for folder, origin in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                scenarios[path.stem] = load_scenario(path, origin)
            except ScenarioError as exc:
                errors.append(exc)
    ordered = dict(sorted(scenarios.items(), key=lambda item: (item[1].order, item[0])))
    return ScenarioSet(ordered, errors)


def copy_to_user(name: str, scenarios: ScenarioSet | None = None) -> Path:
    """Copy a preset into the user folder for editing; returns the new path (never overwrites)."""
    scenarios = scenarios or load_scenarios()
    if name not in scenarios.scenarios:
        raise KeyError(name)
    target = user_dir() / f"{name}.toml"
    if target.exists():
        raise FileExistsError(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(scenarios.scenarios[name].path, target)
    return target


# --- the report ---------------------------------------------------------------------------------

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
            network["hashprice_usd_per_ph_day"], efficiency_j_per_th),
        "energy_cost_usd_per_btc": econ.energy_cost_usd_per_btc(
            efficiency_j_per_th, values["power_price_usd_per_kwh"], network["hashprice_btc_per_ph_day"]),
        "revenue_usd_per_kwh": econ.mining_revenue_usd_per_kwh(network["hashprice_usd_per_ph_day"],
                                                               efficiency_j_per_th),
    }


def _site(values: dict[str, float], ai_mode: str) -> dict[str, Any]:
    return econ.site_pnl(ai_mode=ai_mode, **{k: values[k] for k in _SITE_KEYS}).as_dict()


def attack_figures(values: dict[str, float], share_left: float = 0.0) -> dict[str, float]:
    """A 51% attack two ways once a share has left: renting (before and after the retarget) and buying.

    Renting at hashprice: right after the exodus the smaller network is cheaper to match, by
    (1 - x); once difficulty retargets, hashprice rises by 1 / (1 - x) and renting costs the same
    as before: 1.1 x 144 x (S + F) x P a day. Buying machines falls with the exodus and stays down.
    """
    network = _network(values)
    hashrate = econ.network_hashrate_h_s(values["difficulty"]) * (1.0 - share_left)
    rental_price = network["hashprice_usd_per_ph_day"] * (1.0 + values["rental_premium"])
    after_day = econ.attack_rental_usd_per_day_after_retarget(values["subsidy_btc"], values["fees_btc_per_block"],
                                                              values["btc_price_usd"], values["rental_premium"])
    return {
        "network_hashrate_eh_s": hashrate / 1e18,
        "rental_usd_per_hour": econ.attack_cost_rental_usd_per_hour(hashrate, rental_price),
        "rental_usd_per_hour_after_retarget": after_day / 24.0,
        "hardware_usd": econ.attack_cost_hardware_usd(hashrate, values["asic_price_usd_per_th"],
                                                      values["efficiency_j_per_th"], values["power_price_usd_per_kwh"]),
    }


_attack = attack_figures


def scenario_report(scenario: Scenario, overrides: dict[str, float] | None = None) -> dict[str, Any]:
    """Everything the model says about a scenario, as a JSON-ready dict (the GUI panel and the CLI)."""
    values = scenario.values(overrides)
    network = _network(values)
    mining = _machine(values, values["efficiency_j_per_th"])
    # One basis for all three: per kWh drawn from the grid (the AI hall's PUE applied).
    colocation = econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"], values["pue"])
    gpu_cloud = econ.gpu_cloud_revenue_usd_per_kwh(values["gpu_price_usd_per_gpu_hour"], values["power_per_gpu_kw"],
                                                   values["gpu_utilisation"], values["pue"])
    other_mode = next(m for m in econ.AI_MODES if m != scenario.ai_mode)
    report: dict[str, Any] = {
        "name": scenario.name,
        "title": scenario.title,
        "summary": scenario.summary,
        "explanation": scenario.explanation,
        "origin": scenario.origin,
        "path": str(scenario.path),
        "ai_mode": scenario.ai_mode,
        "parameters": {name: {"value": values[name], "unit": PARAMETERS[name].unit,
                              "source": scenario.parameters[name].source if name not in (overrides or {})
                              else "set for this run"}
                       for name in PARAMETERS},
        "network": network,
        "mining": mining,
        "machines": {m.name: _machine(values, m.efficiency_j_per_th.value) for m in scenario.machines},
        "revenue_per_kwh": {
            "basis": f"per kWh drawn from the grid (AI hall PUE {values['pue']:g}; mining PUE ~1)",
            "colocation_usd_per_it_kwh": econ.colocation_revenue_usd_per_kwh(values["lease_usd_per_mw_it_year"]),
            "mining_usd": mining["revenue_usd_per_kwh"],
            "colocation_usd": colocation,
            "gpu_cloud_usd": gpu_cloud,
            "colocation_vs_mining": colocation / mining["revenue_usd_per_kwh"] if mining["revenue_usd_per_kwh"] else None,
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
        report["variants"][vname] = {"label": variant.label,
                                     "changes": {k: fig.value for k, fig in variant.overrides.items()},
                                     **_network(vvalues),
                                     "mining": _machine(vvalues, vvalues["efficiency_j_per_th"]),
                                     "site": _site(vvalues, scenario.ai_mode)}
    if values["share_leaving"] > 0:
        exodus = econ.hashrate_exodus(share_leaving=values["share_leaving"], difficulty=values["difficulty"],
                                      subsidy_btc=values["subsidy_btc"], fees_btc_per_block=values["fees_btc_per_block"],
                                      btc_price_usd=values["btc_price_usd"])
        report["exodus"] = {"share_leaving": values["share_leaving"], **exodus.as_dict(),
                            "block_time_min_until_retarget": exodus.block_time_s_until_retarget / 60.0,
                            "attack_after": _attack(values, values["share_leaving"])}
        report["exodus"]["attack_hardware_change"] = (report["exodus"]["attack_after"]["hardware_usd"]
                                                      / report["attack"]["hardware_usd"] - 1.0)
    report["published"] = []
    for item in scenario.published:
        try:
            model: float | None = _lookup(report, item.metric)
        except (KeyError, IndexError, TypeError):
            model = None  # load_scenario rejects such a file; kept None here for the message
        report["published"].append({"metric": item.metric, "published": item.value, "model": model,
                                    "deviation": model / item.value - 1.0 if item.value and model is not None else None,
                                    "tolerance": item.tolerance, "source": item.source})
    return report


def _lookup(report: dict[str, Any], metric: str) -> float:
    node: Any = report
    for part in metric.split("."):
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise TypeError(metric)
    return float(node)


# --- text output --------------------------------------------------------------------------------

def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{sign}${value / size:,.2f}{suffix}"
    return f"{sign}${value:,.2f}"


def _per_ph(value: float) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}/PH/day"


def format_report(report: dict[str, Any]) -> str:
    """A plain-text report a teacher can read from the terminal."""
    import textwrap
    n, m, r, s = report["network"], report["mining"], report["revenue_per_kwh"], report["site"]
    p = report["parameters"]
    lines = [report["title"], "=" * len(report["title"]), textwrap.fill(report["summary"], 96), "",
             *textwrap.wrap(report["explanation"], 96), "",
             "Network",
             f"  difficulty {n['difficulty'] / 1e12:,.2f} T, hashrate {n['network_hashrate_eh_s']:,.0f} EH/s, "
             f"subsidy {n['subsidy_btc']:g} BTC + fees {p['fees_btc_per_block']['value']:g} BTC, "
             f"BTC ${p['btc_price_usd']['value']:,.0f}",
             f"  hashprice ${n['hashprice_usd_per_ph_day']:,.2f} per PH/s per day "
             f"({n['hashprice_btc_per_ph_day'] * 1e8:,.0f} sats)", "",
             f"Mining at {m['efficiency_j_per_th']:g} J/TH and ${p['power_price_usd_per_kwh']['value']:g}/kWh",
             f"  power cost {_per_ph(m['hashcost_usd_per_ph_day'])}, margin {_per_ph(m['margin_usd_per_ph_day'])}, "
             f"break-even power ${m['breakeven_power_price_usd_per_kwh']:.3f}/kWh, "
             f"power per BTC mined {_money(m['energy_cost_usd_per_btc'])}"]
    for name, machine in report["machines"].items():
        verdict = "earns" if machine["margin_usd_per_ph_day"] >= 0 else "LOSES"
        lines.append(f"  {name} ({machine['efficiency_j_per_th']:g} J/TH): power ${machine['hashcost_usd_per_ph_day']:,.2f}/PH/day, "
                     f"{verdict} ${abs(machine['margin_usd_per_ph_day']):,.2f}/PH/day")
    lines += ["", f"Revenue {r['basis']}",
              f"  mining ${r['mining_usd']:.3f}, colocation lease ${r['colocation_usd']:.3f} "
              f"({r['colocation_vs_mining'] or 0:.1f}x), GPU cloud ${r['gpu_cloud_usd']:.2f} ({r['gpu_cloud_vs_mining'] or 0:.1f}x)"]
    for vname, v in report["variants"].items():
        if vname == next(iter(report["variants"])):
            lines += ["", "Variants"]
        lines.append(f"  {v['label']}: hashprice ${v['hashprice_usd_per_ph_day']:,.2f}/PH/day, "
                     f"mining margin {_per_ph(v['mining']['margin_usd_per_ph_day'])}")
    for label, site in (("Site", s), ("Same site, AI as " + report["site_other_ai_mode"]["ai_mode"].replace("_", " "),
                                       report["site_other_ai_mode"])):
        mode = report["ai_mode"] if site is s else site["ai_mode"]
        lines += ["", f"{label} ({p['mining_mw']['value']:g} MW mining, {p['ai_mw']['value']:g} MW AI = "
                      f"{site['ai_it_mw']:,.0f} MW IT, {mode.replace('_', ' ')})",
                  f"  mining: revenue {_money(site['mining_revenue_usd_per_day'] * 365)}/yr, "
                  f"profit {_money(site['mining_profit_usd_per_day'] * 365)}/yr ({site['mining_hashrate_ph_s']:,.0f} PH/s)",
                  ]
        if p["ai_mw"]["value"] == 0:
            lines.append(f"  total profit {_money(site['profit_usd_per_year'])}/yr")
            break
        lines += [f"  AI: revenue {_money(site['ai_revenue_usd_per_day'] * 365)}/yr, "
                  f"profit {_money(site['ai_profit_usd_per_day'] * 365)}/yr, capex {_money(site['ai_capex_usd'])}",
                  f"  total profit {_money(site['profit_usd_per_year'])}/yr once converted; year one "
                  f"{_money(site['profit_usd_year_one'])} (the AI hall earns for "
                  f"{site['ai_online_fraction_year_one'] * 12:.0f} of its first 12 months: "
                  f"conversion takes {p['conversion_months']['value']:g})"]
    a = report["attack"]
    lines += ["", "Cost of a 51% attack",
              f"  renting {a['network_hashrate_eh_s']:,.0f} EH/s: {_money(a['rental_usd_per_hour'])} per hour "
              "(no market rents a majority of Bitcoin's hashrate: a bound, not a price); "
              f"buying it: {_money(a['hardware_usd'])} (machines plus a day of power)"]
    if "exodus" in report:
        x = report["exodus"]
        lines += ["", f"Exodus: {x['share_leaving'] * 100:g}% of the hashrate leaves",
                  f"  blocks take {x['block_time_min_until_retarget']:.1f} min for {x['blocks_until_retarget']:,.0f} blocks "
                  f"({x['hours_until_retarget'] / 24:.1f} days), then difficulty changes {x['difficulty_change'] * 100:+.1f}% "
                  f"to {x['new_difficulty'] / 1e12:,.1f} T",
                  f"  survivors' hashprice ${x['hashprice_usd_per_ph_day_before']:,.2f} -> ${x['hashprice_usd_per_ph_day_after']:,.2f}",
                  f"  attack hardware cost {_money(a['hardware_usd'])} -> {_money(x['attack_after']['hardware_usd'])} "
                  f"({x['attack_hardware_change'] * 100:+.0f}%); renting: "
                  f"{_money(x['attack_after']['rental_usd_per_hour'])}/h before the retarget, "
                  f"{_money(x['attack_after']['rental_usd_per_hour_after_retarget'])}/h after it (unchanged)"]
    if report["published"]:
        lines += ["", "Published figures, checked"]
        for item in report["published"]:
            ok = "ok" if abs(item["deviation"]) <= item["tolerance"] else "OFF"
            lines.append(f"  {item['metric']}: published {item['published']:g}, model {item['model']:.4g} "
                         f"({item['deviation'] * 100:+.1f}%, {ok}) - {item['source']}")
    return "\n".join(lines)


# --- the subcommand -----------------------------------------------------------------------------

def _parse_set(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name.strip()}: not a number: {value!r}") from None


def main(argv: list[str] | None = None) -> int:
    """`mine2compute scenario [NAME] [--json] [--set NAME=VALUE ...] [--copy]`."""
    parser = argparse.ArgumentParser(
        prog="mine2compute scenario",
        description="List the economics presets, or print one scenario's report.",
        epilog=f"Presets: {preset_dir()}. Your edited copies: {user_dir()} "
               "(or $MINE2COMPUTE_SCENARIO_DIR); a copy replaces the preset of the same name.")
    parser.add_argument("name", nargs="?", help="scenario to report on (omit to list them)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument("--set", dest="overrides", action="append", type=_parse_set, default=[],
                        metavar="NAME=VALUE", help="change one parameter for this report (repeatable)")
    parser.add_argument("--copy", action="store_true", help="copy the preset into your folder to edit it")
    parser.add_argument("--params", action="store_true", help="list the parameters, their ranges and sources")
    parser.add_argument("--check", action="store_true",
                        help="recompute the shipped public hashprice observations and print each error")
    args = parser.parse_args(argv)

    if args.check:
        from engine.economy.observations import check_observations, format_checks
        try:
            checks = check_observations()
        except ValueError as exc:
            print(f"mine2compute scenario --check: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps([{"date": c.date, "metric": c.metric, "published": c.published, "model": c.model,
                               "error": c.error, "ok": c.ok, "source": c.source, "url": c.url} for c in checks], indent=2))
        else:
            print(format_checks(checks))
        return 0 if checks and all(c.ok for c in checks) else 1

    if args.params:
        rows = {name: {"default": s.default, "low": s.low, "high": s.high, "unit": s.unit, "label": s.label,
                       "source": s.source} for name, s in PARAMETERS.items()}
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            for name, row in rows.items():
                print(f"{name:<32} {row['default']:>12g} in [{row['low']:g}, {row['high']:g}] {row['unit']}  {row['label']}")
        return 0

    loaded = load_scenarios()
    for error in loaded.errors:
        if args.name is None or error.path.stem == args.name:
            print(f"mine2compute scenario: {error}", file=sys.stderr)

    if args.name is None:
        if args.json:
            print(json.dumps([{"name": s.name, "title": s.title, "summary": s.summary, "origin": s.origin,
                               "path": str(s.path)} for s in loaded.scenarios.values()], indent=2))
        else:
            for s in loaded.scenarios.values():
                mark = " (your copy)" if s.origin == "user" else ""
                print(f"{s.name:<20} {s.title}{mark}")
        return 0

    scenario = loaded.scenarios.get(args.name)
    if scenario is None:
        if not any(e.path.stem == args.name for e in loaded.errors):
            print(f"mine2compute scenario: no scenario named {args.name!r}; "
                  f"choose from: {', '.join(loaded.names())}", file=sys.stderr)
        return 1
    if args.copy:
        try:
            target = copy_to_user(args.name, loaded)
        except FileExistsError as exc:
            print(f"mine2compute scenario: {exc.args[0]} already exists; edit it there", file=sys.stderr)
            return 1
        print(target)
        return 0
    try:
        report = scenario_report(scenario, dict(args.overrides))
    except ValueError as exc:
        print(f"mine2compute scenario: --set {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
