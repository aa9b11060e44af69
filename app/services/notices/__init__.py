"""Telling people: in-app notifications (the bell) and e-mail through an outbox the worker sends."""
