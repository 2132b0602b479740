"""Screenshots for the README: the demo data on a fresh database, served on loopback, photographed by
Playwright in Chromium at 1280 and 390 px wide. Run with `make screenshots`; writes docs/screenshots/*.png.

    python docs/screenshots/make.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from werkzeug.serving import make_server  # noqa: E402

from config import Config  # noqa: E402
from matchmaker import create_app  # noqa: E402
from matchmaker.extensions import db  # noqa: E402

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# (file name, who logs in, page)
SHOTS = (("graduate-fits", "graduate", "/matches/offers"),
         ("company-dashboard", "company", "/companies/mine"),
         ("staff-pipeline", "staff", "/introductions/pipeline"))


def serve_demo(workdir: Path):
    """The app on a new SQLite file with the demo data, served in a thread; returns (server, base URL, logins)."""
    from matchmaker.demo import COMPANIES, DEMO_PASSWORD, STAFF_ACCOUNTS, demo_email, seed_demo

    config = type("ScreenshotConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'demo.sqlite'}", "INSTANCE_DIR": workdir / "instance",
        "RATELIMIT_ENABLED": False, "SECRET_KEY": "screenshots-only",
        # the tables are made below, after the app: the index is built here once they are seeded
        "MATCHER_WARM_START": False})
    app = create_app(config)
    with app.app_context():
        db.create_all()
        seed_demo()
        from matchmaker.matching.index import get_matcher

        get_matcher()  # built before serving, as a production process loads its snapshot: the fit counts show at once
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    logins = {"graduate": demo_email("graduate01"), "company": COMPANIES[0].email, "staff": demo_email("staff")}
    assert {role.value for role, _ in STAFF_ACCOUNTS} >= {"staff"}
    return server, f"http://127.0.0.1:{server.server_port}", logins, DEMO_PASSWORD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base, logins, password = serve_demo(Path(tmp))
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for name, role, path in SHOTS:
                for label, viewport in WIDTHS.items():
                    context = browser.new_context(base_url=base, locale="de-DE", viewport=viewport)
                    page = context.new_page()
                    page.goto("/auth/login")
                    page.fill("#email", logins[role])
                    page.fill("#password", password)
                    with page.expect_navigation():
                        page.locator("main form[method=post] button[type=submit]").first.click()
                    page.goto(path)
                    target = out / f"{name}-{viewport['width']}.png"
                    page.screenshot(path=str(target))  # the viewport, not the full page: small files
                    print(f"{target.relative_to(out.parent.parent)}  {target.stat().st_size // 1024} KB")
                    context.close()
        finally:
            browser.close()
            server.shutdown()


if __name__ == "__main__":
    main()
