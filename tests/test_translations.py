"""Every term a module exports has a Dutch translation, with the same placeholders."""

import ast
import re
import subprocess
import sys

import polib
import pytest
from conftest import ROOT, OdooDB, _env

TRANSLATED = [
    "credit_followup",
    "credit_dispute",
    "credit_collection_export",
    "credit_portal",
    "credit_segmentation",
    "credit_whatsapp",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\{.*?\}\}")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The terms of the installed modules, exported by Odoo itself from a fresh database."""
    db = OdooDB(ast.literal_eval(_env("CREDIT_SUITE_PG")), _env("CREDIT_SUITE_CONF"), _env("CREDIT_SUITE_TEMPLATE"))
    db.create()
    try:
        rc, log = db.odoo("-i", ",".join(TRANSLATED))
        assert rc == 0, log[-3000:]
        pots = {}
        for module in TRANSLATED:
            path = tmp_path_factory.mktemp(module) / f"{module}.pot"
            cmd = [sys.executable, "-m", "odoo", "-c", db.conf, "-d", db.name, "--stop-after-init"]
            cmd += ["--http-port", "0", f"--i18n-export={path}", f"--modules={module}"]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
            assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
            pots[module] = polib.pofile(str(path))
        yield pots
    finally:
        db.drop()


@pytest.mark.parametrize("module", TRANSLATED)
def test_every_term_has_a_dutch_translation(exported, module):
    dutch = {entry.msgid: entry.msgstr for entry in polib.pofile(str(ROOT / module / "i18n" / "nl.po"))}
    missing = [entry.msgid for entry in exported[module] if not dutch.get(entry.msgid)]
    assert not missing, f"{len(missing)} terms of {module} have no Dutch translation, e.g. {missing[:5]}"
    wrong = [
        msgid
        for msgid, msgstr in dutch.items()
        if msgstr and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]
    assert not wrong, f"placeholders differ in {wrong[:5]}"
