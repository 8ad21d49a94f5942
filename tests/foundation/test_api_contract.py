"""Errors are JSON in one shape wherever they come from, paging is strict, and the schema says so."""

import pytest

from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code and body["message"] and isinstance(body["errors"], dict), body
    return body


@pytest.mark.parametrize("path", ["/api/clients/false/", "/api/no-such-thing/", "/api/clients/1/nothing/"])
def test_an_unmatched_api_url_is_a_json_404(api_as, receptionist, path):
    assert_error(api_as(receptionist).get(path), 404, "not_found")


def test_a_missing_object_is_a_json_404(api_as, receptionist):
    assert_error(api_as(receptionist).get("/api/clients/999999/"), 404, "not_found")


def test_pages_outside_the_api_keep_their_html_404(client, receptionist):
    client.force_login(receptionist)
    response = client.get("/clients/false/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_lacks_is_a_json_405(api_as, receptionist):
    assert_error(api_as(receptionist).delete("/api/clients/"), 405, "method_not_allowed")


def test_a_server_error_under_the_api_is_json(api_as, receptionist, monkeypatch):
    from clients import selectors

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "client_list", broken)
    api = api_as(receptionist)
    api.raise_request_exception = False
    body = assert_error(api.get("/api/clients/"), 500, "server_error")
    assert "disk" not in body["message"]


@pytest.mark.parametrize(("query", "field", "message"), [
    ("page=0", "page", "Give a whole number of 1 or more, not “0”."),
    ("page=abc", "page", "Give a whole number of 1 or more, not “abc”."),
    ("page=3", "page", "Page 3 does not exist; there are 2 pages."),
    ("page_size=0", "page_size", "Give a whole number from 1 to 200, not “0”."),
    ("page_size=201", "page_size", "Give a whole number from 1 to 200, not “201”."),
    ("page_size=-5", "page_size", "Give a whole number from 1 to 200, not “-5”."),
])
def test_invalid_paging_is_a_400_naming_the_parameter(api_as, receptionist, query, field, message):
    ClientFactory.create_batch(3)
    body = assert_error(api_as(receptionist).get(f"/api/clients/?page_size=2&{query}"), 400, "invalid")
    assert body["errors"] == {field: [message]}


@pytest.mark.parametrize("path", ["/api/care-plans/", "/api/recalls/", "/api/rooms/", "/api/appointments/"])
def test_other_lists_page_the_same_way(api_as, receptionist, path):
    assert_error(api_as(receptionist).get(path, {"page": "0"}), 400, "invalid")
    body = api_as(receptionist).get(path, {"page": "1"}).json()
    assert set(body) == {"count", "next", "previous", "results"}


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def response_schema(schema, path, method, status="200"):
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def component(schema, ref):
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


@pytest.mark.parametrize("path", ["/api/care-plans/", "/api/recalls/", "/api/clients/"])
def test_paginated_lists_are_documented_as_pages(schema, path):
    page = component(schema, response_schema(schema, path, "get"))
    assert page["type"] == "object" and {"count", "next", "previous", "results"} <= set(page["properties"])
    parameters = {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}
    assert parameters["page"]["minimum"] == 1 and parameters["page_size"]["maximum"] == 200


def test_fields_only_clinical_staff_get_are_optional(schema):
    from clients.models import CLINICAL_FIELDS

    client = schema["components"]["schemas"]["ClinicalClientOutput"]
    assert set(CLINICAL_FIELDS) <= set(client["properties"])
    assert not set(CLINICAL_FIELDS) & set(client["required"])
    assert "goal" not in schema["components"]["schemas"]["CarePlanOutput"]["required"]


def test_a_blank_email_is_not_documented_as_an_email_format(schema):
    for name in ("ClientOutput", "UserOutput"):
        assert "format" not in schema["components"]["schemas"][name]["properties"]["email"]


def test_error_responses_are_documented_in_the_error_shape(schema):
    detail = schema["paths"]["/api/clients/{client_id}/"]
    assert {"403", "404", "429"} <= set(detail["get"]["responses"])
    assert {"400", "403", "404", "409"} <= set(detail["patch"]["responses"])
    assert "400" in schema["paths"]["/api/clients/"]["get"]["responses"]  # filters and paging
    assert "404" not in schema["paths"]["/api/me/"]["get"]["responses"]
    error = component(schema, response_schema(schema, "/api/clients/{client_id}/", "get", "404"))
    assert set(error["required"]) == {"message", "code", "errors"}
