"""Import rules between Karvan's apps, read from the source with `ast` (nothing is imported)."""

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "karvan"
MODULES = sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    return _imports_in(
        path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"
    )


def _imports_in(source: str, module_name: str, is_package: bool) -> set[str]:
    """Every karvan module a source imports, at any depth, relative imports resolved."""
    tree = ast.parse(source)
    package = module_name.split(".")
    if not is_package:
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # `from karvan import api` or `from karvan.directory import services` name modules.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "karvan" or name.startswith("karvan.")}


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative / "__init__.py").exists()


IMPORTS = {_module_name(path): _imports(path) for path in MODULES}


# The project's own modules, not apps: the package and its task layer.
PROJECT_MODULES = {"karvan", "karvan.celery", "karvan.settings"}


def _violations(app: str, allowed: set[str]) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_names in IMPORTS.items()
        if _app(module) == app
        for imported in imported_names
        if _is_module(imported)
        and imported not in PROJECT_MODULES
        and _app(imported) not in allowed | {app}
    )


def test_the_source_was_found():
    assert "karvan.core.text" in IMPORTS
    assert "karvan.directory.services" in IMPORTS
    assert "karvan.core.text" in IMPORTS["karvan.core.models"]


def test_relative_nested_and_from_package_imports_are_seen():
    """The parser resolves `from . import x`, `from karvan import x` and imports in functions."""
    source = (
        "from . import text\n"
        "from ..directory import models\n"
        "from karvan import api\n"
        "def later():\n"
        "    import karvan.notifications.services\n"
    )
    found = _imports_in(source, "karvan.core.probe", is_package=False)
    assert {
        "karvan.core.text",
        "karvan.directory.models",
        "karvan.api",
        "karvan.notifications.services",
    } <= found


@pytest.mark.parametrize(
    ("app", "allowed"),
    [
        ("core", set()),
        ("accounts", {"core"}),
        ("notifications", {"core", "accounts"}),
        ("scheduling", set()),
        # The one vector store: the apps that own documents call it, never the reverse.
        ("matching", {"core"}),
    ],
)
def test_lower_apps_import_only_what_is_below_them(app, allowed):
    assert _violations(app, allowed) == []


@pytest.mark.parametrize("top", ["api", "workspace"])
def test_nothing_imports_the_top_apps_but_themselves_and_the_root_urls(top):
    """The API and the workspace (pages gathered from every app) sit above all the others."""
    offenders = sorted(
        f"{module} imports {imported}"
        for module, imported_names in IMPORTS.items()
        if _app(module) != top and module != "karvan.urls"
        for imported in imported_names
        if imported == f"karvan.{top}" or imported.startswith(f"karvan.{top}.")
    )
    assert offenders == []


def test_no_app_imports_another_apps_views_or_forms():
    offenders = sorted(
        f"{module} imports {imported}"
        for module, imported_names in IMPORTS.items()
        if module != "karvan.urls"
        for imported in imported_names
        if imported.split(".")[-1] in {"views", "forms"}
        and len(imported.split(".")) == 3
        and _app(imported) != _app(module)
    )
    assert offenders == []


@pytest.mark.parametrize("layer", ["models", "selectors", "permissions"])
def test_models_selectors_and_permissions_never_import_services(layer):
    offenders = sorted(
        f"{module} imports {imported}"
        for module, imported_names in IMPORTS.items()
        if module.split(".")[-1] == layer
        for imported in imported_names
        if imported.split(".")[-1] == "services" or ".services." in imported
    )
    assert offenders == []


@pytest.mark.parametrize(
    "engine",
    [
        "karvan.scheduling.solver",
        "karvan.scheduling",
        "karvan.matching.engine",
        "karvan.compliance.engine",
    ],
)
def test_the_engines_load_in_a_fresh_interpreter_without_django(engine):
    code = (
        f"import sys, {engine}\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django loaded'\n"
        "assert not [m for m in sys.modules if m.startswith('karvan.') and not "
        f"m.startswith('{engine.split('.')[0]}.{engine.split('.')[1]}')], 'another app loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr


# Modules at the package's root that wire the apps together rather than belong to one.
ROOT_MODULES = {"karvan.settings", "karvan.urls", "karvan.celery", "karvan.cli"}
ROOT_MODULES |= {"karvan.asgi", "karvan.wsgi"}


def _app_graph() -> dict[str, dict[str, list[str]]]:
    """App → the apps it imports → the module imports that make the edge."""
    graph: dict[str, dict[str, list[str]]] = {}
    for module, imported_names in IMPORTS.items():
        app = _app(module)
        if app is None or module in ROOT_MODULES | PROJECT_MODULES:
            continue
        graph.setdefault(app, {})
        for imported in imported_names:
            target = _app(imported)
            if (
                target is None
                or target == app
                or not _is_module(imported)
                or imported in ROOT_MODULES | PROJECT_MODULES
            ):
                continue
            graph[app].setdefault(target, []).append(f"{module} imports {imported}")
    return graph


def _find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One cycle of the directed graph as a path that returns to its start, or []."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node], _ = "open", path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node], _ = "done", path.pop()
        return []

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_the_cycle_finder_reports_the_path_of_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]


def test_no_two_apps_import_each_other_directly_or_through_a_cycle():
    """Dependencies between apps point one way: the app graph has no cycle."""
    graph = _app_graph()
    cycle = _find_cycle({app: set(targets) for app, targets in graph.items()})
    because = [
        f"{app} → {target}: {graph[app][target][0]}" for app, target in itertools.pairwise(cycle)
    ]
    assert not cycle, "apps import each other: " + " → ".join(cycle) + "\n" + "\n".join(because)
