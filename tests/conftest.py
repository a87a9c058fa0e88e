"""Suite-level tests: they drive real Odoo processes against real PostgreSQL databases.

`make test` sets CREDIT_SUITE_CONF (an Odoo config file), CREDIT_SUITE_TEMPLATE (a
database with every non-credit dependency installed, copied for each install test)
and CREDIT_SUITE_PG (connection parameters).
"""

import ast
import contextlib
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "credit_followup",
    "credit_dispute",
    "credit_segmentation",
    "credit_portal",
    "credit_collection_export",
    "credit_whatsapp",
]
# a warning or error logged by our own code, or by Odoo about one of our modules/models
OUR_PROBLEM = re.compile(
    r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) \S+ (odoo\.addons\.credit_\w+[^:]*: .*|[\w.]+: .*\bcredit[._]\w+.*)$",
    re.MULTILINE,
)


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set: run these tests through `make test`")
    return value


class OdooDB:
    """A throw-away copy of the template database."""

    def __init__(self, pg, conf, template):
        self.pg, self.conf, self.template = pg, conf, template
        self.name = f"credit_it_{uuid.uuid4().hex[:10]}"

    def sql(self, query, db=None):
        conn = psycopg2.connect(dbname=db or self.name, **self.pg)
        conn.autocommit = True
        with contextlib.closing(conn):
            cur = conn.cursor()
            cur.execute(query)
            return cur.fetchall() if cur.description else None

    def create(self):
        self.sql(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"', db="postgres")

    def drop(self):
        self.sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', db="postgres")

    def odoo(self, *args):
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            self.conf,
            "-d",
            self.name,
            "--stop-after-init",
            "--without-demo=all",
            "--http-port",
            "0",
            *args,
        ]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
        return res.returncode, res.stdout + res.stderr

    def shell(self, code):
        cmd = [sys.executable, "-m", "odoo", "shell", "-c", self.conf, "-d", self.name, "--no-http"]
        res = subprocess.run(cmd, input=code, capture_output=True, text=True, check=False, timeout=900)
        return res.returncode, res.stdout + res.stderr

    def installed(self):
        rows = self.sql("SELECT name FROM ir_module_module WHERE state = 'installed' AND name LIKE 'credit_%'")
        return sorted(r[0] for r in rows)


@pytest.fixture
def fresh_db():
    pg = ast.literal_eval(_env("CREDIT_SUITE_PG"))
    db = OdooDB(pg, _env("CREDIT_SUITE_CONF"), _env("CREDIT_SUITE_TEMPLATE"))
    db.create()
    yield db
    db.drop()


def manifest(module):
    return ast.literal_eval((ROOT / module / "__manifest__.py").read_text())
