"""`make scan`: wapiti against a production instance on 127.0.0.1, anonymous and as an analyst.

Fails on any finding of medium severity or higher, and on any server error (500) the
scanner provoked. wapiti lives in a virtualenv of its own (it pins old libraries).
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from instance import ROOT, create_user, environment, gunicorn, prepare

WAPITI = ROOT / "var" / "wapiti-venv" / "bin" / "wapiti"
MODULES = "xss,sql,exec,csrf,permanentxss"
MEDIUM = 2  # wapiti's levels: 0 info, 1 low, 2 medium, 3 high, 4 critical
PORT = 8765


def scan(url, report, *extra):
    command = [str(WAPITI), "-u", url, "--scope", "folder", "-m", MODULES, "--max-scan-time", "240"]
    # Bounded: the admin's filter links multiply without end.
    command += ["--max-attack-time", "40", "--max-links-per-page", "60", "--max-files-per-dir", "80"]
    command += ["--flush-session", "-f", "json", "-o", str(report), "--no-bugreport", "-v", "0", *extra]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return json.loads(report.read_text())


def findings(result):
    serious, anomalies = [], []
    for category, items in result.get("vulnerabilities", {}).items():
        serious += [(category, item) for item in items if item.get("level", 0) >= MEDIUM]
    for category, items in result.get("anomalies", {}).items():
        anomalies += [(category, item) for item in items]
    return serious, anomalies


def main():
    with tempfile.TemporaryDirectory(prefix="summitcms-scan-") as var_dir:
        env = environment(var_dir)
        prepare(env)
        password = create_user(env, "scan-analyst", "Analysts")
        reports = Path(ROOT / "var" / "scan")
        reports.mkdir(parents=True, exist_ok=True)
        failed = False
        with gunicorn(env, PORT, log=reports / "server.log") as url:
            runs = {
                "anonymous": scan(f"{url}/", reports / "anonymous.json"),
                "analyst": scan(
                    f"{url}/admin/",
                    reports / "analyst.json",
                    "--form-url",
                    f"{url}/admin/login/",
                    "--form-user",
                    "scan-analyst",
                    "--form-password",
                    password,
                    "-x",
                    f"{url}/admin/logout/",
                ),
            }
        for name, result in runs.items():
            serious, anomalies = findings(result)
            crawled = result.get("infos", {}).get("crawled_pages_nbr", "?")
            print(f"{name}: {crawled} pages crawled, {len(serious)} findings ≥ medium, {len(anomalies)} anomalies")
            for category, item in serious + anomalies:
                failed = True
                print(f"  {category}: {item.get('method')} {item.get('path')} {item.get('info')}")
        server_errors = (reports / "server.log").read_text().count("Internal Server Error")
        print(f"server log: {server_errors} internal server errors")
        if failed or server_errors:
            sys.exit(1)


if __name__ == "__main__":
    main()
