"""Accounts: signing in (passwords, API tokens, server-side sessions, sign-in throttling) and
delegation while away (代理)."""
