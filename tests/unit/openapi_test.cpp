// Unit tests for the OpenAPI document (docs/openapi.json, src/openapi.cpp):
// it covers every route of the app and nothing else, docs/openapi.yaml is its
// exact YAML rendering, SPEC.md's captures and the app's real answers conform
// to it, wrong bodies do not, and the YAML emitter's edge cases.
#include "reemu/control/openapi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "captures.hpp"
#include "reemu/app/app.hpp"
#include "reemu/auth/auth.hpp"
#include "reemu/config/config.hpp"
#include "reemu/model/templates.hpp"
#include "reemu/version.hpp"
#include "schema_check.hpp"

using namespace reemu;
using reemu::test::openapi_contract;

namespace {

// SPEC.md section 1, "Real captures to reproduce exactly": the golden data in
// tests/data/.
constexpr std::string_view capture_uid = "/v1/actions/5a42fabf-c603-4950-88d9-3a3148a5d763";

using test::read_file;

const json& document() {
  static const json doc = json::parse(openapi_json());
  return doc;
}

const openapi_contract& contract() {
  static const openapi_contract c(document());
  return c;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

// True when some violation contains every one of `parts`.
bool reports(const std::vector<std::string>& violations,
             std::initializer_list<std::string_view> parts) {
  for (const auto& v : violations) {
    bool all = true;
    for (auto p : parts) all = all && v.find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// --- The document --------------------------------------------------------------

TEST(openapi, document_is_openapi_3_1_with_basic_auth_and_both_listeners) {
  const json& doc = document();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["title"], "re-actions-emulator");
  EXPECT_EQ(doc["info"]["version"], reemu::product_version)
      << "bump info.version with project(VERSION)";
  std::set<std::string> servers;
  for (const auto& s : doc["servers"]) servers.insert(s["url"].get<std::string>());
  EXPECT_EQ(servers, (std::set<std::string>{"https://localhost:9443", "http://localhost:8080"}));
  EXPECT_EQ(doc["components"]["securitySchemes"]["basic"]["type"], "http");
  EXPECT_EQ(doc["components"]["securitySchemes"]["basic"]["scheme"], "basic");
  // Every route takes Basic credentials or a token (JWT or Bearer).
  EXPECT_EQ(doc["components"]["securitySchemes"]["jwt"]["type"], "apiKey");
  EXPECT_EQ(doc["components"]["securitySchemes"]["jwt"]["name"], "Authorization");
  EXPECT_EQ(doc["security"], json::parse(R"([{"basic":[]},{"jwt":[]}])"));
}

TEST(openapi, embedded_text_is_docs_openapi_json) {
  // CMake re-runs when the file changes; a stale build would fail here.
  EXPECT_EQ(openapi_json(), read_file(REEMU_SOURCE_DIR "/docs/openapi.json"));
}

TEST(openapi, checker_accepts_the_whole_document) {
  // The constructor throws on a keyword it would not check, an invalid
  // pattern or a dangling $ref.
  EXPECT_NO_THROW(openapi_contract{document()});
}

TEST(openapi, every_route_is_documented_and_every_operation_is_a_route) {
  config cfg;
  cfg.emulator.control_api = true;
  std::set<std::string> routes;
  for (const route& r : all_routes(cfg)) {
    const std::string key = lower(http_t::to_string(r.method)) + " " + std::string(r.pattern);
    routes.insert(key);
    SCOPED_TRACE(key);
    const std::string pattern(r.pattern);
    ASSERT_TRUE(document()["paths"].contains(pattern)) << "path missing from docs/openapi.json";
    const json& item = document()["paths"][pattern];
    const std::string method = lower(http_t::to_string(r.method));
    ASSERT_TRUE(item.contains(method)) << "method missing from docs/openapi.json";
    const json& op = item[method];
    const json& responses = op["responses"];
    EXPECT_TRUE(responses.contains("default")) << "every operation documents its other errors";
    if (r.access.kind == access_kind::public_route) {
      EXPECT_EQ(op.value("security", json()), json::array()) << "served without authentication";
    } else {
      EXPECT_FALSE(op.contains("security")) << "inherits the document's basic authentication";
      EXPECT_EQ(responses.value("401", json()),
                json::parse(R"({"$ref":"#/components/responses/Unauthorized"})"));
      EXPECT_TRUE(responses.contains("403"));
    }
  }
  std::set<std::string> operations;
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      operations.insert(method + " " + path);
      EXPECT_TRUE(operation_ids.insert(op["operationId"].get<std::string>()).second)
          << "operationId repeats: " << op["operationId"];
    }
  }
  EXPECT_EQ(operations, routes);
}

TEST(openapi, path_parameters_are_declared) {
  for (const auto& [path, item] : document()["paths"].items()) {
    std::set<std::string> captures;
    for (std::size_t open = path.find('{'); open != std::string::npos;
         open = path.find('{', open + 1))
      captures.insert(path.substr(open + 1, path.find('}', open) - open - 1));
    for (const auto& [method, op] : item.items()) {
      SCOPED_TRACE(method + " " + path);
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        json param = p;
        if (param.contains("$ref"))
          param = document().at(json::json_pointer(param["$ref"].get<std::string>().substr(1)));
        if (param["in"] == "path") {
          EXPECT_EQ(param["required"], true);
          declared.insert(param["name"].get<std::string>());
        }
      }
      EXPECT_EQ(declared, captures);
    }
  }
}

TEST(openapi, examples_conform_to_their_schemas) {
  std::size_t checked = 0;
  const auto check_media = [&](const json& content, const std::string& where) {
    for (const auto& [type, media] : content.items()) {
      if (!media.contains("example")) continue;
      ++checked;
      EXPECT_EQ(contract().check_value(media["schema"], media["example"]),
                std::vector<std::string>{})
          << where << " " << type;
    }
  };
  for (const auto& [path, item] : document()["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      const std::string where = method + " " + path;
      if (op.contains("requestBody")) check_media(op["requestBody"]["content"], where + " request");
      for (const auto& [status, response] : op["responses"].items())
        if (response.contains("content")) check_media(response["content"], where + " " + status);
    }
  }
  for (const auto& [name, response] : document()["components"]["responses"].items())
    if (response.contains("content"))
      check_media(response["content"], "components/responses/" + name);
  for (const auto& [name, param] : document()["components"]["parameters"].items()) {
    ++checked;
    EXPECT_EQ(contract().check_value(param["schema"], param["example"]), std::vector<std::string>{})
        << name;
  }
  EXPECT_GT(checked, 20u);
}

// The served YAML is the committed file (scripts/openapi_yaml.py --check,
// the CTest docs.openapi_yaml, checks that the file is the JSON rendered).
TEST(openapi, served_yaml_is_docs_openapi_yaml) {
  EXPECT_EQ(openapi_yaml(), read_file(REEMU_SOURCE_DIR "/docs/openapi.yaml"));
}

// --- SPEC.md's captures and deliberately wrong bodies -------------------------------

TEST(openapi, real_captures_conform) {
  const auto& c = contract();
  EXPECT_EQ(c.check_response("GET", "/v1/actions", 200, reemu::test::capture("actions_list.json")),
            std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", capture_uid, 200, reemu::test::delete_sm_capture()),
            std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", capture_uid, 404, reemu::test::action_not_found_capture()),
            std::vector<std::string>{});
  // Each object of the list capture is also a valid single-action answer.
  const json list = json::parse(reemu::test::capture("actions_list.json"));
  EXPECT_EQ(c.check_response("GET", "/v1/actions/x", 200, list["actions"][0].dump()),
            std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", "/v1/actions/x", 200, list["state-machines"][0].dump()),
            std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", "/v1/actions/bdb/2", 200,
                             "[" + std::string(reemu::test::delete_sm_capture()) + "]"),
            std::vector<std::string>{});
  EXPECT_EQ(c.check_response("HEAD", "/v1/actions", 200, ""), std::vector<std::string>{});
}

// The licence capture is the document's License; the answers a real
// cluster sends without a body (an installed licence, an available
// database) are documented without one, so `{}` there is a violation.
TEST(openapi, the_licence_capture_and_the_empty_200s_conform) {
  const auto& c = contract();
  const std::vector<std::string> none;
  EXPECT_EQ(c.check_response("GET", "/v1/license", 200, reemu::test::capture("license.json")),
            none);
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", "/v1/license"},
           {"GET", "/v1/bdbs/1/availability"},
           {"GET", "/v1/local/bdbs/1/endpoint/availability"}}) {
    SCOPED_TRACE(method + " " + path);
    EXPECT_EQ(c.check_response(method, path, 200, ""), none);
    EXPECT_NE(c.check_response(method, path, 200, "{}"), none);
  }
  EXPECT_EQ(c.check_response(
                "GET", "/v1/bdbs/1/availability", 503,
                R"({"description":"BDB 1 is not available","error_code":"bdb_unavailable"})"),
            none);
}

