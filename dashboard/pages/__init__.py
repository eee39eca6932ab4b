"""The dashboard's pages, one module each (``dash.register_page`` + ``layout(**query)``).
Dash imports them itself (``use_pages=True``); their callbacks live in
``dashboard/callbacks``."""
