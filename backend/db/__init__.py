"""Data access: tables, connections, migrations and the queries the services use."""
