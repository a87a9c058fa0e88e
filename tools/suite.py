#!/usr/bin/env python3
"""Development helper behind the Makefile: finds (or installs) Odoo 18, finds (or
starts) PostgreSQL, and runs, tests and benchmarks the credit suite.

    python3 tools/suite.py run|stop|test|bench|lint|shell

Everything it creates lives in ``.local/`` (git-ignored): the private PostgreSQL
cluster, the Odoo configuration, the filestore and the logs.
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
MODULES = [
    "credit_followup",
    "credit_dispute",
    "credit_segmentation",
    "credit_portal",
    "credit_collection_export",
    "credit_whatsapp",
]
DEMO_DB = "credit_demo"
ODOO_SOURCE_DEFAULT = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
PG_USER = "odoo"
PG_SYSTEM_USER = "creditpg"
HTTP_PORT = int(os.environ.get("ODOO_HTTP_PORT", "8069"))


class SuiteError(Exception):
    """A problem the user can fix; printed without a traceback."""


def say(msg):
    print(f"[suite] {msg}", flush=True)


# ---------------------------------------------------------------- Odoo itself
def odoo_python():
    return sys.executable


def odoo_importable():
    res = subprocess.run(
        [odoo_python(), "-c", "import odoo, os; print(os.path.dirname(odoo.__file__)); print(odoo.release.version)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if res.returncode:
        return None
    path, version = res.stdout.split()[:2]
    if not version.startswith("18.0"):
        raise SuiteError(f"Odoo {version} is importable from {path}, but the suite needs Odoo 18.0.")
    return Path(path)


def install_odoo():
    """Install Odoo 18.0 from its official source (ODOO_SOURCE overrides where from)."""
    source = os.environ.get("ODOO_SOURCE", ODOO_SOURCE_DEFAULT)
    target = LOCAL / "odoo-src"
    say(f"Odoo is not importable; installing Odoo 18.0 from {source}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if os.path.isdir(source):
        src_dir = Path(source)
    else:
        archive = Path(source)
        if not archive.is_file():
            archive = LOCAL / "odoo-src.tar.gz"
            import urllib.request

            try:
                with urllib.request.urlopen(source, timeout=60) as resp, open(archive, "wb") as out:
                    shutil.copyfileobj(resp, out)
            except OSError as exc:
                raise SuiteError(
                    f"Odoo 18.0 is not importable by {odoo_python()} and could not be downloaded from "
                    f"{source} ({exc}).\nInstall Odoo 18.0 into this Python (pip install -e <odoo checkout>) "
                    "or set ODOO_SOURCE to a local Odoo 18.0 source folder or archive."
                ) from None
        shutil.unpack_archive(str(archive), str(target))
        entries = [p for p in target.iterdir() if p.is_dir()]
        src_dir = entries[0] if len(entries) == 1 and not (target / "setup.py").exists() else target
    if not (src_dir / "setup.py").exists() or not (src_dir / "odoo").is_dir():
        raise SuiteError(f"{source} does not look like an Odoo source tree (no setup.py / odoo/).")
    constraint = LOCAL / "pip-constraint.txt"
    constraint.write_text("setuptools<81\n")
    env = dict(os.environ, PIP_CONSTRAINT=str(constraint))
    for args in (["-r", str(src_dir / "requirements.txt")], ["-e", str(src_dir)]):
        subprocess.run([odoo_python(), "-m", "pip", "install", "-q", *args], check=True, env=env)
    path = odoo_importable()
    if not path:
        raise SuiteError("Odoo was installed but still cannot be imported.")
    return path


def ensure_odoo():
    path = odoo_importable()
    if path is None:
        path = install_odoo()
    return path


def addons_paths(odoo_dir):
    paths = []
    for cand in (odoo_dir / "addons", odoo_dir.parent / "addons"):
        if (cand / "account" / "__manifest__.py").exists() or (cand / "base" / "__manifest__.py").exists():
            paths.append(str(cand))
    paths.append(str(ROOT))
    return paths


# ---------------------------------------------------------------- PostgreSQL
def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    for cand in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(cand)
    raise SuiteError(
        f"PostgreSQL's {name} was not found. Install the PostgreSQL server binaries "
        "(Debian/Ubuntu: apt-get install postgresql; others: the 'postgresql-server' package)."
    )


def pg_reachable(params):
    import psycopg2

    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=3, **params)
    except psycopg2.Error:
        return False
    with contextlib.closing(conn):
        cur = conn.cursor()
        cur.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cur.fetchone()
        cur.execute("SELECT current_user")
        user = cur.fetchone()[0]
    return bool(row and row[0]) and user != "postgres"


def free_port(start=54329):
    for port in range(start, start + 200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)):
                return port
    raise SuiteError("No free TCP port found for PostgreSQL.")


def as_pg_user(cmd):
    """initdb refuses to run as root: run the private cluster as a system user."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", PG_SYSTEM_USER, "--", *cmd]


