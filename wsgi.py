"""WSGI entry point: `gunicorn --preload wsgi:app`.

With MATCHMAKER_WARM_INDEX=1 the matcher's index is built here, before any request: under
`gunicorn --preload` that happens once in the master and the workers share it, so no first
request waits for a build (or runs into the worker timeout).
"""

import os

from matchmaker import create_app

app = create_app()

if os.environ.get("MATCHMAKER_WARM_INDEX") == "1":
    from matchmaker.matching.index import get_matcher

    from matchmaker.extensions import db

    with app.app_context():
        get_matcher()
        db.session.remove()
        # No pooled connection may cross the fork into the workers.
        db.engine.dispose()
