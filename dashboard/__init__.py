"""The Dash app's pages, callbacks, query layer and KPI engine. Importing this package
imports no Dash code and opens no database: see ``app.py`` for the app shell."""
