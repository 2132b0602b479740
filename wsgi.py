"""WSGI entry point: `gunicorn --preload wsgi:app`.

`create_app` loads the matcher's index snapshot (MATCHER_SNAPSHOT_DIR, written by `flask matcher build`
or a background job) before any request: under `gunicorn --preload` that happens once in the master and
the workers share its memory-mapped pages. Without a snapshot one is built in the background while the
matching pages say that the ranking is being prepared (MATCHER_WARM_START, on by default).
"""

from matchmaker import create_app

app = create_app()
