"""The registry of Metropolis members and alliances that printed names resolve against.

The registry is data (`data/registry.yaml`), edited by archivists by hand or through
`add_alias` (what `metroextract review accept NAME ID` calls). It is validated on load:
a bad file raises `RegistryError` at once, before any report is touched, because every
resolution made with an inconsistent registry would be wrong in a way nobody sees.

Lookups compare names after `text.fold` (casefold, accents stripped, punctuation to
spaces), so "Xí'an", "XI'AN" and "Xi an" are one key; validation uses the same function,
so two ids can never claim one key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from metroextract.errors import RegistryError
from metroextract.text import fold

__all__ = [
    "ENV_VAR",
    "PACKAGED_REGISTRY",
    "REGIONS",
    "Entity",
    "Kind",
    "Names",
    "Registry",
    "RegistryError",
    "add_alias",
    "dump_registry",
    "load_registry",
]

ENV_VAR = "METROEXTRACT_REGISTRY"
PACKAGED_REGISTRY = Path(__file__).parent / "data" / "registry.yaml"

Kind = Literal["member", "alliance"]
Region = Literal["africa", "asia-pacific", "europe", "north-america", "latin-america-caribbean"]
REGIONS: tuple[str, ...] = (
    "africa",
    "asia-pacific",
    "europe",
    "north-america",
    "latin-america-caribbean",
)
# The C loader is ten times faster and parses the same YAML; fall back when it is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SECTIONS: dict[Kind, str] = {"member": "members", "alliance": "alliances"}
_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Names(_Frozen):
    """The name Metropolis prints in each edition."""

    en: str
    fr: str
    es: str

    @field_validator("en", "fr", "es")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not fold(value):
            raise ValueError("name is empty once normalized")
        return value


class Entity(_Frozen):
    """One member or alliance: a stable id, its printed names and other real names."""

    id: str = Field(pattern=_ID_PATTERN)
    names: Names
    region: Region | None = None
    honorary: bool = False
    aliases: tuple[str, ...] = ()

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for alias in value:
            if not fold(alias):
                raise ValueError(f"alias {alias!r} is empty once normalized")
        return value

    @property
    def canonical_name(self) -> str:
        """The English name: ids are slugs of it, and it is the same in every report."""
        return self.names.en

    def spellings(self) -> Iterator[tuple[str, Literal["exact", "alias"]]]:
        """Every registered string with how a match on it is recorded, names first."""
        for name in (self.names.en, self.names.fr, self.names.es):
            yield name, "exact"
        for alias in self.aliases:
            yield alias, "alias"


class Registry(_Frozen):
    """Members and alliances, with normalized-key indexes built once on validation."""

    members: tuple[Entity, ...]
    alliances: tuple[Entity, ...]

    # kind -> normalized key -> (entity, "exact" | "alias")
    _index: dict[str, dict[str, tuple[Entity, str]]] = PrivateAttr(default_factory=dict)
    _by_id: dict[str, dict[str, Entity]] = PrivateAttr(default_factory=dict)
    _choices: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_and_index(self) -> Registry:
        problems: list[str] = []
        for kind, section in _SECTIONS.items():
            by_id: dict[str, Entity] = {}
            index: dict[str, tuple[Entity, str]] = {}
            for entity in getattr(self, section):
                if entity.id in by_id:
                    problems.append(f"{section}: duplicate id {entity.id!r}")
                    continue
                by_id[entity.id] = entity
                if kind == "member" and entity.region is None:
                    problems.append(f"{section}: {entity.id!r} has no region")
                for text, method in entity.spellings():
                    key = fold(text)
                    owner = index.get(key)
                    if owner is None:
                        index[key] = (entity, method)
                    elif owner[0].id != entity.id:
                        problems.append(f"{section}: {text!r} of {entity.id!r} (normalized {key!r}) is already claimed by {owner[0].id!r}")
            self._by_id[kind] = by_id
            self._index[kind] = index
            self._choices[kind] = (tuple(index), tuple(owner.id for owner, _ in index.values()))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def entities(self, kind: Kind) -> tuple[Entity, ...]:
        """The members or the alliances, in file order."""
        return self.members if kind == "member" else self.alliances

    def get(self, kind: Kind, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self._by_id[kind].get(entity_id)

    def lookup(self, kind: Kind, key: str) -> tuple[Entity, Literal["exact", "alias"]] | None:
        """The entity owning a normalized key and whether the key is a name or an alias."""
        hit = self._index[kind].get(key)
        return None if hit is None else (hit[0], hit[1])  # type: ignore[return-value]

    def keys(self, kind: Kind) -> dict[str, tuple[Entity, str]]:
        """Every normalized key of a kind with its owner and method (do not mutate)."""
        return self._index[kind]

    def choices(self, kind: Kind) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Normalized keys and their owners' ids as parallel tuples, for fuzzy matching."""
        return self._choices[kind]


def default_registry_path() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else PACKAGED_REGISTRY


def _format_validation_error(err: ValidationError, data: dict[str, Any]) -> str:
    parts = []
    for e in err.errors():
        loc = list(e["loc"])
        where = ".".join(str(p) for p in loc)
        # Name the entity by its id rather than by its index where we can.
        if len(loc) >= 2 and loc[0] in ("members", "alliances") and isinstance(loc[1], int):
            try:
                ent_id = data[loc[0]][loc[1]].get("id")
            except (KeyError, IndexError, AttributeError, TypeError):
                ent_id = None
            if ent_id:
                where = f"{loc[0]}[{ent_id!r}]" + "".join(f".{p}" for p in loc[2:])
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            msg = "missing"
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)


