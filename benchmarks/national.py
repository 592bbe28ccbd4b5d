"""Chorus's key pages on the national-scale data set, on SQLite and PostgreSQL, with wrk.

Usage: make bench SCALE=national  (the full set)  or  make bench SCALE=0.001  (a quick check)
  or .venv/bin/python benchmarks/national.py --scale 0.01 --seconds 3 --database sqlite

For each database it makes a fresh one (a SQLite file in a temporary folder,
and a new PostgreSQL database on 127.0.0.1, dropped at the end), migrates it,
fills it with `flask --app portal demo scale --factor F --manifest ...`, and
starts Chorus and a bare Flask "hello" under gunicorn with two sync workers
each. wrk (8 connections) then drives each key page and the hello floor in
turn, for `--seconds` each, over `--passes` passes. A page's share of hello is
against the hello runs next to it. p50 is the mean of the passes' medians and
p99 the worst pass's. SQL statements are counted once per page, in process,
on a second request (the first fills the caches). A page whose route does not
exist, that answers anything but 200, or more than 1% of whose requests fail
under load, is reported as not measured.

The table goes to the screen and to benchmarks/results/<date>-<scale>.md and
.json, with the load average, the CPU count and the git commit (a run on one
database keeps the other's results of the same day and scale). Traffic goes
to 127.0.0.1 only, for a bounded time.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import BIN, free_port, sign_in_cookie, start  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
RESULTS = ROOT / "benchmarks" / "results"
CONNECTIONS = 8
TIMEOUT = 30  # seconds a request may take before wrk counts it as timed out
MAX_FAILED = 0.01  # a page with more failed requests than this share is not measured

# wrk prints this line at the end of a run; the script reads it back.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'CHORUS-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def key_pages(manifest):
    """(label, path, who) for every key page; who is None (signed out) or an account key."""
    slug = manifest["busiest_community_slug"]
    proposal = manifest["busiest_proposal_id"]
    community = f"/communities/{slug}"
    return [
        ("Home, signed out", "/", None),
        ("Home, heavy lay partner", "/", "lay"),
        ("Community directory", "/communities", None),
        ("Busiest community", community, "lay"),
        ("Briefing", f"/briefings/{manifest['briefing_id']}", None),
        ("Busiest proposal", f"/proposals/{proposal}", "lay"),
        ("Review inbox, all open", "/review", "professional"),
        ("Review inbox, all open, page 200", "/review?page=200", "professional"),
        ("Review inbox, busiest proposal", f"/review?proposal={proposal}", "professional"),
        (
            "Review inbox, busiest proposal, page 200",
            f"/review?proposal={proposal}&page=200",
            "professional",
        ),
        ("My impact, heavy lay partner", "/my/impact", "lay"),
        ("Trace of the busiest proposal", f"/proposals/{proposal}/trace", "lay"),
        ("You said, we did", "/you-said-we-did", None),
        ("Timeline", f"{community}/timeline", None),
        ("Community health dashboard", f"{community}/health", "coordinator"),
        ("Impact dashboard", f"{community}/impact", "coordinator"),
        ("Impact report", f"{community}/impact/report", "coordinator"),
        ("Activities", f"{community}/activities", "coordinator"),
        ("Approvals", f"{community}/approvals", "coordinator"),
        ("My involvement, heavy lay partner", "/my/involvement", "lay"),
    ]


REDIS = "redis://127.0.0.1:6379/2"


def chorus_env(database_url, prefix):
    """The settings Chorus runs with here: production, on this database, with the figures
    cache and the briefing view counts in Redis (under their own key prefix), as the
    README's deployment has them."""
    return dict(
        os.environ,
        CHORUS_ENV="production",
        SECRET_KEY="benchmark-only-key",
        DATABASE_URL=database_url,
        SESSION_COOKIE_SECURE="false",
        RATELIMIT_STORAGE_URI="memory://",
        CACHE_REDIS_URL=REDIS,
        CACHE_KEY_PREFIX=prefix,
    )


