import Certification

/// Example files for the extension rules: the minimal package's swagger and apiProperties.json
/// with a second operation to point dynamic extensions at, and slots where an example inserts
/// its members.
enum XMSExamples {
    /// The minimal swagger plus `ListPlaces` (GET /places, one optional `country` query
    /// parameter) and a `Place` definition. Each slot takes members (without braces) added to:
    /// the root, info, the GetForecast operation, its `place` parameter, definitions, paths.
    static func swagger(
        root: String = "", info: String = "", operation: String = "", parameter: String = "",
        definitions: String = "", paths: String = ""
    ) -> String {
        func slot(_ text: String) -> String { text.isEmpty ? "" : ", " + text }
        return #"""
            {
              "swagger": "2.0",
              "info": {
                "title": "Contoso Weather",
                "description": "Weather forecasts and current observations for any place on Earth, by coordinates or by name.",
                "version": "1.0",
                "contact": {"name": "Contoso Support", "url": "https://contoso.example/support", "email": "support@contoso.example"}\#(slot(info))
              },
              "host": "api.contoso.example",
              "basePath": "/v1",
              "schemes": ["https"],
              "consumes": [],
              "produces": ["application/json"],
              "paths": {
                "/forecast": {
                  "get": {
                    "operationId": "GetForecast",
                    "summary": "Get the forecast",
                    "description": "Returns the forecast for the next days at a place.",
                    "x-ms-visibility": "important",
                    "parameters": [
                      {"name": "place", "in": "query", "required": true, "type": "string", "description": "The place name.", "x-ms-summary": "Place", "x-ms-test-value": "Oslo"\#(slot(parameter))}
                    ],
                    "responses": {
                      "200": {"description": "The forecast.", "schema": {"type": "object", "properties": {"days": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "high": {"type": "number"}}}}}}}
                    }\#(slot(operation))
                  }
                },
                "/places": {
                  "get": {
                    "operationId": "ListPlaces",
                    "summary": "List places",
                    "description": "Lists the places that have a forecast.",
                    "x-ms-visibility": "internal",
                    "parameters": [
                      {"name": "country", "in": "query", "required": false, "type": "string", "description": "A country code.", "x-ms-summary": "Country"}
                    ],
                    "responses": {
                      "200": {"description": "The places.", "schema": {"type": "object", "properties": {"value": {"type": "array", "items": {"$ref": "#/definitions/Place"}}}}}
                    }
                  }
                }\#(slot(paths))
              },
              "definitions": {
                "Place": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}\#(slot(definitions))
              },
              "securityDefinitions": {"api_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
              "security": [{"api_key": []}],
              "x-ms-connector-metadata": [
                {"propertyName": "Website", "propertyValue": "https://contoso.example"},
                {"propertyName": "Privacy policy", "propertyValue": "https://contoso.example/privacy"},
                {"propertyName": "Categories", "propertyValue": "Data;Lifestyle and Entertainment"}
              ]\#(slot(root))
            }
            """#
    }

    /// The minimal apiProperties.json with members added to `properties` and to
    /// `connectionParameters`, or its `api_key` parameter replaced.
    static func properties(
        properties: String = "", connectionParameters: String = "",
        apiKey: String =
            #"{"type": "securestring", "uiDefinition": {"displayName": "API Key", "description": "The API key for this connection.", "tooltip": "Your Contoso API key", "constraints": {"tabIndex": 2, "clearText": false, "required": "true"}}}"#
    ) -> String {
        func slot(_ text: String) -> String { text.isEmpty ? "" : ", " + text }
        return #"""
            {
              "properties": {
                "connectionParameters": {
                  "api_key": \#(apiKey)\#(slot(connectionParameters))
                },
                "iconBrandColor": "#1f6feb",
                "capabilities": [],
                "publisher": "Contoso",
                "stackOwner": "Contoso"\#(slot(properties))
              }
            }
            """#
    }
}
