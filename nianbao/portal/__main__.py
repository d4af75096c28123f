"""`python -m nianbao.portal [--port N] [--faults] [--js-section] [--extra-reports N]`: run the sample portal in the foreground."""

from __future__ import annotations

import argparse
import time

from .server import start_portal


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m nianbao.portal", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    ap.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    ap.add_argument("--faults", action="store_true", help="add the failing pages (503, reset, hang …)")
    ap.add_argument("--js-section", action="store_true", help="add the 区司法局 column built by JavaScript")
    ap.add_argument("--extra-reports", type=int, default=0, metavar="N", help="add a column of N generated reports")
    args = ap.parse_args(argv)
    portal = start_portal(args.host, args.port, faults=args.faults, extra_reports=args.extra_reports,
                          js_section=args.js_section)
    print(f"sample portal on {portal.url}  ({len(portal.reports)} reports, {len(portal.catalog)} detail pages)",
          flush=True)
    print("Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()


if __name__ == "__main__":
    main()
