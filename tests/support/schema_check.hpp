// Contract checks against the OpenAPI document (docs/openapi.json): does an
// answer the server sent match what the document promises for its operation
// and status? Used by the unit tests (captures, hand-made bodies) and by the
// integration tests (real answers).
//
// Schemas are checked with a subset of JSON Schema 2020-12, the one the
// document uses: type (one or an array; "integer" is strict, see below), enum,
// const, properties, required, additionalProperties (boolean or schema),
// minProperties, maxProperties, items, minItems, maxItems, minLength,
// maxLength, pattern (std::regex ECMAScript, unanchored as JSON Schema says),
// minimum, maximum, exclusiveMinimum, exclusiveMaximum, oneOf, anyOf, allOf,
// not, $ref to "#/..." and boolean schemas. Annotations (description,
// examples, format...) are ignored. Any other keyword makes the constructor
// throw, so the document cannot use a rule that is silently not checked.
//
// "integer" accepts only numbers written without a fraction or exponent
// (1, not 1.0): clients parse the wire's text, and the emulator promises
// integers there. JSON Schema would accept 1.0.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace reemu::test {

class openapi_contract {
 public:
  // Looks up header `name` (case-insensitive) in a response; nullopt when absent.
  using header_lookup = std::function<std::optional<std::string>(std::string_view name)>;

  // Keeps a copy of `doc`. Throws std::invalid_argument when the document is
  // not OpenAPI 3.1 or cannot be checked fully: a schema keyword outside the
  // subset above, an invalid pattern, a $ref that does not resolve.
  explicit openapi_contract(const nlohmann::json& doc);
  // Not copied or moved: it keeps pointers into its own copy of the document.
  openapi_contract(const openapi_contract&) = delete;
  openapi_contract& operator=(const openapi_contract&) = delete;

  // Checks one answer. `path` is the request path, percent-encoded as sent,
  // without the query (a query is ignored if present); HEAD is checked as GET,
  // and its empty body is accepted. The operation is the document's path
  // template that `path` falls under (literal segments win over {params});
  // the response is the one for `status`, else its range ("4XX"), else
  // "default". An application/json response body must parse and match its
  // schema; a response without content must have an empty body. Returns the
  // violations, each naming the operation and the JSON pointer of the value at
  // fault; empty when the answer conforms. An undocumented path, method or
  // status is a violation.
  std::vector<std::string> check_response(std::string_view method, std::string_view path,
                                          int status, std::string_view body) const;

  // Checks the headers of one answer: every header the response declares
  // required is present and matches its schema, and, when the response has
  // content, Content-Type is one of its media types (parameters ignored).
  std::vector<std::string> check_headers(std::string_view method, std::string_view path, int status,
                                         const header_lookup& header) const;

  // Checks a request body against the operation's requestBody (application/json).
  std::vector<std::string> check_request(std::string_view method, std::string_view path,
                                         std::string_view body) const;

  // Checks `value` against `schema`, which may be a $ref into the document
  // ({"$ref":"#/components/schemas/Task"}). Violations carry JSON pointers
  // relative to `value` ("(root)" for the value itself).
  std::vector<std::string> check_value(const nlohmann::json& schema,
                                       const nlohmann::json& value) const;

  // The path template `path` falls under ("/v1/actions/{uid}"), or nullopt.
  std::optional<std::string> find_path(std::string_view path) const;

  const nlohmann::json& document() const noexcept { return doc_; }

 private:
  struct operation_ref {
    std::string label;  // "GET /v1/actions/{uid}"
    const nlohmann::json* operation = nullptr;
  };
  std::optional<operation_ref> find_operation(std::string_view method, std::string_view path,
                                              std::vector<std::string>& out) const;
  const nlohmann::json* find_response(const operation_ref& op, int status,
                                      std::vector<std::string>& out) const;
  const nlohmann::json& resolve(const nlohmann::json& node) const;
  void remember_ref(const nlohmann::json& node);
  void check_schema(const nlohmann::json& schema, const nlohmann::json& value,
                    const std::string& pointer, std::vector<std::string>& out, int depth) const;
  void walk_schema(const nlohmann::json& schema, const std::string& where);
  void walk_document(const nlohmann::json& node, const std::string& where);

  struct path_template {
    std::string text;                   // "/v1/actions/{uid}"
    std::vector<std::string> segments;  // "v1", "actions", "{uid}"
  };

  nlohmann::json doc_;
  std::map<std::string, std::regex> patterns_;  // every `pattern` of the document, compiled
  std::vector<path_template> paths_;            // the document's paths, split once
  // Every "#/..." reference of the document and what it points to; doc_ is
  // not changed after construction, so the pointers stay valid.
  std::map<std::string, const nlohmann::json*, std::less<>> refs_;
};

}  // namespace reemu::test