def forget_redis_keys(prefix):
    """Delete what a run left in Redis (figures, pending briefing views)."""
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def git(*args):
    return subprocess.run(
        [shutil.which("git") or "git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def snapshot(ref, folder):
    """A clean copy of the code at `ref`, with the built assets and translations added,
    so that edits in progress in the working tree do not change what is measured."""
    tree = Path(folder) / "tree"
    tree.mkdir()
    archive = subprocess.run(
        [shutil.which("git") or "git", "archive", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run([shutil.which("tar") or "tar", "-x", "-C", tree], input=archive, check=True)
    shutil.copytree(ROOT / "portal/static/nhsuk", tree / "portal/static/nhsuk")
    for built in ROOT.glob("translations/*/LC_MESSAGES/*.mo"):
        shutil.copy(built, tree / built.relative_to(ROOT))
    return tree


def flask(env, code, *args):
    subprocess.run([BIN / "flask", "--app", "portal", *args], cwd=code, env=env, check=True)


def wrk(port, path, seconds, script, cookie=None):
    """One wrk run: requests per second, p50 and p99 in ms, failed and all requests.

    Failed requests are answers other than 2xx or 3xx, timeouts and socket errors.
    """
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT}s"]
    command += ["--latency", "-s", script]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + TIMEOUT + 30,
    ).stdout
    found = re.search(r"^CHORUS-JSON (.*)$", output, re.M)
    if not found:
        return 0.0, None, None, 1, 0
    run = json.loads(found.group(1))
    rps = run["requests"] / (run["duration_us"] / 1e6)
    failed = run["status"] + run["timeout"] + run["connect"] + run["read"] + run["write"]
    return rps, run["p50_us"] / 1000, run["p99_us"] / 1000, failed, run["requests"]


NEXT_LINK = re.compile(r'<a [^>]*\bhref="([^"]+)"[^>]*\brel="next"')


def deep_path(port, path, cookie):
    """(path, page number reached) of a deep page such as `?page=200`: its "next" links are
    followed from the first page, as a reader turning pages would, so a list paged by cursor
    is measured at its real depth rather than by a typed page number. It stops at the last
    page if the list is shorter."""
    import html
    import http.client

    match = re.search(r"[?&]page=(\d+)", path)
    if not match:
        return path, None
    wanted = int(match.group(1))
    path = re.sub(r"[?&]page=\d+", "", path)
    reached = 1
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        while reached < wanted:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            found = NEXT_LINK.search(response.read().decode())
            if response.status != 200 or not found:
                break
            path, reached = html.unescape(found.group(1)), reached + 1
    finally:
        connection.close()
    return path, reached


def first_answer(port, path, cookie):
    """The status of one plain request, so a redirect or an error is not measured."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()


class StatementCounter:
    """Chorus in this process, on the same database, counting SQL statements per request."""

    def __init__(self, env):
        import sqlalchemy as sa

        from portal import create_app

        saved = dict(os.environ)
        os.environ.update(env)
        try:
            self.app = create_app("production")
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.statements = []
        engine = self.app.extensions["chorus_db"]["engine"]
        sa.event.listen(engine, "before_cursor_execute", self._before)
        self.adapter = self.app.url_map.bind("127.0.0.1")

    def _before(self, _conn, _cursor, statement, _params, _context, _executemany):
        self.statements.append(statement)

    def route_exists(self, path):
        from werkzeug.exceptions import MethodNotAllowed, NotFound
        from werkzeug.routing import RequestRedirect

        try:
            self.adapter.match(path.split("?")[0], method="GET")
        except (NotFound, MethodNotAllowed):
            return False
        except RequestRedirect:
            return True
        return True

    def count(self, path, cookie):
        """(statements, status) for one request, after a first one has warmed the caches."""
        with self.app.test_client() as client:
            if cookie:
                name, value = cookie.split("=", 1)
                client.set_cookie(name, value)
            client.get(path)
            self.statements.clear()
            response = client.get(path)
        return len(self.statements), response.status_code


def fresh_postgres():
    """A new, empty PostgreSQL database; returns its URL and a function that drops it."""
    import sqlalchemy as sa

    name = f"chorus_bench_{datetime.now(UTC):%Y%m%d%H%M%S}_{os.getpid()}"
    admin = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return f"{POSTGRES}/{name}", drop


def bench_database(name, database_url, folder, args, factor, code):
    """Fill one database, serve it, and measure every key page. Returns its results."""
    prefix = f"chorus-bench-{os.getpid()}-{name}:"
    env = chorus_env(database_url, prefix)
    manifest_path = Path(folder) / f"{name}-manifest.json"
    print(f"\n== {name}: migrating and writing the data set (factor {factor}) ==", flush=True)
    flask(env, code, "db", "upgrade")
    started = time.monotonic()
    flask(env, code, "demo", "scale", "--factor", str(factor), "--manifest", str(manifest_path))
    seed_seconds = round(time.monotonic() - started, 1)
    manifest = json.loads(manifest_path.read_text())
    counter = StatementCounter(env)
    script = Path(folder) / "done.lua"
    script.write_text(WRK_SCRIPT)

    hello_port, chorus_port = free_port(), free_port()
    hello = start("benchmarks.hello:app", env, hello_port, workers=2, cwd=code)
    log = open(Path(folder) / f"{name}-gunicorn.log", "w")  # noqa: SIM115 - closed below
    chorus = start("portal:create_app()", env, chorus_port, workers=2, log=log, cwd=code)
    try:
        password = manifest["password"]
        cookies = {
            "lay": sign_in_cookie(chorus_port, manifest["heavy_lay_partner_email"], password),
            "professional": sign_in_cookie(chorus_port, manifest["professional_email"], password),
            "coordinator": sign_in_cookie(chorus_port, manifest["coordinator_email"], password),
        }
        pages = []
        for label, path, who in key_pages(manifest):
            page = {"page": label, "path": path, "as": who or "signed out", "runs": []}
            cookie = cookies.get(who)
            if not counter.route_exists(path):
                page["problem"] = "no such route"
            else:
                path, reached = deep_path(chorus_port, path, cookie)
                if reached is not None:
                    page["path"], page["page"] = path, re.sub(r"page \d+", f"page {reached}", label)
                status = first_answer(chorus_port, path, cookie)
                if status != 200:
                    page["problem"] = f"answered {status}"
                else:
                    page["sql"], status = counter.count(path, cookie)
                    if status != 200:
                        page["sql"] = f"? (in process: {status})"
            pages.append(page)
        for number in range(1, args.passes + 1):
            print(f"-- pass {number} of {args.passes}", flush=True)
            for page in pages:
                if "problem" in page:
                    continue
                hello_rps, *_rest = wrk(hello_port, "/", args.seconds, script)
                rps, p50, p99, failed, requests = wrk(
                    chorus_port, page["path"], args.seconds, script, cookies.get(page["as"])
                )
                page["failed"] = page.get("failed", 0) + failed
                page["requests"] = page.get("requests", 0) + requests
                if failed > MAX_FAILED * requests:
                    page["problem"] = f"{failed} of {requests} requests failed"
                    continue
                page["runs"].append({"hello": hello_rps, "rps": rps, "p50": p50, "p99": p99})
                print(f"   {page['page']:44} {rps:8.1f} req/s (hello {hello_rps:.0f})", flush=True)
    finally:
        hello.terminate()
        chorus.terminate()
        hello.wait()
        chorus.wait()
        log.close()
        counter.app.extensions["chorus_db"]["engine"].dispose()
        forget_redis_keys(prefix)
    errors = [  # the last line of each traceback, and gunicorn's worker timeouts
        re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)[:200]
        for line in re.findall(
            r"^(?:[\w.]+(?:Error|Exception): .*|.*\[CRITICAL\].*)$",
            Path(log.name).read_text(),
            re.M,
        )
    ]
    for page in pages:
        runs = page.pop("runs")
        if "problem" in page or not runs:
            page.setdefault("problem", "not measured")
            continue
        page["rps"] = round(sum(r["rps"] for r in runs) / len(runs), 1)
        hello_rps = sum(r["hello"] for r in runs) / len(runs)
        page["hello_rps"] = round(hello_rps, 1)
        page["share"] = round(100 * page["rps"] / hello_rps, 1) if hello_rps else None
        page["p50_ms"] = round(sum(r["p50"] for r in runs) / len(runs), 1)
        page["p99_ms"] = round(max(r["p99"] for r in runs), 1)
    return {
        "database": name,
        "seed_seconds": seed_seconds,
        "counts": manifest.get("counts"),
        "busiest_proposal_contributions": manifest.get("busiest_proposal_contributions"),
        "heavy_lay_partner_contributions": manifest.get("heavy_lay_partner_contributions"),
        "pages": pages,
        "server_errors": sorted(set(errors))[:10],
    }


def table(result):
    """One database's results as a Markdown table."""
    lines = [
        "| page | req/s | share of hello | p50 ms | p99 ms | SQL statements |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for page in result["pages"]:
        name = f"{page['page']} (`{page['path']}`)"
        if page.get("failed"):
            name += f" ({page['failed']} of {page['requests']} requests failed)"
        if "rps" not in page:
            lines.append(f"| {name} | not measured: {page['problem']} | | | | |")
            continue
        lines.append(
            f"| {name} | {page['rps']:.1f} | {page['share']:.1f} % | {page['p50_ms']:.1f} "
            f"| {page['p99_ms']:.1f} | {page['sql']} |"
        )
    return "\n".join(lines)


def report(results):
    """The Markdown results file."""
    parts = [
        f"# Chorus at national scale: factor {results['factor']}",
        "",
        f"{results['cpu_count']} CPUs; gunicorn with 2 sync workers for Chorus and for a bare "
        f"Flask hello; wrk with {CONNECTIONS} connections. p50 is the mean of the passes' "
        "medians, p99 the worst pass's; SQL statements are for one request with warm caches.",
        "",
    ]
    for result in results["databases"]:
        counts = result.get("counts") or {}
        shape = ", ".join(f"{value:,} {key}" for key, value in counts.items())
        load = ", ".join(f"{n:.2f}" for n in result["load_average"])
        parts += [
            f"## {result['database']}",
            "",
            f"Measured {result['measured_at']} at commit {result['commit']}, load average "
            f"before the run {load}; {result['passes']} passes of {result['seconds']} s per "
            f"page; bare Flask hello {result['hello_rps']:.0f} req/s.",
            "",
            f"Data set: {shape}; written in {result['seed_seconds']} s. Busiest proposal "
            f"{result['busiest_proposal_contributions']:,} views; heavy lay partner "
            f"{result['heavy_lay_partner_contributions']:,} views.",
            "",
            table(result),
            "",
        ]
        if result["server_errors"]:
            parts += ["Errors in Chorus's log:", ""]
            parts += [f"- `{error}`" for error in result["server_errors"]] + [""]
    return "\n".join(parts)


def scale_factor(text):
    """The --scale text as a factor: "national" is 1; None when it is neither."""
    if text == "national":
        return 1.0
    try:
        factor = float(text)
    except ValueError:
        factor = 0.0
    return factor if 0 < factor <= 1 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national", help="'national' or a factor, e.g. 0.01")
    parser.add_argument("--seconds", type=int, default=3, help="per page per pass")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument(
        "--ref", help="measure this commit (e.g. HEAD) instead of the working tree as it is"
    )
    args = parser.parse_args()
    factor = scale_factor(args.scale)
    if factor is None:
        parser.error("--scale is 'national' or a factor above 0, up to 1 (e.g. 0.01)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed. Install it with: sudo apt-get install -y wrk")
    if args.passes < 1 or args.seconds < 1:
        sys.exit("--passes and --seconds must be at least 1.")

    commit = git("rev-parse", "--short", args.ref or "HEAD")
    if not args.ref and git("status", "--porcelain", "--", "portal", "migrations", "config.py"):
        commit += " with uncommitted changes"
    now = datetime.now(UTC)
    about = {
        "measured_at": f"{now:%Y-%m-%d %H:%M} UTC",
        "commit": commit,
        "load_average": os.getloadavg(),
        "seconds": args.seconds,
        "passes": args.passes,
    }
    measured = []
    with tempfile.TemporaryDirectory() as folder:
        code = snapshot(args.ref, folder) if args.ref else ROOT
        sys.path.insert(0, str(code))  # the in-process counter imports this code
        if args.database in ("both", "sqlite"):
            url = f"sqlite:///{folder}/national.sqlite"
            measured.append(bench_database("SQLite", url, folder, args, factor, code))
        if args.database in ("both", "postgresql"):
            url, drop = fresh_postgres()
            try:
                measured.append(bench_database("PostgreSQL", url, folder, args, factor, code))
            finally:
                drop()
    for result in measured:
        result.update(about)
        pages = [p for p in result["pages"] if "hello_rps" in p]
        result["hello_rps"] = sum(p["hello_rps"] for p in pages) / len(pages) if pages else 0.0

    # A run on one database keeps the other's results of the same day and scale.
    stem = RESULTS / f"{now:%Y-%m-%d}-{args.scale}"
    kept = []
    if Path(f"{stem}.json").exists():
        names = {r["database"] for r in measured}
        old = json.loads(Path(f"{stem}.json").read_text())["databases"]
        kept = [r for r in old if r["database"] not in names]
    results = {
        "scale": args.scale,
        "factor": factor,
        "cpu_count": os.cpu_count(),
        "connections": CONNECTIONS,
        "databases": sorted(kept + measured, key=lambda r: r["database"] != "SQLite"),
    }
    text = report(results)
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    Path(f"{stem}.md").write_text(text + "\n")
    Path(f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWrote {stem}.md and .json")


if __name__ == "__main__":
    main()
