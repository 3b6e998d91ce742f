"""Every kind of public page is valid HTML, by the W3C Nu HTML checker (vnu).

The checker comes from npm (``make test`` installs it into node_modules/) and runs on
Java. Without them the test is skipped, except under CI, where it fails.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from summitcms.pytest_plugin import missing_part
from tests.builders import make_summit_corpus

from .public_pages import PAGE_TYPES

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_checker():
    if not VNU.exists():
        missing_part(f"the Nu HTML checker is not installed ({VNU}; make test installs it with npm)")
    java = shutil.which("java")
    if java is None:
        missing_part("Java is not installed (apt-get install default-jre-headless); the Nu HTML checker needs it")
    return [java, "-jar", str(VNU)]


def check(files):
    """Messages of the Nu checker about ``files``: one JVM start for all of them."""
    result = subprocess.run(
        [*nu_checker(), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stdout)["messages"]


@pytest.mark.django_db
def test_every_kind_of_public_page_is_valid_html(client, tmp_path):
    nu_checker()
    make_summit_corpus()
    files = []
    for name, url in PAGE_TYPES.items():
        response = client.get(url)
        assert response.status_code in (200, 400, 404, 410), (name, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    errors = [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in check(files)
        if m["type"] == "error"
    ]
    assert errors == []


def test_the_checker_finds_errors(tmp_path):
    """The test above can fail."""
    page = tmp_path / "broken.html"
    page.write_text('<!doctype html><html lang="en"><title>x</title><p><div id="a"></div><span id="a">')
    assert [m for m in check([page]) if m["type"] == "error"]