TEST(openapi, task_progress_as_a_number_is_rejected) {
  json list = json::parse(reemu::test::capture("actions_list.json"));
  list["actions"][0]["progress"] = 100;
  const auto v = contract().check_response("GET", "/v1/actions", 200, list.dump());
  EXPECT_TRUE(reports(
      v, {"GET /v1/actions 200", "/actions/0/progress", "expected string", "got integer 100"}))
      << joined(v);
  // Alone, it is neither a task (progress) nor a state machine (task_id).
  const auto single =
      contract().check_response("GET", "/v1/actions/x", 200, list["actions"][0].dump());
  EXPECT_TRUE(reports(single, {"matches none of oneOf", "/progress"})) << joined(single);
}

TEST(openapi, heartbeat_as_a_string_is_rejected) {
  json list = json::parse(reemu::test::capture("actions_list.json"));
  list["state-machines"][0]["heartbeat"] = "1760400082";
  const auto v = contract().check_response("GET", "/v1/actions", 200, list.dump());
  EXPECT_TRUE(reports(v, {"/state-machines/0/heartbeat", "expected integer", "got string"}))
      << joined(v);
  json sm = json::parse(reemu::test::delete_sm_capture());
  sm["heartbeat"] = 1747780298.5;
  const auto fractional =
      contract().check_response("GET", "/v1/actions/bdb/2", 200, json::array({sm}).dump());
  EXPECT_TRUE(reports(fractional, {"/0/heartbeat", "expected integer", "got number"}))
      << joined(fractional);
}

