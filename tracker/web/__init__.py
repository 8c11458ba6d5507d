"""The web view, JSON API and Atom feeds served by `zanwatch serve` (the app is `tracker.web.app`).

This package's `links` module is imported by the notification channels too, so it stays free of web
framework imports.
"""
