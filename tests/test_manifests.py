"""Manifests: versions, licenses, data files that exist, readme fragments, icons."""

import pytest
from conftest import MODULES, ROOT, manifest


@pytest.mark.parametrize("module", MODULES)
def test_manifest(module):
    man = manifest(module)
    assert man["version"].startswith("18.0.") and len(man["version"].split(".")) == 5
    assert man["license"] == "LGPL-3"
    assert man["author"] and man["website"] and man["category"] and man["summary"]
    assert man.get("installable", True)
    assert man.get("application", False) == (module == "credit_followup")
    for key in ("data", "demo"):
        for path in man.get(key, []):
            assert (ROOT / module / path).is_file(), f"{module}: {key} file {path} is missing"
    assert man["data"][0].startswith("security/"), "security files load first"
    for fragment in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md"):
        assert (ROOT / module / "readme" / fragment).read_text().strip()
    assert (ROOT / module / "static" / "description" / "icon.png").stat().st_size > 100
    for dep in man["depends"]:
        if dep.startswith("credit_"):
            assert dep in MODULES