TEST(openapi, error_body_is_exact) {
  json extra = json::parse(reemu::test::action_not_found_capture());
  extra["status"] = 404;
  auto v = contract().check_response("GET", capture_uid, 404, extra.dump());
  EXPECT_TRUE(reports(v, {"(root)", "unexpected property \"status\""})) << joined(v);

  json missing = json::parse(reemu::test::action_not_found_capture());
  missing.erase("error_code");
  v = contract().check_response("GET", capture_uid, 404, missing.dump());
  EXPECT_TRUE(reports(v, {"missing required property \"error_code\""})) << joined(v);

  v = contract().check_response("GET", capture_uid, 404, "Not Found");
  EXPECT_TRUE(reports(v, {"not JSON"})) << joined(v);
}

TEST(openapi, v2_status_outside_its_enum_is_rejected) {
  const json v2 = json::parse(
      R"([{"action_type":"state-machine","action_uid":"5a42fabf-c603-4950-88d9-3a3148a5d763","additional_info":{"object_type":"bdb","object_uid":"2"},"creation_time":1747780298,"name":"SMDeleteBDB","progress":14.29,"status":"running"}])");
  EXPECT_EQ(contract().check_response("GET", "/v2/actions", 200, v2.dump()),
            std::vector<std::string>{});
  json wrong = v2;
  wrong[0]["status"] = "active";  // a v1 word
  auto v = contract().check_response("GET", "/v2/actions", 200, wrong.dump());
  EXPECT_TRUE(reports(v, {"/0/status", "\"active\" is not one of"})) << joined(v);

  wrong = v2;
  wrong[0]["creation_time"] = "1747780298";  // v1's type
  v = contract().check_response("GET", "/v2/actions", 200, wrong.dump());
  EXPECT_TRUE(reports(v, {"/0/creation_time", "expected integer"})) << joined(v);

  wrong = v2;
  wrong[0]["additional_info"] = json::object();  // present only when it has a key
  v = contract().check_response("GET", "/v2/actions", 200, wrong.dump());
  EXPECT_TRUE(reports(v, {"/0/additional_info", "at least 1"})) << joined(v);

  wrong = v2;
  wrong[0]["heartbeat"] = 1;  // v2 objects are exact
  v = contract().check_response("GET", "/v2/actions/x", 200, wrong[0].dump());
  EXPECT_TRUE(reports(v, {"unexpected property \"heartbeat\""})) << joined(v);
}

TEST(openapi, v1_objects_pass_unknown_fields_through) {
  json task = json::parse(reemu::test::capture("actions_list.json"))["actions"][0];
  task["module_uid"] = "b5e8cd1e6fa4a55c1d4b4a8da3d79b2a";
  EXPECT_EQ(contract().check_response("GET", "/v1/actions/x", 200, task.dump()),
            std::vector<std::string>{});
  json sm = json::parse(reemu::test::delete_sm_capture());
  sm["custom"] = {{"any", "thing"}};
  EXPECT_EQ(contract().check_response("GET", "/v1/actions/x", 200, sm.dump()),
            std::vector<std::string>{});
  sm["status"] = "running";  // a task's word
  const auto v = contract().check_response("GET", "/v1/actions/x", 200, sm.dump());
  EXPECT_TRUE(reports(v, {"matches none of oneOf", "\"running\" is not one of"})) << joined(v);
}

