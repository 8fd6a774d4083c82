"""The OpenAPI description of the open-data API, kept beside what it describes."""

from __future__ import annotations

BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}
NUMBER = {"type": ["number", "null"]}
UNIT = {
    "type": ["object", "null"],
    "properties": {
        "key": {"type": "string"},
        "zh": {"type": "string", "description": "As the report writes it."},
        "en": {"type": "string"},
    },
}
STATUS = {
    "type": "string",
    "enum": ["not_started", "in_progress", "achieved", "delayed"],
}

COMMITMENT = {
    "type": "object",
    "required": [
        "code", "report_year", "url", "area", "topic", "title", "summary",
        "quote_zh", "target", "baseline_2024", "status", "retired",
        "retired_on", "latest_progress", "rating",
    ],
    "properties": {
        "code": {
            "type": "string",
            "description": "Section.sub-section.order in the report, e.g. 3.5.7.",
            "examples": ["2.1", "3.5.7"],
        },
        "report_year": {"type": "integer"},
        "url": {"type": "string", "format": "uri"},
        "area": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "name": BILINGUAL},
        },
        "topic": {
            "type": "object",
            "properties": {"key": {"type": "string"}, "name": BILINGUAL},
        },
        "title": BILINGUAL,
        "summary": BILINGUAL,
        "quote_zh": {"type": "string", "description": "The report's own words."},
        "target": {
            "type": "object",
            "properties": {
                "value": NUMBER,
                "unit": UNIT,
                "phrasing": {
                    "type": "string",
                    "enum": [
                        "grow_by", "grow_at_least", "about", "at_least",
                        "increase_to", "reach", "complete", "start", "advance",
                        "maintain",
                    ],
                },
            },
        },
        "baseline_2024": {
            "type": ["object", "null"],
            "description": "The comparable 2024 figure from the report's review.",
            "properties": {
                "value": NUMBER,
                "unit": UNIT,
                "quote_zh": {"type": "string"},
            },
        },
        "status": STATUS,
        "retired": {
            "type": "boolean",
            "description": "Retired by an administrator: off the list, no new "
            "feedback; its page, code and feedback stay.",
        },
        "retired_on": {
            "type": ["string", "null"],
            "format": "date",
            "description": "The day (UTC) it was retired, if it was.",
        },
        "latest_progress": {
            "type": ["object", "null"],
            "description": "The newest official progress update, if any.",
            "properties": {
                "reported_on": {"type": "string", "format": "date"},
                "value": NUMBER,
                "percent": {"type": ["integer", "null"]},
                "status": STATUS,
                "note": BILINGUAL,
                "demonstration": {"type": "boolean"},
            },
        },
        "rating": {
            "type": "object",
            "description": "Residents' ratings (1 very dissatisfied to 5 very "
            "satisfied); bot-trapped ratings are not counted.",
            "properties": {
                "average": {"type": ["number", "null"]},
                "count": {"type": "integer"},
                "distribution": {
                    "type": "object",
                    "properties": {s: {"type": "integer"} for s in "12345"},
                },
            },
        },
    },
}  # fmt: skip

COMMITMENT_REF = "#/components/schemas/Commitment"
ERROR_REF = "#/components/schemas/Error"

ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}


def openapi_document() -> dict:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Work-report commitments open data",
            "version": "1.0.0",
            "description": (
                "The commitments of the district government's work report, with "
                "their status and latest official progress. Read-only."
            ),
        },
        "paths": {
            "/api/v1/commitments": {
                "get": {
                    "summary": "Every commitment of the current report",
                    "operationId": "listCommitments",
                    "responses": {
                        "200": {
                            "description": "All commitments, in report order.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "commitments": {
                                                "type": "array",
                                                "items": {"$ref": COMMITMENT_REF},
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/commitments/{code}": {
                "get": {
                    "summary": "One commitment",
                    "operationId": "getCommitment",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 20},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The commitment.",
                            "content": {
                                "application/json": {"schema": {"$ref": COMMITMENT_REF}}
                            },
                        },
                        "404": {
                            "description": "No commitment has this code.",
                            "content": {
                                "application/json": {"schema": {"$ref": ERROR_REF}}
                            },
                        },
                    },
                }
            },
            "/api/v1/commitments.csv": {
                "get": {
                    "summary": "Every commitment as CSV (UTF-8 with BOM)",
                    "operationId": "downloadCommitments",
                    "responses": {
                        "200": {
                            "description": "The same list as the JSON.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
            "/api/v1/comments.csv": {
                "get": {
                    "summary": "Every published comment as CSV (UTF-8 with BOM)",
                    "description": (
                        "Columns: comment_id, commitment_code, created_on (UTC "
                        "day), lang, display_name, body (personal data masked), "
                        "answered, answering_department, demonstration. No resident "
                        "identifiers."
                    ),
                    "operationId": "downloadComments",
                    "responses": {
                        "200": {
                            "description": "Published comments, oldest first.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": {"Commitment": COMMITMENT, "Error": ERROR}},
    }
