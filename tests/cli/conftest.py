"""CLI tests run the console script; those touching the database ask for `empty_tables`."""
