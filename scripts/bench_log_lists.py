#!/usr/bin/env python
"""The lists that grow with the system, apart from the applications: their pages at 100, 10,000 and
100,000 rows, in one run.

The security log, the administrative changes, one city's notifications and the accounts are grown
to each size by bulk INSERTs of plain rows (kinds, usernames and read marks mixed so that every
filter matches a share of them), on the app's migrated database with the demo users
(``bench_scale.prepared_app``). Then, through Flask's test client, each list's first page (also
filtered, and in the other order), a page deep in it (``after`` a row in its middle) and the API's
first page, signed in as the reader each needs. Prints each size's median and its ratio to the
smallest size; on SQLite and on PostgreSQL (skipped when 127.0.0.1:5432 does not answer), as
``bench_scale.py`` does.

Usage: bench_log_lists.py [--sizes 100 10000 100000] [--reps 7] [--only sqlite|postgresql]
"""

from __future__ import annotations

from datetime import timedelta

from bench_scale import PASSWORD, _login, measure, median_seconds, prepared_app

CHUNK = 5000
SECURITY_KINDS = ("sign_in", "sign_in_failed", "refused_not_found", "export")
CHANGE_KINDS = ("user_updated", "user_deactivated", "unit_renamed")
READER = {"security": "auditor", "changes": "auditor", "notifications": "370100", "users": "admin"}
# (list, label, URL): {middle} is the id of a row in the middle of the list. Pages of 20 rows: full
# at every size (a quarter of 100 rows is of each kind), so a ratio compares pages of the same rows.
PAGES = (
    ("security", "first", "/audit/security?limit=20"),
    ("security", "kind", "/audit/security?kind=sign_in_failed&limit=20"),
    ("security", "oldest", "/audit/security?order=asc&limit=20"),
    ("security", "deep", "/audit/security?after={middle}&limit=20"),
    ("changes", "first", "/audit/admin-changes?limit=20"),
    ("changes", "kind", "/audit/admin-changes?kind=unit_renamed&limit=20"),
    ("changes", "api", "/api/admin-changes?limit=20"),
    ("notifications", "first", "/notifications?limit=20"),
    ("notifications", "unread", "/notifications?unread=1&limit=20"),
    ("notifications", "api", "/api/notifications?limit=20"),
    ("users", "first", "/admin/users?limit=20"),
    ("users", "z-a", "/admin/users?order=desc&limit=20"),
    ("users", "deep", "/admin/users?after={middle}&limit=20"),
)


def _insert(table, rows) -> None:
    from app.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start : start + CHUNK])
    db.session.commit()


def grow(app, clock, have: int, size: int) -> dict[str, int]:
    """Add rows to each list up to `size`; returns the id of a row in the middle of each list."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import AdminChange, Notification, SecurityEvent, User

    with app.app_context():
        now, admin = clock.now(), db.session.scalar(select(User.id).where(User.username == "admin"))
        city = db.session.scalar(select(User.id).where(User.username == "370100"))
        users = db.session.scalar(select(func.count()).select_from(User))
        added = range(have, size)
        at = [now - timedelta(seconds=size - n) for n in added]
        _insert(
            SecurityEvent.__table__,
            [
                {
                    "at": t,
                    "last_at": t,
                    "count": 1,
                    "kind": SECURITY_KINDS[n % 4],
                    "username": f"user{n % 97}",
                    "ip": f"10.0.{n % 13}.1",
                    "detail": {},
                }
                for n, t in zip(added, at, strict=True)
            ],
        )
        _insert(
            AdminChange.__table__,
            [
                {
                    "at": t,
                    "actor_id": admin,
                    "kind": CHANGE_KINDS[n % 3],
                    "target_type": "user",
                    "target_id": admin,
                    "target_label": f"change {n}",
                    "before": {},
                    "after": {},
                }
                for n, t in zip(added, at, strict=True)
            ],
        )
        _insert(
            Notification.__table__,
            [
                {
                    "user_id": city,
                    "kind": "new_task",
                    "params": {"task": f"任务{n}", "application": "#1"},
                    "created_at": t,
                    "read_at": t if n % 4 else None,
                }
                for n, t in zip(added, at, strict=True)
            ],
        )
        _insert(
            User.__table__,
            [
                {
                    "username": f"bench{n:06d}",
                    "display_name": f"测试{n}",
                    "password_hash": "-",
                    "active": True,
                }
                for n in range(max(have, users), size)
            ],
        )
        # Fresh statistics, as autovacuum keeps them on a server: without them PostgreSQL sorts the
        # whole kind's rows instead of reading the (kind, id) index backwards.
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        middles = {}
        for name, model in (
            ("security", SecurityEvent),
            ("changes", AdminChange),
            ("notifications", Notification),
        ):
            ids = select(model.id).order_by(model.id)
            middles[name] = db.session.scalar(ids.offset(size // 2).limit(1))
        by_name = select(User.id).order_by(User.username)
        middles["users"] = db.session.scalar(by_name.offset(size // 2).limit(1))
        return middles


def time_lists(app, middles: dict[str, int], reps: int) -> dict[tuple[str, str], float]:
    medians = {}
    for name, username in READER.items():
        client = app.test_client()
        _login(client, username)
        token = client.post("/api/tokens", json={"username": username, "password": PASSWORD}).get_json()
        bearer = {"Authorization": f"Bearer {token['token']}"}
        for list_name, label, url in PAGES:
            if list_name == name:
                path = url.format(middle=middles[name])
                headers = bearer if path.startswith("/api/") else {}
                medians[(name, label)] = median_seconds(
                    lambda c=client, p=path, h=headers: c.get(p, headers=h), reps, path
                )
    return medians


def run(url: str, label: str, sizes: list[int], reps: int) -> None:
    from app.extensions import db

    app, clock = prepared_app(url)
    results, have = {}, 0
    for size in sizes:
        middles = grow(app, clock, have, size)
        have = size
        results[size] = time_lists(app, middles, reps)
    print(f"\n{label}: median ms of a page (ratio to {sizes[0]} rows)")
    print(
        f"{'list':14} {'page':8}"
        + "".join(f"{size:>10}" for size in sizes)
        + "".join(f"{'x' + str(size):>10}" for size in sizes[1:])
    )
    for name, page, _url in PAGES:
        values = [results[size][(name, page)] for size in sizes]
        row = f"{name:14} {page:8}" + "".join(f"{v * 1000:10.1f}" for v in values)
        print(row + "".join(f"{v / values[0]:10.2f}" for v in values[1:]))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    measure(__doc__ or "", run, [100, 10_000, 100_000], 7)


if __name__ == "__main__":
    main()
