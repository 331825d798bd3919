"""Economics scenario presets: TOML files in assets/scenarios/ (and a user folder) loaded into a
`ScenarioSet` by `load_scenarios()`; a broken file becomes a ScenarioError naming the file and the field.

A preset sets model parameters (each with its source; `PARAMETERS` in scenario_params.py has their
defaults and ranges), optional variants (e.g. before/after a halving), machines to compare, and
the published figures it should reproduce (checked against its report, report.py, at load time).
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.economy import economics as econ
from engine.economy.report import scenario_report
from engine.economy.scenario_params import PARAMETERS, check_parameter


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
    """A figure the scenario should reproduce: `metric` is a dotted path into the report. `kind`
    says what the figure is: "outside" (published outside the project: a deal, an index, an
    operator) or "worked example" (ECONOMICS.md's own arithmetic from the parameters: a check of
    the model's sums, not of the world)."""

    metric: str
    value: float
    tolerance: float
    source: str
    kind: str = "outside"


@dataclass(frozen=True)
class Variant:
    label: str
    overrides: dict[str, Figure]


PUBLISHED_KINDS = ("outside", "worked example")

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
    # [lesson] why_never (+ why_never_fr): why the lesson's keep-or-convert verdict never flips
    lesson: dict[str, str] = field(default_factory=dict)

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

    known = {
        *TRANSLATED,
        *(f"{f}_{lang}" for f in TRANSLATED for lang in TEXT_LANGUAGES),
        "order",
        "ai_mode",
        "parameters",
        "variants",
        "machines",
        "published",
        "lesson",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise ScenarioError(path, unknown[0], "unknown field")
    title = _text(path, data, "title")
    summary = _text(path, data, "summary")
    explanation = _text(path, data, "explanation")
    translations = {
        f"{f}_{lang}": _text(path, data, f"{f}_{lang}")
        for f in TRANSLATED
        for lang in TEXT_LANGUAGES
        if f"{f}_{lang}" in data
    }
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
        machines.append(
            Machine(
                raw["name"],
                _figure(path, f"machines[{i}].efficiency_j_per_th", raw["efficiency_j_per_th"], require_source),
            )
        )

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
        figure_kind = raw.get("kind", None if require_source else "outside")  # a preset must say which
        if figure_kind not in PUBLISHED_KINDS:
            raise ScenarioError(path, f"{where}.kind", f"must be one of {', '.join(PUBLISHED_KINDS)}")
        published.append(
            Published(raw["metric"], float(raw["value"]), float(tolerance), raw["source"], str(figure_kind))
        )

    raw_lesson = data.get("lesson", {})
    if not isinstance(raw_lesson, dict):
        raise ScenarioError(path, "lesson", "must be a table")
    lesson = {}
    for key, value in raw_lesson.items():
        if key not in ("why_never", "why_never_fr"):
            raise ScenarioError(path, f"lesson.{key}", "unknown field (why_never, why_never_fr)")
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(path, f"lesson.{key}", "must be a non-empty string")
        lesson[key] = " ".join(value.split())

    scenario = Scenario(
        path.stem,
        title,
        order,
        summary,
        explanation,
        path,
        origin,
        parameters,
        ai_mode,
        variants,
        tuple(machines),
        tuple(published),
        translations,
        lesson,
    )
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
