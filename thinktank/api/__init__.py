"""Open data: the read-only JSON API (/api/v1), its OpenAPI document, reference and exports."""
