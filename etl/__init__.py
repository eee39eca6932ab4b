"""ETL: reads a university's exports and the public formats, validates them and publishes
them into the DuckDB database the dashboard reads."""
