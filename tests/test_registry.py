"""The packaged registry, its validation, the loader's overrides and add_alias."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from metroextract.errors import MetroextractError, RegistryError
from metroextract.normalize import resolve_alliance, resolve_member
from metroextract.registry import (
    ENV_VAR,
    PACKAGED_REGISTRY,
    Registry,
    add_alias,
    dump_registry,
    load_registry,
)
from metroextract.text import fold

# The "QUI SOMMES-NOUS" region lists of the French seed report, as printed.
SEED_REGIONS = {
    "africa": """Abidjan, Accra, Addis-Abeba, Alexandrie, Antananarivo, Bamako, Bangui,
        Brazzaville, Le Caire, Casablanca, Cotonou, Dakar, Douala, Durban, Gauteng, Harare,
        Johannesbourg, Libreville, Marrakech, Niamey, Nouakchott, Rabat, Tunis, Victoria,
        Yaoundé""",
    "asia-pacific": """Ahvaz, Amman, Bagdad, Bandar, Bangkok, Beijing, Beyrouth, Bhopal,
        Bogor, Busan, Changchun, Changsha, Chengdu, Chongqing, Colombo, Daegu, Daejeon,
        Dalian, Diyarbakir, Kalimantan oriental, Faisalabad, Fuzhou, Gaziantep, Goyang,
        Guangzhou, Guiyang, Gujranwala, Gwangju, Gyeonggi, Haikou, Hangzhou, Hanoï, Harbin,
        Hyderabad, Incheon, Ispahan, Istanbul, Jakarta, Jember, Jilin, Jinan, Kaohsiung,
        Karaj, Katmandu, Kuala Lumpur, Kunming, Lahore, Male', Machhad, Nanjing, Nanning,
        New Delhi-NIUA, New Taipei, Ramallah, Séoul, Shanghai, Shenzhen, Shiraz, Siping,
        Tangerang du Sud, Surabaya, Tabriz, Taichung, Taipei, Téhéran, Tianjin, Ulsan,
        Wuhan, Wuxi, Xi'an, Xiamen, Yiwu, Zhengzhou""",
    "europe": """Barcelone (ville); Barcelone (aire métropolitaine); Berlin; Bruxelles;
        Bucarest; Grand Lyon; Grand Paris; Grand Manchester; Kazan; Lisbonne; Madrid; Moscou;
        Sarajevo; Sofia; Turin; Zagreb""",
    "north-america": "Guadalajara, Ville de Mexico, Monterrey, Montréal, Puebla, Tijuana, Toronto",
    "latin-america-caribbean": """Belo Horizonte, Bogotá, Brasília, Buenos Aires, Cordoue,
        Guarulhos, Guayaquil, La Havane, La Paz, Medellín, Minas Gerais, Montevideo,
        Porto Alegre, Quito, Rio de Janeiro, Rosario, San Salvador, Santiago du Chili,
        São Paulo, Valle de Aburra""",
}