TEST(openapi, undocumented_answers_are_violations) {
  auto v = contract().check_response("GET", "/v3/actions", 200, "{}");
  EXPECT_TRUE(reports(v, {"/v3/actions", "path is not documented"})) << joined(v);
  v = contract().check_response("POST", "/v1/actions", 405,
                                std::string(reemu::test::action_not_found_capture()));
  EXPECT_TRUE(reports(v, {"POST /v1/actions", "method is not documented", "get"})) << joined(v);
  v = contract().check_response("DELETE", "/emulator/v1/faults/3", 204, "{}");
  EXPECT_TRUE(reports(v, {"DELETE /emulator/v1/faults/{id} 204", "no body is documented"}))
      << joined(v);
}

TEST(openapi, headers_of_a_401_are_checked) {
  const auto with = [](std::optional<std::string> www, std::string type) {
    return [=](std::string_view name) -> std::optional<std::string> {
      if (lower(name) == "www-authenticate") return www;
      if (lower(name) == "content-type") return type;
      return std::nullopt;
    };
  };
  EXPECT_EQ(
      contract().check_headers("GET", "/v1/actions", 401,
                               with("Basic realm=\"re-actions-emulator\"", "application/json")),
      std::vector<std::string>{});
  auto v =
      contract().check_headers("GET", "/v1/actions", 401, with(std::nullopt, "application/json"));
  EXPECT_TRUE(reports(v, {"required header WWW-Authenticate is missing"})) << joined(v);
  v = contract().check_headers("GET", "/emulator/v1/openapi.yaml", 200,
                               with(std::nullopt, "text/plain"));
  EXPECT_TRUE(reports(v, {"Content-Type text/plain is not documented"})) << joined(v);
}

// --- The checker on a small document ----------------------------------------------

TEST(openapi_checker, keywords_of_the_subset) {
  const openapi_contract c(json::parse(R"({
    "openapi": "3.1.0",
    "paths": {},
    "components": {"schemas": {
      "Name": {"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^[a-z]+$"},
      "Thing": {
        "type": "object",
        "required": ["n"],
        "properties": {
          "n": {"$ref": "#/components/schemas/Name"},
          "maybe": {"type": ["integer", "null"], "minimum": 1, "maximum": 9},
          "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
          "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 1, "maxItems": 2},
          "fixed": {"const": true},
          "never": false,
          "mixed": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]},
          "any": {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
          "both": {"allOf": [{"type": "integer"}, {"minimum": 5}]},
          "notnull": {"not": {"type": "null"}}
        },
        "additionalProperties": {"type": "string"},
        "minProperties": 1,
        "maxProperties": 4
      }
    }}
  })"));
  const json thing = {{"$ref", "#/components/schemas/Thing"}};
  const auto check = [&](std::string_view text) { return c.check_value(thing, json::parse(text)); };
  EXPECT_EQ(check(R"({"n":"ab","maybe":null})"), std::vector<std::string>{});
  EXPECT_EQ(check(R"({"n":"ab","maybe":3,"extra":"s"})"), std::vector<std::string>{});
  EXPECT_TRUE(reports(check(R"({"maybe":3})"), {"(root)", "missing required property \"n\""}));
  EXPECT_TRUE(reports(check(R"({"n":""})"), {"/n", "at least 1 characters"}));
  EXPECT_TRUE(reports(check(R"({"n":"abcd"})"), {"/n", "at most 3 characters"}));
  EXPECT_EQ(check(R"({"n":"été"})").size(), 1u)
      << "lengths count code points, not bytes (pattern fails)";
  EXPECT_TRUE(reports(check(R"({"n":"AB"})"), {"/n", "does not match the pattern"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","maybe":1.0})"),
                      {"/maybe", "expected integer or null, got number"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","maybe":10})"), {"/maybe", "<= 9"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","maybe":0})"), {"/maybe", ">= 1"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","ratio":1})"), {"/ratio", "< 1"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","ratio":0})"), {"/ratio", "> 0"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","tags":[]})"), {"/tags", "at least 1 items"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","tags":["a","b","a"]})"), {"/tags", "at most 2 items"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","tags":["c"]})"), {"/tags/0", "\"c\" is not one of"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","fixed":false})"), {"/fixed", "expected true"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","never":1})"), {"/never", "no value is allowed"}));
  EXPECT_TRUE(
      reports(check(R"({"n":"ab","mixed":12})"), {"/mixed", "more than one of oneOf (0, 1)"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","mixed":2.5})"), {"/mixed", "none of oneOf"}));
  EXPECT_EQ(check(R"({"n":"ab","mixed":12.5})"), std::vector<std::string>{});
  EXPECT_TRUE(reports(check(R"({"n":"ab","any":1})"), {"/any", "none of anyOf"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","both":4})"), {"/both", ">= 5"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","notnull":null})"), {"/notnull", "must not match"}));
  EXPECT_TRUE(reports(check(R"({"n":"ab","x/y~":1})"), {"/x~1y~0", "expected string"}));
  EXPECT_TRUE(reports(check(R"({"n":"a","b":"","c":"","d":"","e":""})"), {"at most 4 properties"}));
  EXPECT_TRUE(reports(check("[]"), {"(root)", "expected object, got array"}));
}

