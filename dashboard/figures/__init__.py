"""Plain figure builders (DataFrame -> plotly figure) and the dashboard's plotly template."""
