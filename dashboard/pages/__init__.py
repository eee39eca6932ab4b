"""The dashboard's pages, one module each (``dash.register_page`` + ``layout(**query)``).
Dash imports them itself (``use_pages=True``). A KPI page also declares its chart cards
(``CHARTS``), from which ``dashboard/callbacks/pages.py`` wires their callbacks; other
callbacks live in ``dashboard/callbacks``."""