TEST(openapi_checker, operation_and_response_lookup) {
  const openapi_contract c(json::parse(R"({
    "openapi": "3.1.0",
    "paths": {
      "/things/{id}": {"get": {"responses": {
        "200": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}},
        "4XX": {"$ref": "#/components/responses/Oops"}
      }}},
      "/things/special": {"get": {"responses": {
        "204": {"description": ""}
      }}},
      "/users/{email}": {"delete": {"responses": {"204": {"description": ""}}}}
    },
    "components": {"responses": {"Oops": {"description": "", "content": {"application/json": {"schema": {"const": "oops"}}}}}}
  })"));
  EXPECT_EQ(c.find_path("/things/special"), "/things/special");  // literal beats {id}
  EXPECT_EQ(c.find_path("/things/other?x=1"), "/things/{id}");
  EXPECT_EQ(c.find_path("/things/other/"), "/things/{id}");
  EXPECT_EQ(c.find_path("/users/a%40b.c"), "/users/{email}");
  EXPECT_EQ(c.find_path("/things"), std::nullopt);
  EXPECT_EQ(c.check_response("GET", "/things/special", 204, ""), std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", "/things/1", 200, "{}"), std::vector<std::string>{});
  EXPECT_EQ(c.check_response("head", "/things/1", 200, ""), std::vector<std::string>{});
  EXPECT_EQ(c.check_response("GET", "/things/1", 418, "\"oops\""), std::vector<std::string>{});
  EXPECT_TRUE(reports(c.check_response("GET", "/things/1", 404, "\"nope\""),
                      {"GET /things/{id} 404: (root)", "expected \"oops\""}));
  EXPECT_TRUE(reports(c.check_response("GET", "/things/1", 500, "{}"),
                      {"GET /things/{id}: status 500 is not documented"}));
  EXPECT_TRUE(reports(c.check_response("GET", "/things/1", 200, ""), {"not JSON"}));
  EXPECT_TRUE(reports(c.check_response("GET", "/things/special", 204, "x"),
                      {"no body is documented, got 1 bytes"}));
  EXPECT_TRUE(reports(c.check_response("GET", "/users/a", 204, ""),
                      {"method is not documented (documented: delete)"}));
}

