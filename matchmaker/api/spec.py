"""The OpenAPI 3.1 document of the API, made by apispec from the marshmallow schemas and the routes."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask

from ..models import TokenScope
from . import schemas

VERSION = "1.0.0"
BEARER = [{"bearerAuth": []}]
OPTIONAL_BEARER = [{}, {"bearerAuth": []}]


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": "Problem"}}}


ERRORS = {
    "400": _problem("The request cannot be read (a body that is no JSON object, a bad query string)."),
    "401": _problem("No token where one is needed, or a token that is unknown, revoked or expired."),
    "403": _problem("The token lacks a scope, or its owner's role or company may not do this."),
    "404": _problem("No such object, or not visible to the token's owner."),
    "409": _problem("Not possible in the object's current state."),
    "422": _problem("Input that breaks the rules, with messages per field."),
    "429": _problem("Too many requests with this token (or from this address without one)."),
}


def _errors(*codes: str) -> dict:
    return {code: ERRORS[code] for code in ("400", "401", "429", *codes)}


def _ok(schema: str, description: str, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _query(name: str, schema: dict, description: str = "") -> dict:
    schema = dict(schema)
    text = schema.pop("description", description)
    return {"in": "query", "name": name, "required": False, "schema": schema, "description": text}


def _path(name: str) -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "integer", "minimum": 1}}


PAGING = [
    _query("cursor", {"type": "string", "maxLength": 2000}, "The next_cursor of the page before (opaque)."),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Items per page."),
]
OFFER_FILTERS = [_query(name, schema) for name, schema in schemas.OFFER_FILTERS.items()]
UNIT_FILTERS = [_query(name, schema) for name, schema in schemas.UNIT_FILTERS.items()]


def _scopes(*scopes: TokenScope) -> str:
    return " Token scopes: " + ", ".join(f"`{scope.value}`" for scope in scopes) + "."


# endpoint -> method -> operation
OPERATIONS: dict[str, dict[str, dict]] = {
    "api.list_offers": {"get": {
        "operationId": "listOffers", "tags": ["offers"], "security": OPTIONAL_BEARER,
        "summary": "Published offers, with the offer list's search and facets",
        "description": "Newest first; ranked by the words of `q` when given (German and English meet).",
        "parameters": OFFER_FILTERS + PAGING,
        "responses": {**_ok("OfferPage", "A page of public offers."), **_errors("422")}}},
    "api.get_offer": {"get": {
        "operationId": "getOffer", "tags": ["offers"], "security": OPTIONAL_BEARER,
        "summary": "One offer",
        "description": "A public offer; with a token of scope `offers:read`, also the own company's drafts.",
        "parameters": [_path("offer_id")],
        "responses": {**_ok("OfferOut", "The offer."), **_errors("404")}}},
    "api.list_companies": {"get": {
        "operationId": "listCompanies", "tags": ["companies"], "security": OPTIONAL_BEARER,
        "summary": "Verified companies, by name",
        "parameters": [_query("sector", {"type": "string", "enum": schemas.SECTORS})] + PAGING,
        "responses": {**_ok("CompanyPage", "A page of companies."), **_errors("422")}}},
    "api.get_company": {"get": {
        "operationId": "getCompany", "tags": ["companies"], "security": OPTIONAL_BEARER,
        "summary": "One verified company", "parameters": [_path("company_id")],
        "responses": {**_ok("CompanyOut", "The company."), **_errors("404")}}},
    "api.list_units": {"get": {
        "operationId": "listUnits", "tags": ["research units"], "security": OPTIONAL_BEARER,
        "summary": "Verified BTU research units, by name, with the unit list's search and facets",
        "parameters": UNIT_FILTERS + PAGING,
        "responses": {**_ok("UnitPage", "A page of research units."), **_errors("422")}}},
    "api.get_unit": {"get": {
        "operationId": "getUnit", "tags": ["research units"], "security": OPTIONAL_BEARER,
        "summary": "One verified research unit", "parameters": [_path("unit_id")],
        "responses": {**_ok("UnitOut", "The research unit."), **_errors("404")}}},
    "api.own_offers": {
        "get": {
            "operationId": "listOwnOffers", "tags": ["own offers"], "security": BEARER,
            "summary": "The offers of the token owner's company, in every status",
            "description": "For active company members." + _scopes(TokenScope.read_offers),
            "parameters": PAGING,
            "responses": {**_ok("OfferPage", "A page of the company's offers."), **_errors("403", "422")}},
        "post": {
            "operationId": "createOffer", "tags": ["own offers"], "security": BEARER,
            "summary": "Write a new draft offer",
            "description": "The rules of the offer form apply (dates, lengths, lists)."
                           + _scopes(TokenScope.write_offers),
            "requestBody": {"required": True, "content": {"application/json": {"schema": "OfferIn"}}},
            "responses": {**_ok("OfferOut", "The new draft.", "201"), **_errors("403", "422")}},
    },
    "api.update_offer": {"patch": {
        "operationId": "updateOffer", "tags": ["own offers"], "security": BEARER,
        "summary": "Change an own offer",
        "description": "Only the fields sent change." + _scopes(TokenScope.write_offers),
        "parameters": [_path("offer_id")],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/OfferPatch"}}}},
        "responses": {**_ok("OfferOut", "The changed offer."), **_errors("403", "404", "422")}}},
    "api.publish_offer": {"post": {
        "operationId": "publishOffer", "tags": ["own offers"], "security": BEARER,
        "summary": "Publish an own draft (the company must be verified)",
        "description": _scopes(TokenScope.write_offers).strip(), "parameters": [_path("offer_id")],
        "responses": {**_ok("OfferOut", "The published offer."), **_errors("403", "404", "409")}}},
    "api.close_offer": {"post": {
        "operationId": "closeOffer", "tags": ["own offers"], "security": BEARER,
        "summary": "Close an own published offer", "description": _scopes(TokenScope.write_offers).strip(),
        "parameters": [_path("offer_id")],
        "responses": {**_ok("OfferOut", "The closed offer."), **_errors("403", "404", "409")}}},
    "api.graduates_for_offer": {"get": {
        "operationId": "graduatesForOffer", "tags": ["own offers"], "security": BEARER,
        "summary": "The graduates who fit an own published offer, as pseudonymous cards",
        "description": "Only graduates who agreed to be found, only what their card shows, and reasons "
                       "named in the offer's own words. Each card shown is logged for its graduate."
                       + _scopes(TokenScope.read_matches),
        "parameters": [_path("offer_id")] + PAGING,
        "responses": {**_ok("GraduateFitPage", "A page of cards, best fit first."),
                      **_errors("403", "404", "422")}}},
    "api.matches": {"get": {
        "operationId": "myMatches", "tags": ["matches"], "security": BEARER,
        "summary": "The offers that fit the token owner's graduate profile, with reasons",
        "description": "The facets of the offer list narrow the offers; best fit first."
                       + _scopes(TokenScope.read_matches),
        "parameters": OFFER_FILTERS + PAGING,
        "responses": {**_ok("OfferFitPage", "A page of fitting offers."), **_errors("403", "422")}}},
}

SCHEMAS = (schemas.OfferOut, schemas.OfferPage, schemas.CompanyOut, schemas.CompanyPage, schemas.GraduateFitPage,
           schemas.OfferFitPage, schemas.OfferIn, schemas.UnitOut, schemas.UnitPage, schemas.Problem)


def build_spec(app: Flask) -> dict:
    spec = APISpec(
        title="Matchmaker API", version=VERSION, openapi_version="3.1.0",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": "Offers of the Industriepark Schwarze Pumpe's companies and the BTU graduates who "
                             "fit them. Errors are `application/problem+json` in the language of "
                             "`Accept-Language` (de, en). Personal tokens are made in the account "
                             "(API tokens) and sent as `Authorization: Bearer <token>`."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "A personal API token."})
    for schema in SCHEMAS:
        spec.components.schema(schema.__name__, schema=schema)
    # The same fields, none required: a change names only what changes.
    patch = dict(spec.to_dict()["components"]["schemas"]["OfferIn"])
    patch.pop("required", None)
    patch["description"] = "The fields to change; the rules of the offer form apply."
    spec.components.schema("OfferPatch", component=patch)
    for endpoint, operations in OPERATIONS.items():
        spec.path(view=app.view_functions[endpoint], operations=operations, app=app)
    return spec.to_dict()


def openapi_document(app: Flask) -> dict:
    """The document, made once per app."""
    cached = app.extensions.get("matchmaker_openapi")
    if cached is None:
        cached = app.extensions["matchmaker_openapi"] = build_spec(app)
    return cached
