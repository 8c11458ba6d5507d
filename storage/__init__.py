"""The only package that talks SQL. Everything else asks it for domain objects."""
