//! JSON Schema of the types whose serde form is a checked string (feature `schema`); the
//! others derive `JsonSchema`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::{MAX_PROJECT_ID_LEN, ProjectId};

impl JsonSchema for ProjectId {
    fn schema_name() -> Cow<'static, str> {
        "ProjectId".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "baraza_budgeting::ProjectId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A participatory-budgeting project's id, such as \"303\": no ',', ';' or \
                control characters, no leading or trailing white space.",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_PROJECT_ID_LEN,
            "pattern": "^[^\\s,;\\x00-\\x1F\\x7F-\\x9F]([^,;\\x00-\\x1F\\x7F-\\x9F]*[^\\s,;\\x00-\\x1F\\x7F-\\x9F])?$",
        })
    }
}