def _parse(text: str, origin: str) -> Registry:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise RegistryError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RegistryError(f"{origin}: expected a mapping with 'members' and 'alliances'")
    try:
        return Registry.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(f"{origin}: {_format_validation_error(exc, data)}") from exc


# (path, file text) -> Registry. The pipeline loads the registry once per report; handing
# back the same object for unchanged text skips re-validation and lets normalize.py reuse
# the spaCy matchers it built for it. Keyed by content, so an edit (add_alias, an
# archivist) is always seen.
_LOADED: dict[tuple[str, str], Registry] = {}
_LOADED_MAX = 8


def load_registry(path: Path | None = None) -> Registry:
    """Load and validate the registry: `path`, else $METROEXTRACT_REGISTRY, else the packaged file."""
    path = Path(path) if path is not None else default_registry_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror or exc}") from exc
    key = (str(path.resolve()), text)
    registry = _LOADED.get(key)
    if registry is None:
        registry = _parse(text, str(path))
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = registry
    return registry


# --------------------------------------------------------------------------- writing

_HEADER = """\
# Metropolis members and alliances: the registry printed names are resolved against.
#
# Archivists edit this file by hand or with `metroextract review accept NAME ID`, which
# rewrites it in this layout (comments other than this header and the region headings
# are not kept).
#   id       slug of the English name Metropolis uses; never change one, datasets use it
#   names    the name printed in each edition (en, fr, es)
#   region   africa | asia-pacific | europe | north-america | latin-america-caribbean
#   honorary true for an honorary member
#   aliases  other real names of the same entity (former names, acronyms, local forms).
#            Never add misprints here: fuzzy matching handles typos, and is measured on it.
# Names and aliases are compared case-, accent- and punctuation-insensitively; one
# spelling may belong to only one id per section.
"""


def _flow(value: Any) -> str:
    """One YAML flow node on one line (PyYAML does the quoting right for flow context)."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=1_000_000).strip()


def _entity_lines(entity: Entity) -> list[str]:
    lines = [f"  - id: {entity.id}"]
    if entity.region is not None:
        lines.append(f"    region: {entity.region}")
    if entity.honorary:
        lines.append("    honorary: true")
    lines.append(f"    names: {_flow(entity.names.model_dump())}")
    lines.append(f"    aliases: {_flow(list(entity.aliases))}")
    return lines


def _sections(registry: Registry) -> dict[str, tuple[Entity, ...]]:
    return {section: registry.entities(kind) for kind, section in _SECTIONS.items()}


def dump_registry(registry: Registry) -> str:
    """The registry as YAML text in the canonical, commented layout of the packaged file."""
    out = [_HEADER.rstrip("\n"), ""]
    for kind, section in _SECTIONS.items():
        out.append(f"{section}:")
        region: str | None = "\0"
        for entity in registry.entities(kind):
            if kind == "member":
                heading = f"honorary ({entity.region})" if entity.honorary else entity.region
                if heading != region:
                    out.append(f"  # {heading}")
                    region = heading
            out.extend(_entity_lines(entity))
        out.append("")
    return "\n".join(out)


def _atomic_write(path: Path, text: str) -> None:
    """The registry file, replaced atomically; an edited file keeps its mode."""
    from .atomic import atomic_write_bytes

    mode = path.stat().st_mode & 0o777 if path.exists() else None
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def add_alias(path: Path, name: str, entity_id: str, *, kind: Kind | None = None) -> None:
    """Add `name` as an alias of `entity_id` in the registry file at `path`, atomically.

    The id must exist (as a member or an alliance; pass `kind` if it is both) and the
    name must not already belong to another id. Adding a spelling the id already has is
    a no-op.
    """
    path = Path(path)
    registry = load_registry(path)
    kinds = [k for k in _SECTIONS if registry.get(k, entity_id) is not None]
    if kind is not None:
        kinds = [k for k in kinds if k == kind]
    if not kinds:
        what = f"{kind} id" if kind else "id"
        raise RegistryError(f"{path}: no {what} {entity_id!r} in the registry")
    if len(kinds) > 1:
        raise RegistryError(f"{path}: {entity_id!r} is both a member and an alliance; say which")
    (k,) = kinds
    key = fold(name)
    if not key:
        raise RegistryError(f"{path}: alias {name!r} is empty once normalized")
    owner = registry.lookup(k, key)
    if owner is not None:
        if owner[0].id == entity_id:
            return
        raise RegistryError(f"{path}: {name!r} (normalized {key!r}) already belongs to {owner[0].id!r}, not {entity_id!r}")
    section = _SECTIONS[k]
    entities = tuple(e.model_copy(update={"aliases": (*e.aliases, name.strip())}) if e.id == entity_id else e for e in registry.entities(k))
    updated = Registry.model_validate({**_sections(registry), section: entities})
    text = dump_registry(updated)
    # Re-parse what we are about to write: never replace a good file with a bad one.
    _parse(text, f"{path} (rewritten)")
    _atomic_write(path, text)