TEST(openapi_checker, refuses_what_it_cannot_check) {
  const auto make = [](std::string_view schema) {
    return openapi_contract(
        json::parse(R"({"openapi":"3.1.0","paths":{},"components":{"schemas":{"S":)" +
                    std::string(schema) + "}}}"));
  };
  EXPECT_THROW(make(R"({"type":"object","patternProperties":{}})"), std::invalid_argument);
  EXPECT_THROW(make(R"({"type":"string","nullable":true})"), std::invalid_argument);  // OpenAPI 3.0
  EXPECT_THROW(make(R"({"type":"string","pattern":"(["})"), std::invalid_argument);
  EXPECT_THROW(make(R"({"$ref":"#/components/schemas/Missing"})"), std::invalid_argument);
  EXPECT_THROW(make(R"({"type":"text"})"), std::invalid_argument);
  EXPECT_NO_THROW(make(R"({"type":"string","description":"d","examples":["x"],"format":"uuid"})"));
  EXPECT_THROW(openapi_contract(json::parse(R"({"openapi":"3.0.3","paths":{}})")),
               std::invalid_argument);
}

// --- The app's real answers ---------------------------------------------------------

namespace {

struct answer {
  int status = 0;
  std::string body;
  reemu::reply reply;
};

class live {
 public:
  explicit live(config cfg) : app_(std::move(cfg)) {}

  // Handles one request as the session would and checks the answer against
  // the document (body, required headers, Content-Type).
  answer call(http_t::verb method, const std::string& target, const std::string& body = {},
              std::optional<std::string> user = "admin@redis.local:Redis123!") {
    const std::string authorization = user ? "Basic " + base64_encode(*user) : "";
    incoming_request in;
    in.method = method;
    in.method_text = http_t::to_string(method);
    in.target = target;
    in.authorization = authorization;
    in.body = body;
    if (!body.empty()) in.content_type = "application/json";
    handled h = app_.handle(in);
    answer a;
    a.status = static_cast<int>(h.reply.status);
    a.body = h.reply.body ? h.reply.body.str() : "";
    a.reply = h.reply;
    const std::string what =
        std::string(in.method_text) + " " + target + " -> " + std::to_string(a.status);
    if (h.reply.drop) return a;  // nothing is sent
    ++checked_;
    const std::string path = target.substr(0, target.find('?'));
    const auto& c = contract();
    EXPECT_EQ(c.check_response(in.method_text, path, a.status, a.body), std::vector<std::string>{})
        << what << ": " << a.body;
    const auto header = [&](std::string_view name) -> std::optional<std::string> {
      if (lower(name) == "content-type")
        return h.reply.body ? std::optional<std::string>(h.reply.content_type) : std::nullopt;
      for (const auto& [field, value] : h.reply.headers)
        if (lower(field) == lower(name)) return value;
      return std::nullopt;
    };
    EXPECT_EQ(c.check_headers(in.method_text, path, a.status, header), std::vector<std::string>{})
        << what;
    if (!body.empty() && a.status < 400) {
      EXPECT_EQ(c.check_request(in.method_text, path, body), std::vector<std::string>{})
          << what << ": " << body;
    }
    return a;
  }

  answer get(const std::string& target) { return call(http_t::verb::get, target); }
  answer post(const std::string& target, const std::string& body) {
    return call(http_t::verb::post, target, body);
  }
  answer patch(const std::string& target, const std::string& body) {
    return call(http_t::verb::patch, target, body);
  }
  answer del(const std::string& target) { return call(http_t::verb::delete_, target); }

  // Reads every list and every action in both shapes.
  void read_everything() {
    const json v1 = json::parse(get("/v1/actions").body);
    for (const auto* list : {&v1["actions"], &v1["state-machines"]}) {
      for (const auto& a : *list) {
        const std::string uid = a["action_uid"].get<std::string>();
        EXPECT_EQ(get("/v1/actions/" + uid).status, 200);
        EXPECT_EQ(get("/v2/actions/" + uid).status, 200);
      }
    }
    get("/v2/actions");
    const json dbs = json::parse(get("/emulator/v1/databases").body);  // outlives the loop
    for (const auto& db : dbs["databases"])
      EXPECT_EQ(get("/v1/actions/bdb/" + db.dump()).status, 200);
  }

  std::size_t checked() const noexcept { return checked_; }

 private:
  app app_;
  std::size_t checked_ = 0;
};

config default_config(std::string_view clock_mode) {
  json doc = json::parse(read_file(REEMU_SOURCE_DIR "/config/default.json"));
  doc["emulator"]["clock"] = clock_mode;
  if (clock_mode == "manual") doc["emulator"]["clock_start"] = 1760500000;
  return parse_config(doc, "openapi_test");
}

}  // namespace

TEST(openapi_live, emulated_answers_conform) {
  live app(default_config("manual"));
  app.read_everything();
  EXPECT_EQ(app.call(http_t::verb::head, "/v1/actions").status, 200);
  EXPECT_EQ(app.get("/v1/actions/bdb/99").status, 404);
  EXPECT_EQ(app.get("/v1/actions/bdb/abc").status, 404);
  EXPECT_EQ(app.get("/v1/actions/nope").status, 404);
  EXPECT_EQ(app.get("/v2/actions/nope").status, 404);
  EXPECT_EQ(app.call(http_t::verb::get, "/v1/actions", "", std::nullopt).status, 401);
  EXPECT_EQ(app.call(http_t::verb::get, "/v2/actions", "", "admin@redis.local:wrong").status, 401);
  EXPECT_EQ(
      app.call(http_t::verb::get, "/v1/actions/x", "", "nobody@redis.local:Nobody123!").status,
      403);
  EXPECT_EQ(app.call(http_t::verb::get, "/emulator/v1/health", "", std::nullopt).status, 200);
  EXPECT_GT(app.checked(), 20u);
}

TEST(openapi_live, openapi_routes_serve_the_document_without_authentication) {
  live app(default_config("manual"));
  const answer j = app.call(http_t::verb::get, "/emulator/v1/openapi.json", "", std::nullopt);
  EXPECT_EQ(j.status, 200);
  EXPECT_EQ(j.body, openapi_json());
  EXPECT_EQ(j.reply.content_type, "application/json");
  const answer y = app.call(http_t::verb::get, "/emulator/v1/openapi.yaml", "", std::nullopt);
  EXPECT_EQ(y.status, 200);
  EXPECT_EQ(y.body, openapi_yaml());
  EXPECT_EQ(y.reply.content_type, "application/yaml");
  // Like health: not journaled, and served without the control API too.
  EXPECT_EQ(json::parse(app.get("/emulator/v1/requests").body)["requests"].size(), 0u);
  config off = default_config("manual");
  off.emulator.control_api = false;
  live without(std::move(off));
  EXPECT_EQ(without.call(http_t::verb::get, "/emulator/v1/openapi.yaml", "", std::nullopt).status,
            200);
}

TEST(openapi_live, every_template_through_its_lifecycle_conforms) {
  live app(default_config("manual"));
  int bdb = 10;
  for (const auto& t : all_templates()) {
    json body = {{"type", to_string(t.kind)}, {"name", t.name}};
    if (t.kind == action_kind::state_machine) body["object_name"] = "bdb:" + std::to_string(bdb++);
    EXPECT_EQ(app.post("/emulator/v1/actions", body.dump()).status, 201) << t.name;
    body["simulate"] = {{"fail_at_step", 1}, {"error", "it broke"}, {"error_code", "broken"}};
    if (t.kind == action_kind::state_machine) body["object_name"] = "bdb:" + std::to_string(bdb++);
    EXPECT_EQ(app.post("/emulator/v1/actions", body.dump()).status, 201) << t.name;
  }
  EXPECT_EQ(
      app.post(
             "/emulator/v1/actions",
             R"({"type":"task","name":"module_installation","module_uid":"b5e8","simulate":{"steps":["a","b"],"pending_seconds":0,"retain_seconds":0}})")
          .status,
      201);
  for (int second = 0; second <= 30; second += 1) {
    app.read_everything();
    app.post("/emulator/v1/clock/advance", R"({"seconds":1})");
  }
  EXPECT_GT(app.checked(), 1000u);
}

TEST(openapi_live, control_answers_conform) {
  live app(default_config("manual"));
  const std::string task_uid = "11111111-2222-4333-8444-555555555555";
  EXPECT_EQ(
      app.post("/emulator/v1/actions",
               R"({"type":"task","action_uid":")" + task_uid +
                   R"(","name":"maintenance_on","node_uid":2,"status":"running","progress":40})")
          .status,
      201);
  const answer sm = app.post(
      "/emulator/v1/actions",
      R"({"type":"state-machine","name":"SMDeleteBDB","object_name":"bdb:7","status":"active","state":"stop_redis","progress":42.86,"pending_ops":{"3":{"op_name":"stop_shard","progress":50}}})");
  EXPECT_EQ(sm.status, 201);
  const std::string sm_uid = json::parse(sm.body)["action_uid"];
  EXPECT_EQ(app.post("/emulator/v1/actions", R"({"type":"job","name":"x"})").status, 400);
  EXPECT_EQ(app.post("/emulator/v1/actions",
                     R"({"type":"task","name":"retry_bdb","progress":"150","status":"running"})")
                .status,
            400);
  EXPECT_EQ(app.post("/emulator/v1/actions", "{").status, 400);
  EXPECT_EQ(app.patch("/emulator/v1/actions/" + task_uid, R"({"progress":"80"})").status, 200);
  EXPECT_EQ(
      app.patch(
             "/emulator/v1/actions/" + task_uid,
             R"({"status":"failed","error_code":"node_unreachable","error_message":"node 2 did not answer","retain_seconds":60})")
          .status,
      200);
  EXPECT_EQ(
      app.patch("/emulator/v1/actions/" + sm_uid, R"({"progress":57.14,"state":"delete_redis"})")
          .status,
      200);
  EXPECT_EQ(app.patch("/emulator/v1/actions/" + sm_uid, R"({"colour":"red"})").status, 400);
  EXPECT_EQ(app.patch("/emulator/v1/actions/nope", R"({"state":"x"})").status, 404);
  app.read_everything();
  EXPECT_EQ(app.del("/emulator/v1/actions/" + sm_uid).status, 204);
  EXPECT_EQ(app.del("/emulator/v1/actions/" + sm_uid).status, 404);

  EXPECT_EQ(app.get("/emulator/v1/templates").status, 200);
  EXPECT_EQ(app.get("/emulator/v1/clock").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/clock/advance", R"({"seconds":2.5})").status, 200);
  EXPECT_EQ(app.get("/emulator/v1/clock").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/clock/advance", R"({"seconds":-5})").status, 400);

  EXPECT_EQ(app.get("/emulator/v1/users").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/users",
                     R"({"email":"ops@example.com","password":"Ops123!","role":"db_member"})")
                .status,
            201);
  EXPECT_EQ(app.post("/emulator/v1/users",
                     R"({"email":"ops@example.com","password":"Ops123!","role":"db_member"})")
                .status,
            400);
  EXPECT_EQ(
      app.post("/emulator/v1/users", R"({"email":"x@example.com","password":"x","role":"emperor"})")
          .status,
      400);
  EXPECT_EQ(app.patch("/emulator/v1/users/ops@example.com",
                      R"({"role":"cluster_viewer","password":"New123!"})")
                .status,
            200);
  EXPECT_EQ(app.patch("/emulator/v1/users/ghost@example.com", R"({"role":"none"})").status, 404);
  EXPECT_EQ(app.patch("/emulator/v1/users/admin@redis.local", R"({"role":"none"})").status, 400);
  EXPECT_EQ(app.call(http_t::verb::get, "/emulator/v1/users", "", "ops@example.com:New123!").status,
            403);
  EXPECT_EQ(app.call(http_t::verb::get, "/emulator/v1/users", "", std::nullopt).status, 401);
  EXPECT_EQ(app.del("/emulator/v1/users/ops%40example.com").status, 204);
  EXPECT_EQ(app.del("/emulator/v1/users/ops@example.com").status, 404);

  EXPECT_EQ(app.get("/emulator/v1/databases").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/databases", R"({"uid":12})").status, 201);
  EXPECT_EQ(app.post("/emulator/v1/databases", R"({"uid":12})").status, 400);
  EXPECT_EQ(app.get("/v1/actions/bdb/12").status, 200);
  EXPECT_EQ(app.del("/emulator/v1/databases/12").status, 204);
  EXPECT_EQ(app.del("/emulator/v1/databases/12").status, 404);

  EXPECT_EQ(
      app.post(
             "/emulator/v1/faults",
             R"({"method":"GET","path":"/v1/actions*","status":503,"error_code":"cluster_busy","description":"Cluster is busy","times":1})")
          .status,
      201);
  EXPECT_EQ(
      app.post("/emulator/v1/faults", R"({"path":"/v2/actions","delay_ms":1500,"probability":0.5})")
          .status,
      201);
  EXPECT_EQ(
      app.post("/emulator/v1/faults",
               R"({"path":"/v1/actions/*","user":"viewer@redis.local","drop":true,"times":2})")
          .status,
      201);
  EXPECT_EQ(app.post("/emulator/v1/faults", R"({"path":"/v1/actions"})").status, 400);
  EXPECT_EQ(app.get("/emulator/v1/faults").status, 200);
  EXPECT_EQ(app.get("/v1/actions").status, 503);  // the injected answer is an error body too
  EXPECT_TRUE(
      app.call(http_t::verb::get, "/v1/actions/x", "", "viewer@redis.local:whatever").reply.drop);
  app.call(http_t::verb::get, "/v1/actions/x", "", "viewer@redis.local:whatever");
  EXPECT_EQ(app.get("/emulator/v1/faults").status, 200);
  EXPECT_EQ(app.del("/emulator/v1/faults/2").status, 204);
  EXPECT_EQ(app.del("/emulator/v1/faults/2").status, 404);
  EXPECT_EQ(app.del("/emulator/v1/faults").status, 204);

  EXPECT_EQ(app.get("/emulator/v1/requests").status, 200);
  EXPECT_EQ(app.get("/emulator/v1/requests?method=GET&path=/v1/actions*&status=503&limit=5").status,
            200);
  EXPECT_EQ(app.get("/emulator/v1/requests?colour=red").status, 400);
  EXPECT_EQ(app.del("/emulator/v1/requests").status, 204);

  EXPECT_EQ(app.post("/emulator/v1/reset", "").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/reset", "{}").status, 200);
  EXPECT_EQ(app.post("/emulator/v1/reset", R"({"hard":true})").status, 400);
}

TEST(openapi_live, clock_advance_on_a_real_clock_conforms) {
  live app(default_config("real"));
  EXPECT_EQ(app.post("/emulator/v1/clock/advance", R"({"seconds":5})").status, 409);
  EXPECT_EQ(app.get("/emulator/v1/clock").status, 200);
}
