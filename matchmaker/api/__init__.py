"""The JSON API under /api/v1: personal bearer tokens, problem+json errors, an OpenAPI 3.1 document.

- `auth`: the bearer token of a request, its scopes, and the rate-limit key (the token's id).
- `problems`: errors as `application/problem+json` in the request's language (errors.py calls it).
- `schemas`: marshmallow schemas of what goes in and out; `spec` builds the OpenAPI document from them.
- `views`: the blueprint `bp`; it reuses the offers' queries and operations, the matcher's ranking and
  the card of brokering, and checks every object through `access.py` as the pages do.
"""
