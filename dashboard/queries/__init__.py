"""The dashboard's query layer: typed functions that take a DuckDB cursor, run SQL with bound
parameters and return plain values or DataFrames. Pages and callbacks never write SQL."""
