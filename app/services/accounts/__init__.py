"""Signing in: passwords, API tokens, server-side sessions and sign-in throttling."""
