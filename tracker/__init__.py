"""Zan Watch: the law and the product — structure, editions, diffs, rules, notifications, the CLI."""
