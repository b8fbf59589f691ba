//! JSON Schema of the types whose serde form is a checked string or number (feature `schema`);
//! the others derive `JsonSchema`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::{DecimalPlaces, MAX_DECIMAL_PLACES, Votes};

impl JsonSchema for Votes {
    fn schema_name() -> Cow<'static, str> {
        "Votes".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_ranked::Votes".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A vote total, exact, as a decimal string without trailing zeros: \"8\", \
                \"177.5192\".",
            "type": "string",
            "pattern": "^(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$",
        })
    }
}

impl JsonSchema for DecimalPlaces {
    fn schema_name() -> Cow<'static, str> {
        "DecimalPlaces".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_ranked::DecimalPlaces".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number of decimal places.",
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_DECIMAL_PLACES,
        })
    }
}
