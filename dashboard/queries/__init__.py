"""The read layer: every read of the published database goes through it. Typed functions
take a DuckDB cursor (``dashboard.db`` hands them out, one per request), run SQL with bound
parameters and return plain values or DataFrames; pages and callbacks never write SQL.

- ``dashboard.kpis.query``: KPIs (``kpi_frame``), their SQL files on shared views;
- ``dashboard.queries.filters``: what the filter bar offers;
- ``dashboard.queries.status``: the published snapshot's facts, loads and findings (the SQL
  is ``etl.status``'s, shared with ``intl-kpi status``: the ETL cannot import the dashboard).
"""