def _split(printed: str) -> list[str]:
    sep = ";" if ";" in printed else ","
    return [" ".join(p.split()) for p in printed.split(sep)]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged registry: never edit the real one in a test."""
    path = tmp_path / "registry.yaml"
    shutil.copyfile(PACKAGED_REGISTRY, path)
    return path


# --------------------------------------------------------------------------- packaged data


def test_seed_region_counts_match_the_registry(registry: Registry) -> None:
    assert {region: len(_split(text)) for region, text in SEED_REGIONS.items()} == {
        "africa": 25,
        "asia-pacific": 73,
        "europe": 16,
        "north-america": 7,
        "latin-america-caribbean": 20,
    }
    counts = Counter(m.region for m in registry.members if not m.honorary)
    assert counts == Counter(
        {"africa": 25, "asia-pacific": 73, "europe": 16, "north-america": 7,
         "latin-america-caribbean": 20}
    )  # fmt: skip
    assert [m.id for m in registry.members if m.honorary] == ["cpaffc"]
    assert len(registry.members) == 142


@pytest.mark.parametrize("region", list(SEED_REGIONS))
def test_every_seed_member_is_an_exact_french_name_in_its_region(registry: Registry, region: str) -> None:
    for printed in _split(SEED_REGIONS[region]):
        ref = resolve_member(printed, registry)
        assert ref.method == "exact", printed
        entity = registry.get("member", ref.member_id or "")
        assert entity is not None
        assert (entity.names.fr, entity.region) == (printed, region)


def test_ids_named_in_the_issue(registry: Registry) -> None:
    for member_id, en in [
        ("mashhad", "Mashhad"),
        ("mexico-city", "Mexico City"),
        ("barcelona-city", "Barcelona (city)"),
        ("barcelona-metropolitan-area", "Barcelona (metropolitan area)"),
        ("new-delhi-niua", "New Delhi-NIUA"),
        ("xian", "Xi'an"),
        ("johannesburg", "Johannesburg"),
        ("cairo", "Cairo"),
        ("addis-ababa", "Addis Ababa"),
        ("greater-manchester", "Greater Manchester"),
        ("santiago-de-chile", "Santiago de Chile"),
    ]:
        entity = registry.get("member", member_id)
        assert entity is not None and entity.names.en == en
    assert [a.id for a in registry.alliances] == [
        "uclg", "uclg-africa", "uclg-aspac", "uclg-culture", "un-habitat", "undp", "un-women",
        "oecd", "european-union", "iclei", "cities-alliance", "al-las", "regions4",
        "eurocities", "paradiplomacia", "guangzhou-award",
    ]  # fmt: skip


def test_names_in_three_languages_resolve_exactly(registry: Registry) -> None:
    assert registry.get("member", "mexico-city").names.model_dump() == {  # type: ignore[union-attr]
        "en": "Mexico City", "fr": "Ville de Mexico", "es": "Ciudad de México",
    }  # fmt: skip
    assert registry.get("member", "mexico-city").aliases == ("Mexico", "CDMX")  # type: ignore[union-attr]
    assert registry.get("member", "mashhad").aliases == ("Mashad",)  # type: ignore[union-attr]
    for printed, member_id in [
        ("Mashhad", "mashhad"), ("Johannesburgo", "johannesburg"), ("Duala", "douala"),
        ("Bruselas", "brussels"), ("Barcelona (ciudad)", "barcelona-city"),
        ("Barcelona (área metropolitana)", "barcelona-metropolitan-area"),
        ("El Cairo", "cairo"), ("Adís Abeba", "addis-ababa"), ("Lisboa", "lisbon"),
        ("Teherán", "tehran"), ("Seúl", "seoul"), ("Gran Lyon", "greater-lyon"),
        ("Gran París", "greater-paris"), ("Gran Mánchester", "greater-manchester"),
        ("Greater Paris", "greater-paris"), ("Santiago de Chile", "santiago-de-chile"),
    ]:  # fmt: skip
        assert (resolve_member(printed, registry).member_id, printed) == (member_id, printed)
    for printed, alliance_id in [
        ("UCLG", "uclg"), ("UN-Habitat", "un-habitat"), ("UN Women", "un-women"),
        ("UNDP", "undp"), ("European Union", "european-union"), ("OECD", "oecd"),
        ("UCLG Africa", "uclg-africa"), ("UCLG ASPAC", "uclg-aspac"),
        ("Guangzhou Award", "guangzhou-award"), ("ONU-Hábitat", "un-habitat"),
        ("ONU Mujeres", "un-women"), ("PNUD", "undp"), ("OCDE", "oecd"),
        ("Unión Europea", "european-union"), ("CGLU África", "uclg-africa"),
        ("Premio de Guangzhou", "guangzhou-award"), ("ONU-Femmes", "un-women"),
        ("Union européenne", "european-union"), ("CGLU Afrique", "uclg-africa"),
        ("CGLU ASPAC", "uclg-aspac"), ("Prix de Guangzhou", "guangzhou-award"),
        ("AL-LAs", "al-las"), ("Regions4", "regions4"), ("EUROCITIES", "eurocities"),
        ("Paradiplomacia.org", "paradiplomacia"), ("CGLU Culture", "uclg-culture"),
        ("Cities Alliance", "cities-alliance"), ("ICLEI", "iclei"),
    ]:  # fmt: skip
        ref = resolve_alliance(printed, registry)
        assert (ref.alliance_id, ref.method) == (alliance_id, "exact"), printed


def test_no_report_typo_is_registered(registry: Registry) -> None:
    """Typos are fuzzy matching's job: registering them would hide what is measured."""
    keys = set(registry.keys("member"))
    for typo in ["Doula", "AAbidjan", "Machad", "Johanesburg", "Barcelona", "Barcelone"]:
        assert fold(typo) not in keys, typo


def test_packaged_file_is_in_canonical_layout(registry: Registry) -> None:
    """add_alias rewrites the file with dump_registry: the diff must be the new alias only."""
    assert dump_registry(registry) == PACKAGED_REGISTRY.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- loader overrides


