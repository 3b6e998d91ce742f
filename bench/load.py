"""A load run with wrk through the production server: every answer must be 2xx, the log clean.

    python bench/load.py [--seconds 30] [--connections 32]   (DATABASE_URL for PostgreSQL)

Only ever against 127.0.0.1.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from instance import environment, gunicorn, prepare, wrk

PORT = 8766
PATHS = [
    "/",
    "/claims/",
    "/claims/?ordering=-verified_at&corroboration=disputed",
    "/quotes/",
    "/agreements/",
    "/sources/",
    # details from the seed corpus
    "/claims/xi-visit-three-days-20-22-march-2023/",
    "/quotes/xi-we-signed-agreement-new-era/",
    "/agreements/russia-china-joint-statements-march-2023/",
    "/sources/walayat-strengthening-alliances-2023-04-03/",
    "/search/?q=trade+yuan",
    "/feeds/verified/",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summitcms-load-") as var_dir:
        env = environment(var_dir, os.environ.get("DATABASE_URL"))
        prepare(env)
        log = Path(var_dir) / "server.log"
        failed = False
        with gunicorn(env, PORT, workers=int(os.environ.get("WEB_CONCURRENCY", 2)), log=log) as url:
            for path in PATHS:
                requests, rate, bad, errors = wrk(url + path, args.seconds, args.connections)
                failed |= bool(bad or errors)
                print(f"{path:55} {requests:7d} requests {rate:8.0f}/s  non-2xx: {bad}  socket errors: {errors or 0}")
        problems = [line for line in log.read_text().splitlines() if "Error" in line or "Traceback" in line]
        print(f"server log: {len(problems)} error lines")
        for line in problems[:20]:
            print("  " + line)
        sys.exit(1 if failed or problems else 0)


if __name__ == "__main__":
    main()
