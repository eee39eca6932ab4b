"""Sign-in, roles and the audit log of the dashboard (issue 9, item 5).

- ``access``: who is asking; the faculty scope the query layer is restricted by
  (``dashboard.runtime.query_context`` is the one place it is read).
- ``web``: the request guard, the sign-in page, sessions, single sign-on routes, the
  download audit and the refusal to start unsigned on a non-loopback address.
- ``oidc``: OpenID Connect (Authlib) and the claims -> role/faculty mapping file.
- ``audit``: the JSON-lines audit log; ``throttle``: failed sign-ins per name and address.

Roles and the local user store live in ``etl.users`` (the CLI uses them without Dash).
Nothing is imported here, so ``dashboard.runtime`` can import ``access`` without a cycle.
"""
