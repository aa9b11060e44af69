"""gunicorn's settings for this app. gunicorn reads ``./gunicorn.conf.py`` by itself, and ``scripts/run``,
``scripts/load_test.py`` and the tests start it from the repository's root; a deployment that starts
gunicorn elsewhere passes ``--config /path/to/gunicorn.conf.py``.
"""

import gc


def post_worker_init(worker):
    """Move what the worker holds once it has loaded the app (about 165,000 objects: Flask, SQLAlchemy,
    the forms, the catalogs) to the permanent generation, out of the collector's sight.

    Without this, each full collection walks them all: ~40-60 ms on an idle core and several times that
    on a busy one, landing on whichever request happens to trigger it, which is what sets the p95/p99
    of the load test (scripts/load_test.py measures it with and without this file).
    """
    gc.freeze()