def _minimal(**members: str) -> str:
    entries = "".join(f"  - {{id: {i}, region: europe, names: {{en: {n}, fr: {n}, es: {n}}}, aliases: []}}\n" for i, n in members.items())
    return f"members:\n{entries}alliances: []\n"


def test_argument_and_environment_override_the_packaged_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "env.yaml"
    env_file.write_text(_minimal(oslo="Oslo"), encoding="utf-8")
    arg_file = tmp_path / "arg.yaml"
    arg_file.write_text(_minimal(bergen="Bergen"), encoding="utf-8")

    monkeypatch.delenv(ENV_VAR, raising=False)
    assert len(load_registry().members) == 142
    monkeypatch.setenv(ENV_VAR, str(env_file))
    assert [m.id for m in load_registry().members] == ["oslo"]
    assert [m.id for m in load_registry(arg_file).members] == ["bergen"]


# --------------------------------------------------------------------------- validation


def _load_text(tmp_path: Path, text: str) -> Registry:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "members:\n  - {id: oslo, region: europe, names: {en: Oslo, fr: Oslo, es: Oslo}}\n  - {id: oslo, region: europe, names: {en: Bergen, fr: Bergen, es: Bergen}}\nalliances: []\n",
            "members: duplicate id 'oslo'",
            id="duplicate-id",
        ),
        pytest.param(
            "members:\n"
            "  - {id: oslo, region: europe, names: {en: Oslo, fr: Oslo, es: Oslo},"
            " aliases: [Christiania]}\n"
            "  - {id: bergen, region: europe, names: {en: Bergen, fr: Bergen, es: Bergen},"
            " aliases: [CHRISTIANÍA]}\n"
            "alliances: []\n",
            "members: 'CHRISTIANÍA' of 'bergen' (normalized 'christiania') is already claimed by 'oslo'",
            id="alias-claimed-twice-after-normalization",
        ),
        pytest.param(
            'members:\n  - {id: oslo, region: europe, names: {en: Oslo, fr: Oslo, es: Oslo}}\n  - {id: oslo-2, region: europe, names: {en: Bergen, fr: Bergen, es: "Oslo."}}\nalliances: []\n',
            "members: 'Oslo.' of 'oslo-2' (normalized 'oslo') is already claimed by 'oslo'",
            id="name-claimed-twice",
        ),
        pytest.param(
            "members: []\nalliances:\n  - {id: uclg, names: {en: UCLG, fr: CGLU, es: CGLU}}\n  - {id: uclg-africa, names: {en: UCLG Africa, fr: CGLU Afrique, es: CGLU}, aliases: []}\n",
            "alliances: 'CGLU' of 'uclg-africa' (normalized 'cglu') is already claimed by 'uclg'",
            id="alliance-name-claimed-twice",
        ),
        pytest.param(
            "members:\n  - {id: oslo, region: europe, names: {en: Oslo, fr: Oslo}}\nalliances: []\n",
            "members['oslo'].names.es: missing",
            id="missing-name",
        ),
        pytest.param(
            "members:\n  - {id: oslo, region: europe, names: {en: Oslo, fr: Oslo, es: '  '}}\nalliances: []\n",
            "members['oslo'].names.es: name is empty once normalized",
            id="blank-name",
        ),
        pytest.param(
            "members:\n  - {id: oslo, names: {en: Oslo, fr: Oslo, es: Oslo}}\nalliances: []\n",
            "members: 'oslo' has no region",
            id="missing-region",
        ),
        pytest.param(
            "members:\n  - {id: Oslo City, region: europe, names: {en: O, fr: O, es: O}}\nalliances: []\n",
            "members['Oslo City'].id: String should match pattern '^[a-z0-9]+(-[a-z0-9]+)*$'",
            id="id-not-a-slug",
        ),
        pytest.param(
            "members:\n  - {id: oslo, region: nordic, names: {en: O, fr: O, es: O}}\nalliances: []\n",
            "members['oslo'].region: Input should be 'africa', 'asia-pacific', 'europe', 'north-america' or 'latin-america-caribbean'",
            id="unknown-region",
        ),
        pytest.param(
            "members:\n  - {id: oslo, region: europe, names: {en: O, fr: O, es: O}, alias: [X]}\nalliances: []\n",
            "members['oslo'].alias: Extra inputs are not permitted",
            id="misspelt-field",
        ),
        pytest.param("alliances: []\n", "members: missing", id="no-members"),
        pytest.param("- just\n- a list\n", "expected a mapping with 'members' and 'alliances'", id="not-a-mapping"),
    ],
)
def test_invalid_registry_raises_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegistryError) as info:
        _load_text(tmp_path, text)
    assert str(info.value) == f"{tmp_path / 'bad.yaml'}: {message}"
    assert isinstance(info.value, MetroextractError)
    assert info.value.code == "registry_invalid"


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("members: [\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert str(info.value).startswith(f"{path}: not valid YAML: ")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    assert str(info.value) == f"{path}: cannot read registry: No such file or directory"


# --------------------------------------------------------------------------- add_alias


def test_add_alias_round_trip(registry_copy: Path) -> None:
    before = registry_copy.read_text(encoding="utf-8")
    assert resolve_member("Distrito Federal", load_registry(registry_copy)).member_id is None

    add_alias(registry_copy, "Distrito Federal", "mexico-city")

    after = registry_copy.read_text(encoding="utf-8")
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert removed == ["    aliases: [Mexico, CDMX]"]
    assert added == ["    aliases: [Mexico, CDMX, Distrito Federal]"]
    reloaded = load_registry(registry_copy)
    assert resolve_member("DISTRITO FEDERAL", reloaded).model_dump() == {
        "name": "DISTRITO FEDERAL",
        "member_id": "mexico-city",
        "canonical_name": "Mexico City",
        "method": "alias",
        "score": 100.0,
    }
    assert yaml.safe_load(after)["members"][0]["id"] == "abidjan"
    assert sorted(p.name for p in registry_copy.parent.iterdir()) == ["registry.yaml"]

    # Accepting the same spelling again (in any case/accents) changes nothing.
    add_alias(registry_copy, "distrito   federal", "mexico-city")
    add_alias(registry_copy, "Ciudad de Mexico", "mexico-city")
    assert registry_copy.read_text(encoding="utf-8") == after


def test_add_alias_to_an_alliance_and_quoting(registry_copy: Path) -> None:
    add_alias(registry_copy, "Cités et gouvernements locaux unis: Afrique", "uclg-africa")
    ref = resolve_alliance("Cités et Gouvernements Locaux Unis – Afrique", load_registry(registry_copy))
    assert (ref.alliance_id, ref.method) == ("uclg-africa", "alias")


def test_add_alias_refuses_unknown_id_and_claimed_names(registry_copy: Path) -> None:
    before = registry_copy.read_text(encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        add_alias(registry_copy, "Doula", "dooala")
    assert str(info.value) == f"{registry_copy}: no id 'dooala' in the registry"
    with pytest.raises(RegistryError) as info:
        add_alias(registry_copy, "MASHAD", "tehran")
    assert str(info.value) == (f"{registry_copy}: 'MASHAD' (normalized 'mashad') already belongs to 'mashhad', not 'tehran'")
    with pytest.raises(RegistryError) as info:
        add_alias(registry_copy, "Barcelone (ville)", "barcelona-metropolitan-area")
    assert str(info.value) == (f"{registry_copy}: 'Barcelone (ville)' (normalized 'barcelone ville') already belongs to 'barcelona-city', not 'barcelona-metropolitan-area'")
    with pytest.raises(RegistryError) as info:
        add_alias(registry_copy, "UCLG", "abidjan", kind="alliance")
    assert str(info.value) == f"{registry_copy}: no alliance id 'abidjan' in the registry"
    with pytest.raises(RegistryError) as info:
        add_alias(registry_copy, " -- ", "abidjan")
    assert str(info.value) == f"{registry_copy}: alias ' -- ' is empty once normalized"
    assert registry_copy.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in registry_copy.parent.iterdir()) == ["registry.yaml"]


def test_add_alias_refuses_to_edit_an_invalid_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text("members: [\n", encoding="utf-8")
    with pytest.raises(RegistryError):
        add_alias(path, "Oslo", "oslo")
    assert path.read_text(encoding="utf-8") == "members: [\n"


def test_unchanged_file_loads_to_the_same_object_and_edits_are_seen(registry_copy: Path) -> None:
    first = load_registry(registry_copy)
    assert load_registry(registry_copy) is first
    add_alias(registry_copy, "Distrito Federal", "mexico-city")
    edited = load_registry(registry_copy)
    assert edited is not first
    assert edited.get("member", "mexico-city").aliases[-1] == "Distrito Federal"  # type: ignore[union-attr]