def ensure_system_user(datadir):
    if os.geteuid() != 0:
        return
    if subprocess.run(["id", "-u", PG_SYSTEM_USER], capture_output=True, check=False).returncode:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_SYSTEM_USER], check=True
        )
    shutil.chown(datadir, PG_SYSTEM_USER)
    datadir.chmod(0o700)


def private_pg():
    """Start (or reuse) the private cluster in .local/pgdata; return connection params."""
    datadir = LOCAL / "pgdata"
    sockdir = Path(tempfile.gettempdir()) / f"credit-suite-pg-{abs(hash(str(ROOT))) % 10**8}"
    portfile = LOCAL / "pg.port"
    if not (datadir / "PG_VERSION").exists():
        datadir.mkdir(parents=True, exist_ok=True)
        ensure_system_user(datadir)
        say(f"initialising a private PostgreSQL cluster in {datadir}")
        subprocess.run(
            as_pg_user(
                [pg_bin("initdb"), "-D", str(datadir), "-U", PG_USER, "--auth=trust", "-E", "UTF8", "--locale=C"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    sockdir.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(sockdir, PG_SYSTEM_USER)
    port = int(portfile.read_text()) if portfile.exists() else None
    params = {"host": "127.0.0.1", "port": port, "user": PG_USER}
    if port and pg_reachable(params):
        return params
    port = free_port()
    logfile = LOCAL / "postgresql.log"
    logfile.touch()
    if os.geteuid() == 0:
        shutil.chown(logfile, PG_SYSTEM_USER)
    opts = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        as_pg_user([pg_bin("pg_ctl"), "-D", str(datadir), "-l", str(logfile), "-o", opts, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    portfile.write_text(str(port))
    params["port"] = port
    if not pg_reachable(params):
        raise SuiteError(f"the private PostgreSQL did not come up; see {logfile}")
    say(f"private PostgreSQL running on 127.0.0.1:{port}")
    return params


def ensure_pg():
    """Use the server the PG* variables (or the local default socket) reach, else a private one."""
    LOCAL.mkdir(exist_ok=True)
    if (LOCAL / "pg.port").exists():
        return private_pg()
    params = {}
    for var, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user"), ("PGPASSWORD", "password")):
        if os.environ.get(var):
            params[key] = os.environ[var]
    configured = os.environ.get("PGHOST") or os.environ.get("PGPORT")
    if (configured or Path("/var/run/postgresql/.s.PGSQL.5432").exists()) and pg_reachable(params):
        say("using the PostgreSQL server reached by the PG* settings")
        return params
    return private_pg()


def stop_pg():
    datadir = LOCAL / "pgdata"
    if (datadir / "postmaster.pid").exists():
        subprocess.run(as_pg_user([pg_bin("pg_ctl"), "-D", str(datadir), "-m", "fast", "stop"]), check=False)
        (LOCAL / "pg.port").unlink(missing_ok=True)


# ---------------------------------------------------------------- Odoo runs
def write_config(odoo_dir, pg, name="odoo.conf", **extra):
    lines = [
        "[options]",
        f"addons_path = {','.join(addons_paths(odoo_dir))}",
        f"data_dir = {LOCAL / 'data'}",
        f"db_host = {pg.get('host', '') or ''}",
        f"db_port = {pg.get('port', '') or ''}",
        f"db_user = {pg.get('user', '') or ''}",
        f"db_password = {pg.get('password', '') or ''}",
        "admin_passwd = admin",
        f"http_port = {HTTP_PORT}",
        "max_cron_threads = 1",
    ]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    conf = LOCAL / name
    conf.write_text("\n".join(lines) + "\n")
    return conf


def odoo_cmd(conf, *args):
    return [odoo_python(), "-m", "odoo", "-c", str(conf), *args]


def psql(pg, sql, db="postgres"):
    import psycopg2

    conn = psycopg2.connect(dbname=db, **pg)
    conn.autocommit = True
    with contextlib.closing(conn):
        cur = conn.cursor()
        cur.execute(sql)
        return cur.fetchall() if cur.description else None


def db_exists(pg, db):
    return bool(psql(pg, f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))


def drop_db(pg, db):
    psql(pg, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def cmd_run(_args):
    odoo_dir = ensure_odoo()
    pg = ensure_pg()
    conf = write_config(odoo_dir, pg)
    pidfile = LOCAL / "odoo.pid"
    if pidfile.exists():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pidfile.read_text()), 0)
            say(f"Odoo already runs: http://localhost:{HTTP_PORT}  (login admin / admin)")
            return 0
    update = []
    if not db_exists(pg, DEMO_DB) or not psql(
        pg, "SELECT 1 FROM pg_tables WHERE tablename='ir_module_module'", DEMO_DB
    ):
        say(f"creating database {DEMO_DB} with the six modules and their demo data (a few minutes)")
        res = subprocess.run(
            odoo_cmd(
                conf,
                "-d",
                DEMO_DB,
                "-i",
                ",".join(MODULES),
                "--stop-after-init",
                "--load-language=nl_NL",
                "--logfile",
                str(LOCAL / "install.log"),
            ),
            check=False,
        )
        if res.returncode:
            drop_db(pg, DEMO_DB)
            raise SuiteError(f"installing the suite failed; see {LOCAL / 'install.log'}")
    else:
        say(f"reusing database {DEMO_DB} (its credit modules are updated to this checkout at start)")
        update = ["-u", ",".join(MODULES)]
    log = open(LOCAL / "odoo.log", "ab")  # noqa: SIM115 - handed to the server process
    proc = subprocess.Popen(
        odoo_cmd(conf, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$", *update),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pidfile.write_text(str(proc.pid))
    wait_for_port(proc, HTTP_PORT, 180, LOCAL / "odoo.log")
    say(f"Odoo runs: http://localhost:{HTTP_PORT}/odoo  login: admin  password: admin   (make stop stops it)")
    return 0


def wait_for_port(proc, port, seconds, logfile):
    """Wait until something answers on ``port``; a clear error when the server stopped or never answered."""
    for _i in range(seconds):
        if proc.poll() is not None:
            raise SuiteError(f"Odoo stopped at start; see {logfile}")
        with socket.socket() as sock:
            if not sock.connect_ex(("127.0.0.1", port)):
                return
        time.sleep(1)
    raise SuiteError(
        f"Odoo did not answer on port {port} within {seconds} s (it still runs, pid {proc.pid}); see {logfile}. "
        "Another program on that port? Set ODOO_HTTP_PORT to choose another one."
    )


def cmd_stop(_args):
    pidfile = LOCAL / "odoo.pid"
    if pidfile.exists():
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.killpg(int(pidfile.read_text()), 15)
            say("Odoo stopped")
        pidfile.unlink()
    stop_pg()
    say("PostgreSQL stopped")
    return 0


# ---------------------------------------------------------------- tests
TEST_SUMMARY = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIP_LINE = re.compile(r"odoo\.addons\.(credit_\w+)\S*: skipped ")
OUR_WARNING = re.compile(r" (WARNING|ERROR|CRITICAL) \S+ (odoo\.addons\.credit_\w+|odoo\.\S+: .*credit[._])")
PYTEST_SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ [a-z]+(?:, \d+ [a-z]+)*) in [\d.]+s(?: \([^)]*\))?\s*=*$")
DEMO_START = re.compile(r"odoo\.modules\.loading: Module (\w+): loading demo")
DEMO_END = re.compile(
    r"odoo\.modules\.loading: (loading \w+/|loading \d+ modules|Modules loaded)|: Starting \w+\.test_|"
    r"odoo\.modules\.registry: module \w+: creating or updating"
)


def pytest_counts(out):
    """pytest's final summary line ("1 failed, 40 passed, 2 errors in 3.1s") as {"failed": 1, ...}, or None.

    Only the last summary line counts: a log line in the output that says "3 passed" must not hide a failure."""
    for line in reversed(out.splitlines()):
        match = PYTEST_SUMMARY.match(line.strip())
        if match:
            counts = {}
            for part in match["counts"].split(", "):
                number, word = part.split(" ", 1)
                word = {"errors": "error", "warnings": "warning"}.get(word, word)
                counts[word] = counts.get(word, 0) + int(number)
            return counts
    return None


def demo_problems(out):
    """WARNING/ERROR lines of our modules logged while demo data loads."""
    problems, in_demo = [], False
    for line in out.splitlines():
        if DEMO_START.search(line):
            in_demo = True
            continue
        if in_demo and DEMO_END.search(line):
            in_demo = False
        if in_demo and OUR_WARNING.search(line):
            problems.append(line.strip())
    return problems


NO_ACCESS = re.compile(r"The models? \[?'?(credit\.[\w.]+|[^']*credit)[^\n]* has no access rules")


STALL_SECONDS = int(os.environ.get("CREDIT_SUITE_STALL_SECONDS", "600"))
STALLED = "[suite] STALLED: no output for {seconds} s; stack dump requested, process stopped"


def run_logged(cmd, logfile, env=None, stall_seconds=None):
    """Run ``cmd``, copy its output to ``logfile`` and show warnings and test results.

    With ``stall_seconds``: a process that prints nothing for that long is stuck (a test waiting on itself):
    it is asked for a stack dump (Odoo dumps every thread's stack on SIGQUIT), then stopped, and the output
    ends with a STALLED line, so a run ends with a failure and a trace instead of hanging until CI's timeout.
    """
    say(" ".join(cmd[2:]) + f"  (log: {logfile})")
    last = [time.monotonic()]
    stalled = threading.Event()
    with open(logfile, "w") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)

        def watchdog():
            while proc.poll() is None:
                if time.monotonic() - last[0] > stall_seconds:
                    stalled.set()
                    with contextlib.suppress(ProcessLookupError):
                        proc.send_signal(signal.SIGQUIT)
                    time.sleep(10)
                    with contextlib.suppress(ProcessLookupError):
                        proc.terminate()
                    time.sleep(20)
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    return
                time.sleep(5)

        if stall_seconds:
            threading.Thread(target=watchdog, daemon=True).start()
        lines = []
        for line in proc.stdout:
            last[0] = time.monotonic()
            out.write(line)
            lines.append(line)
            if re.search(r" (ERROR|CRITICAL|WARNING) | FAIL: | ERROR: |Ran \d+ tests|tests when loading", line):
                sys.stdout.write(line)
        proc.wait()
        if stalled.is_set():
            line = STALLED.format(seconds=stall_seconds) + "\n"
            out.write(line)
            lines.append(line)
            sys.stdout.write(line)
    return proc.returncode, "".join(lines)


def template_db(pg, conf):
    """A database with every non-credit dependency installed: the install matrix copies it."""
    name = "credit_test_template"
    deps = "account,account_payment,account_qr_code_sepa,portal,sms,phone_validation,base_import"
    marker = "credit_template_deps=" + deps
    if db_exists(pg, name):
        row = psql(pg, "SELECT value FROM ir_config_parameter WHERE key='credit_template_deps'", name)
        if row and row[0][0] == marker:
            return name
        drop_db(pg, name)
    rc, _out = run_logged(
        odoo_cmd(conf, "-d", name, "-i", deps, "--stop-after-init", "--without-demo=all"),
        LOCAL / "template.log",
    )
    if rc:
        drop_db(pg, name)
        raise SuiteError(f"building the test template database failed; see {LOCAL / 'template.log'}")
    psql(pg, f"INSERT INTO ir_config_parameter (key, value) VALUES ('credit_template_deps', '{marker}')", name)
    return name


def check_test_tools():
    missing = []
    tools = (
        ("websocket", "websocket-client"),
        ("pytest", "pytest"),
        ("pyzbar.pyzbar", "pyzbar + libzbar0"),
        ("polib", "polib"),
        ("jsonschema", "jsonschema"),
        ("openapi_spec_validator", "openapi-spec-validator"),
        ("schemathesis", "schemathesis"),
    )
    for mod, pkg in tools:
        if subprocess.run([odoo_python(), "-c", f"import {mod}"], capture_output=True, check=False).returncode:
            missing.append(pkg)
    if not shutil.which("chromium") and not shutil.which("google-chrome") and not shutil.which("chromium-browser"):
        missing.append("chromium (browser tours)")
    if not shutil.which("wkhtmltopdf"):
        missing.append("wkhtmltopdf (PDF letters)")
    if missing:
        raise SuiteError(
            "cannot run the full test suite; missing: "
            + ", ".join(missing)
            + "\n  pip install -r requirements-test.txt; apt-get install chromium wkhtmltopdf libzbar0"
        )


def cmd_test(args):
    odoo_dir = ensure_odoo()
    check_test_tools()
    pg = ensure_pg()
    conf = write_config(odoo_dir, pg, "odoo-test.conf")
    db = f"credit_test_{os.getpid()}"
    tags = ",".join(f"/{m}" for m in MODULES) if not args.tags else args.tags
    passed = failed = 0
    problems = []
    try:
        rc, out = run_logged(
            odoo_cmd(
                conf,
                "-d",
                db,
                "-i",
                ",".join(MODULES),
                "--test-enable",
                "--test-tags",
                tags,
                "--stop-after-init",
                "--http-port",
                str(free_port(18069)),
                "--log-level=test",
            ),
            LOCAL / f"test-{'all' if not args.tags else os.getpid()}.log",
            stall_seconds=STALL_SECONDS,
        )
        if "[suite] STALLED" in out:
            problems.append(f"the Odoo tests stalled (no output for {STALL_SECONDS} s); stacks in the log")
            failed += 1
        match = TEST_SUMMARY.findall(out)
        if not match:
            problems.append("Odoo did not report a test summary (crash during install?)")
            failed += 1
        else:
            fail, err, total = (int(x) for x in match[-1])
            failed += fail + err
            passed += max(total - fail - err, 0)
        skips = SKIP_LINE.findall(out)
        if skips:
            problems.append(f"{len(skips)} test(s) of the suite were skipped (a skipped test or tour is a failure)")
            failed += len(skips)
            passed -= len(skips)
        for line in out.splitlines():
            if NO_ACCESS.search(line):
                problems.append("model without access rules: " + line.strip())
                failed += 1
        for line in demo_problems(out):
            problems.append("logged while the demo data loaded: " + line)
            failed += 1
        if rc and not failed:
            problems.append(f"Odoo exited with {rc}")
            failed += 1
    finally:
        if not args.keep:
            drop_db(pg, db)
    if not args.tags:
        template = template_db(pg, conf)
        env = dict(os.environ, CREDIT_SUITE_CONF=str(conf), CREDIT_SUITE_TEMPLATE=template, CREDIT_SUITE_PG=repr(pg))
        rc, out = run_logged(
            [odoo_python(), "-m", "pytest", "-v", "-p", "no:cacheprovider", str(ROOT / "tests")],
            LOCAL / "pytest.log",
            env=env,
            stall_seconds=STALL_SECONDS,
        )
        sys.stdout.write("\n".join(out.splitlines()[-15:]) + "\n")
        counts = pytest_counts(out)
        if counts is None:
            problems.append(f"pytest did not report a summary (exit code {rc})")
            failed += 1
        else:
            passed += counts.get("passed", 0)
            bad = counts.get("failed", 0) + counts.get("error", 0) + counts.get("skipped", 0)
            failed += bad
            if rc and not bad:
                problems.append(f"pytest exited with {rc}")
                failed += 1
    for problem in problems:
        say("PROBLEM: " + problem)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed or passed == 0 else 0


BENCH_SCRIPTS = {
    "engine": "bench.py",
    "dispute": "bench_dispute.py",
    "collection": "bench_collection.py",
    "portal": "bench_portal.py",
    "segmentation": "bench_segmentation.py",
    "whatsapp": "bench_whatsapp.py",
}


def cmd_bench(args):
    """Every benchmark of BENCH_SCRIPTS (engine tools/bench.py gets the extra arguments; dispute, collection, portal,
    segmentation, whatsapp) on one throw-away database; ``--only <kind>`` passes the extra arguments to that script
    instead."""
    odoo_dir = ensure_odoo()
    pg = ensure_pg()
    conf = write_config(odoo_dir, pg, "odoo-bench.conf")
    db = "credit_bench"
    drop_db(pg, db)
    rc, _out = run_logged(
        odoo_cmd(
            conf,
            "-d",
            db,
            "-i",
            "credit_followup,credit_dispute,credit_collection_export,credit_portal,credit_segmentation,credit_whatsapp",
            "--stop-after-init",
            "--without-demo=all",
        ),
        LOCAL / "bench-install.log",
    )
    if rc:
        raise SuiteError(f"installing the bench database failed; see {LOCAL / 'bench-install.log'}")
    env = dict(os.environ, CREDIT_SUITE_CONF=str(conf), CREDIT_SUITE_DB=db)
    kinds = [args.only] if args.only else list(BENCH_SCRIPTS)
    try:
        rc = 0
        for kind in kinds:
            rest = args.rest if kind == "engine" or args.only else []
            say(f"benchmark {kind}: tools/{BENCH_SCRIPTS[kind]} {' '.join(rest)}".rstrip())
            rc |= subprocess.run(
                [odoo_python(), str(ROOT / "tools" / BENCH_SCRIPTS[kind]), *rest], env=env, check=False
            ).returncode
        return rc
    finally:
        drop_db(pg, db)


def cmd_lint(_args):
    rc = subprocess.run([odoo_python(), "-m", "ruff", "check", str(ROOT)], check=False).returncode
    rc |= subprocess.run([odoo_python(), "-m", "ruff", "format", "--check", str(ROOT)], check=False).returncode
    rc |= subprocess.run(
        [odoo_python(), "-m", "pylint", "--rcfile", str(ROOT / ".pylintrc"), *MODULES], cwd=ROOT, check=False
    ).returncode
    print("lint: " + ("clean" if not rc else "problems found"))
    return rc


def cmd_shell(_args):
    odoo_dir = ensure_odoo()
    pg = ensure_pg()
    conf = write_config(odoo_dir, pg)
    return subprocess.run(
        [odoo_python(), "-m", "odoo", "shell", "-c", str(conf), "-d", DEMO_DB], check=False
    ).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    sub.add_parser("stop").set_defaults(func=cmd_stop)
    test = sub.add_parser("test")
    test.add_argument("--tags", help="Odoo --test-tags; skips the suite-level tests/")
    test.add_argument("--keep", action="store_true", help="keep the test database")
    test.set_defaults(func=cmd_test)
    bench = sub.add_parser("bench", help="engine and dispute benchmarks; other arguments go to tools/bench.py")
    bench.add_argument(
        "--only", choices=sorted(BENCH_SCRIPTS), help="run one benchmark; the other arguments then go to its script"
    )
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)
    sub.add_parser("lint").set_defaults(func=cmd_lint)
    sub.add_parser("shell").set_defaults(func=cmd_shell)
    sub.add_parser("pg").set_defaults(func=lambda _a: print(ensure_pg()) or 0)
    args, extra = parser.parse_known_args()
    if extra and args.command != "bench":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "bench":
        args.rest = extra + args.rest
        # --only may also come after bench.py's own arguments, which the REMAINDER swallowed
        for i, arg in enumerate(args.rest):
            if (arg == "--only" and i + 1 < len(args.rest)) or arg.startswith("--only="):
                value = arg.partition("=")[2] or args.rest[i + 1]
                if value not in BENCH_SCRIPTS:
                    parser.error(f"--only: choose from {', '.join(sorted(BENCH_SCRIPTS))}")
                args.only = value
                del args.rest[i : i + (1 if "=" in arg else 2)]
                break
    try:
        return args.func(args)
    except SuiteError as exc:
        print(f"[suite] ERROR: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as exc:
        print(f"[suite] ERROR: {' '.join(map(str, exc.cmd))} failed with exit code {exc.returncode}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
