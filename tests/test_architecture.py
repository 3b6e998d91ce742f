"""The kernel knows no app above it, not even by label (import-linter checks the imports)."""

import ast
from pathlib import Path

from django.conf import settings

KERNEL = Path(settings.BASE_DIR) / "apps" / "editorial"
OTHER_APPS = [
    "actors",
    "events",
    "sources",
    "claims",
    "quotes",
    "agreements",
    "search",
    "site",
    "desk",
    "interchange",
    "synthetic",
    "api",
]


def kernel_modules():
    return [path for path in KERNEL.rglob("*.py") if "tests" not in path.parts]


def strings_naming_other_apps(path):
    """String constants in code (not docstrings) that name another app or its models by label."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for app in OTHER_APPS:
                if node.value.startswith((f"{app}.", f"apps.{app}")) or node.value.lower() == app:
                    found.append((path.name, node.lineno, node.value))
    return found


def imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_the_kernel_names_no_other_app_by_label():
    assert kernel_modules(), "the kernel's modules were not found"
    assert [hit for path in kernel_modules() for hit in strings_naming_other_apps(path)] == []


def test_the_kernel_imports_no_other_app_even_inside_a_function():
    imports = {(path.name, module) for path in kernel_modules() for module in imported_modules(path)}
    assert {
        (name, module)
        for name, module in imports
        if module.startswith("apps.") and not module.startswith("apps.editorial")
    } == set()


def test_the_check_would_see_a_label(tmp_path):
    sample = tmp_path / "label_sample.py"
    sample.write_text(
        "def f(apps):\n"
        '    """Mentions claims.Claim in a docstring only."""\n'
        '    return apps.get_model("claims.Claim")\n'
    )
    assert strings_naming_other_apps(sample) == [("label_sample.py", 3, "claims.Claim")]
