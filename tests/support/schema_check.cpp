// The OpenAPI contract checker: operation lookup by path template, and the
// JSON Schema subset the document uses (see schema_check.hpp).
#include "schema_check.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace reemu::test {

namespace {

using json = nlohmann::json;

// Deeper than any real document and body; stops a $ref cycle.
constexpr int max_depth = 200;

const std::set<std::string_view> validation_keywords = {"type",
                                                        "enum",
                                                        "const",
                                                        "properties",
                                                        "required",
                                                        "additionalProperties",
                                                        "minProperties",
                                                        "maxProperties",
                                                        "items",
                                                        "minItems",
                                                        "maxItems",
                                                        "minLength",
                                                        "maxLength",
                                                        "pattern",
                                                        "minimum",
                                                        "maximum",
                                                        "exclusiveMinimum",
                                                        "exclusiveMaximum",
                                                        "oneOf",
                                                        "anyOf",
                                                        "allOf",
                                                        "not",
                                                        "$ref"};
const std::set<std::string_view> annotation_keywords = {
    "description", "title",    "examples",  "example",  "default",      "format",
    "deprecated",  "readOnly", "writeOnly", "$comment", "externalDocs", "contentMediaType"};
const std::set<std::string_view> type_names = {"null",   "boolean", "integer", "number",
                                               "string", "array",   "object"};

std::string pointer_text(const std::string& pointer) {
  return pointer.empty() ? "(root)" : pointer;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "not JSON";
  }
}

// A short rendering of `v` for messages.
std::string excerpt(const json& v) {
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

bool has_type(const json& v, std::string_view t) {
  if (t == "integer") return v.is_number_integer();  // strict: 1.0 is not an integer
  if (t == "number") return v.is_number();
  if (t == "string") return v.is_string();
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  return false;
}

std::size_t code_points(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Percent-decodes one path segment; malformed escapes stay as they are.
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto end = path.find('/', i);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    parts.emplace_back(path.substr(i, stop - i));
    i = stop;
  }
  return parts;
}

bool is_template(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

openapi_contract::openapi_contract(const json& doc) : doc_(doc) {
  if (!doc_.is_object()) throw std::invalid_argument("the OpenAPI document is not a JSON object");
  const auto version = doc_.value("openapi", std::string());
  if (!version.starts_with("3.1."))
    throw std::invalid_argument("not an OpenAPI 3.1 document: openapi is \"" + version + "\"");
  if (!doc_.contains("paths") || !doc_["paths"].is_object())
    throw std::invalid_argument("the OpenAPI document has no 'paths' object");
  walk_document(doc_, "");
  for (const auto& [templ, item] : doc_["paths"].items())
    paths_.push_back(path_template{templ, split_path(templ)});
}

// Finds every schema of the document (components.schemas and each "schema"
// of a parameter, header or media type) and checks it is within the subset.
void openapi_contract::walk_document(const json& node, const std::string& where) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      walk_document(node[i], where + "/" + std::to_string(i));
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    const std::string here = where + "/" + escape_pointer_token(key);
    if (key == "example" || key == "examples") continue;  // data, not structure
    if (where == "/components/schemas") {
      walk_schema(value, here);
    } else if (key == "schema") {
      walk_schema(value, here);
    } else if (key == "$ref" && value.is_string()) {
      remember_ref(node);
    } else {
      walk_document(value, here);
    }
  }
}

void openapi_contract::walk_schema(const json& schema, const std::string& where) {
  if (schema.is_boolean()) return;
  if (!schema.is_object())
    throw std::invalid_argument(where + ": a schema must be an object or a boolean");
  const auto sub = [&](const json& s, const std::string& key) {
    walk_schema(s, where + "/" + key);
  };
  for (const auto& [key, value] : schema.items()) {
    if (annotation_keywords.contains(key)) continue;
    if (!validation_keywords.contains(key))
      throw std::invalid_argument(where + ": schema keyword '" + key +
                                  "' is not supported by tests/support/schema_check.cpp");
    if (key == "properties") {
      if (!value.is_object()) throw std::invalid_argument(where + "/properties: must be an object");
      for (const auto& [name, s] : value.items())
        sub(s, "properties/" + escape_pointer_token(name));
    } else if (key == "additionalProperties" || key == "items" || key == "not") {
      sub(value, key);
    } else if (key == "oneOf" || key == "anyOf" || key == "allOf") {
      if (!value.is_array() || value.empty())
        throw std::invalid_argument(where + "/" + key + ": must be a non-empty array");
      for (std::size_t i = 0; i < value.size(); ++i) sub(value[i], key + "/" + std::to_string(i));
    } else if (key == "pattern") {
      if (!value.is_string()) throw std::invalid_argument(where + "/pattern: must be a string");
      const auto& p = value.get_ref<const std::string&>();
      try {
        patterns_.try_emplace(p, p, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw std::invalid_argument(where + "/pattern: invalid regular expression: " + e.what());
      }
    } else if (key == "$ref") {
      remember_ref(schema);
    } else if (key == "type") {
      const json types = value.is_array() ? value : json::array({value});
      for (const auto& t : types)
        if (!t.is_string() || !type_names.contains(t.get_ref<const std::string&>()))
          throw std::invalid_argument(where + "/type: unknown type " + t.dump());
    } else if (key == "required") {
      if (!value.is_array()) throw std::invalid_argument(where + "/required: must be an array");
    } else if (key == "enum") {
      if (!value.is_array()) throw std::invalid_argument(where + "/enum: must be an array");
    }
  }
}

// The node itself, or what its "$ref" points to (followed to the end). A
// reference is looked up in the document once, then remembered: the walk of
// the constructor meets every reference the document has.
const json& openapi_contract::resolve(const json& node) const {
  const json* n = &node;
  for (int hops = 0; n->is_object(); ++hops) {
    const auto it = n->find("$ref");
    if (it == n->end()) break;
    const auto& ref = *it;
    if (!ref.is_string() || !ref.get_ref<const std::string&>().starts_with("#/"))
      throw std::invalid_argument("unsupported $ref " + ref.dump() + ": only \"#/...\" is");
    if (hops > 32) throw std::invalid_argument("$ref cycle at " + ref.dump());
    const auto& text = ref.get_ref<const std::string&>();
    if (const auto known = refs_.find(text); known != refs_.end()) {
      n = known->second;
      continue;
    }
    const json::json_pointer pointer(text.substr(1));
    if (!doc_.contains(pointer))
      throw std::invalid_argument("$ref " + ref.dump() + " does not resolve");
    n = &doc_.at(pointer);
  }
  return *n;
}

// Records where a reference of the document points (constructor only).
void openapi_contract::remember_ref(const json& node) {
  const json& target = resolve(node);  // throws when it does not resolve
  refs_.try_emplace(node["$ref"].get<std::string>(), &target);
}

std::optional<std::string> openapi_contract::find_path(std::string_view path) const {
  path = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  for (const auto& s : split_path(path)) segments.push_back(percent_decode(s));
  const path_template* best = nullptr;
  std::vector<bool> best_score;
  std::vector<bool> score;  // literal segments, position by position: earlier literals win
  for (const path_template& t : paths_) {
    const auto& parts = t.segments;
    if (parts.size() != segments.size()) continue;
    score.clear();
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      if (is_template(parts[i])) {
        match = !segments[i].empty();
        score.push_back(false);
      } else {
        match = parts[i] == segments[i];
        score.push_back(true);
      }
    }
    if (match && (!best || score > best_score)) {
      best = &t;
      best_score = score;
    }
  }
  if (!best) return std::nullopt;
  return best->text;
}

std::optional<openapi_contract::operation_ref> openapi_contract::find_operation(
    std::string_view method, std::string_view path, std::vector<std::string>& out) const {
  std::string verb = lower(method);
  if (verb == "head") verb = "get";
  const auto templ = find_path(path);
  if (!templ) {
    out.push_back(std::string(method) + " " + std::string(path) + ": the path is not documented");
    return std::nullopt;
  }
  const json& item = resolve(doc_["paths"][*templ]);
  if (!item.contains(verb)) {
    std::string known;
    for (const auto& [k, v] : item.items())
      if (v.is_object() && v.contains("responses")) known += (known.empty() ? "" : ", ") + k;
    out.push_back(std::string(method) + " " + *templ +
                  ": the method is not documented (documented: " + known + ")");
    return std::nullopt;
  }
  std::string upper = verb;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return operation_ref{upper + " " + *templ, &item[verb]};
}

const json* openapi_contract::find_response(const operation_ref& op, int status,
                                            std::vector<std::string>& out) const {
  const json& responses = (*op.operation)["responses"];
  const std::string code = std::to_string(status);
  const std::string range = code.substr(0, 1) + "XX";
  for (const std::string& key : {code, range, std::string("default")})
    if (responses.contains(key)) return &resolve(responses[key]);
  out.push_back(op.label + ": status " + code + " is not documented");
  return nullptr;
}

std::vector<std::string> openapi_contract::check_response(std::string_view method,
                                                          std::string_view path, int status,
                                                          std::string_view body) const {
  std::vector<std::string> out;
  const auto op = find_operation(method, path, out);
  if (!op) return out;
  const json* response = find_response(*op, status, out);
  if (!response) return out;
  const std::string label = op->label + " " + std::to_string(status);
  const bool head = lower(method) == "head";
  const auto content = response->find("content");
  if (content == response->end() || content->empty()) {
    if (!body.empty())
      out.push_back(label + ": no body is documented, got " + std::to_string(body.size()) +
                    " bytes");
    return out;
  }
  if (head && body.empty()) return out;
  const auto media = content->find("application/json");
  if (media == content->end()) {
    if (body.empty()) out.push_back(label + ": a body is documented, got none");
    return out;  // not JSON: nothing more to check
  }
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    out.push_back(label + ": the body is not JSON: " + std::string(body.substr(0, 80)));
    return out;
  }
  if (!media->contains("schema")) return out;
  for (auto& v : check_value((*media)["schema"], value)) out.push_back(label + ": " + v);
  return out;
}

std::vector<std::string> openapi_contract::check_headers(std::string_view method,
                                                         std::string_view path, int status,
                                                         const header_lookup& header) const {
  std::vector<std::string> out;
  const auto op = find_operation(method, path, out);
  if (!op) return out;
  const json* response = find_response(*op, status, out);
  if (!response) return out;
  const std::string label = op->label + " " + std::to_string(status);
  if (auto headers = response->find("headers"); headers != response->end()) {
    for (const auto& [name, declared] : headers->items()) {
      const json& h = resolve(declared);
      const auto value = header(name);
      if (!value) {
        if (h.value("required", false))
          out.push_back(label + ": required header " + name + " is missing");
        continue;
      }
      if (h.contains("schema"))
        for (auto& v : check_value(h["schema"], json(*value)))
          out.push_back(label + ": header " + name + ": " + v);
    }
  }
  if (auto content = response->find("content"); content != response->end() && !content->empty()) {
    const auto type = header("Content-Type");
    if (!type) {
      out.push_back(label + ": Content-Type is missing");
    } else {
      std::string media = lower(type->substr(0, type->find(';')));
      while (!media.empty() && media.back() == ' ') media.pop_back();
      if (!content->contains(media))
        out.push_back(label + ": Content-Type " + *type + " is not documented");
    }
  }
  return out;
}

std::vector<std::string> openapi_contract::check_request(std::string_view method,
                                                         std::string_view path,
                                                         std::string_view body) const {
  std::vector<std::string> out;
  const auto op = find_operation(method, path, out);
  if (!op) return out;
  const auto rb = op->operation->find("requestBody");
  if (rb == op->operation->end()) {
    if (!body.empty()) out.push_back(op->label + ": no request body is documented");
    return out;
  }
  const json& request_body = resolve(*rb);
  if (body.empty()) {
    if (request_body.value("required", false))
      out.push_back(op->label + ": the request body is required");
    return out;
  }
  const auto content = request_body.find("content");
  if (content == request_body.end() || !content->contains("application/json")) {
    out.push_back(op->label + ": no application/json request body is documented");
    return out;
  }
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    out.push_back(op->label + ": the request body is not JSON");
    return out;
  }
  const json& media = (*content)["application/json"];
  if (media.contains("schema"))
    for (auto& v : check_value(media["schema"], value)) out.push_back(op->label + " request: " + v);
  return out;
}

std::vector<std::string> openapi_contract::check_value(const json& schema,
                                                       const json& value) const {
  std::vector<std::string> out;
  check_schema(schema, value, "", out, 0);
  return out;
}

void openapi_contract::check_schema(const json& schema, const json& value,
                                    const std::string& pointer, std::vector<std::string>& out,
                                    int depth) const {
  const auto fail = [&](const std::string& message) {
    out.push_back(pointer_text(pointer) + ": " + message);
  };
  if (depth > max_depth) {
    fail("schema nesting deeper than " + std::to_string(max_depth) + " (a $ref cycle?)");
    return;
  }
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) fail("no value is allowed here, got " + excerpt(value));
    return;
  }
  if (!schema.is_object()) {
    fail("invalid schema " + excerpt(schema));
    return;
  }
  // Runs `s` on `v` and returns its violations without reporting them.
  const auto trial = [&](const json& s, const json& v, const std::string& p) {
    std::vector<std::string> sub;
    check_schema(s, v, p, sub, depth + 1);
    return sub;
  };

  if (auto it = schema.find("$ref"); it != schema.end()) {
    const json* target = nullptr;
    try {
      target = &resolve(schema);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
      return;
    }
    check_schema(*target, value, pointer, out, depth + 1);
  }

  if (auto it = schema.find("type"); it != schema.end()) {
    const json types = it->is_array() ? *it : json::array({*it});
    const bool ok = std::any_of(types.begin(), types.end(), [&](const json& t) {
      return t.is_string() && has_type(value, t.get_ref<const std::string&>());
    });
    if (!ok) {
      std::string expected;
      for (const auto& t : types)
        expected += (expected.empty() ? "" : " or ") + t.get<std::string>();
      fail("expected " + expected + ", got " + type_of(value) + " " + excerpt(value));
      return;  // the other keywords would only repeat the same mistake
    }
  }
  if (auto it = schema.find("const"); it != schema.end() && *it != value)
    fail("expected " + excerpt(*it) + ", got " + excerpt(value));
  if (auto it = schema.find("enum"); it != schema.end()) {
    if (std::find(it->begin(), it->end(), value) == it->end())
      fail(excerpt(value) + " is not one of " + excerpt(*it));
  }

  if (value.is_object()) {
    const auto props = schema.find("properties");
    if (auto it = schema.find("required"); it != schema.end())
      for (const auto& name : *it)
        if (name.is_string() && !value.contains(name.get<std::string>()))
          fail("missing required property " + name.dump());
    if (props != schema.end())
      for (const auto& [name, sub] : props->items())
        if (auto v = value.find(name); v != value.end())
          check_schema(sub, *v, pointer + "/" + escape_pointer_token(name), out, depth + 1);
    if (auto it = schema.find("additionalProperties"); it != schema.end()) {
      for (const auto& [name, v] : value.items()) {
        if (props != schema.end() && props->contains(name)) continue;
        if (it->is_boolean() && !it->get<bool>())
          out.push_back(pointer_text(pointer) + ": unexpected property \"" + name + "\"");
        else
          check_schema(*it, v, pointer + "/" + escape_pointer_token(name), out, depth + 1);
      }
    }
    if (auto it = schema.find("minProperties");
        it != schema.end() && value.size() < it->get<std::size_t>())
      fail("expected at least " + it->dump() + " properties, got " + std::to_string(value.size()));
    if (auto it = schema.find("maxProperties");
        it != schema.end() && value.size() > it->get<std::size_t>())
      fail("expected at most " + it->dump() + " properties, got " + std::to_string(value.size()));
  }

  if (value.is_array()) {
    if (auto it = schema.find("items"); it != schema.end())
      for (std::size_t i = 0; i < value.size(); ++i)
        check_schema(*it, value[i], pointer + "/" + std::to_string(i), out, depth + 1);
    if (auto it = schema.find("minItems");
        it != schema.end() && value.size() < it->get<std::size_t>())
      fail("expected at least " + it->dump() + " items, got " + std::to_string(value.size()));
    if (auto it = schema.find("maxItems");
        it != schema.end() && value.size() > it->get<std::size_t>())
      fail("expected at most " + it->dump() + " items, got " + std::to_string(value.size()));
  }

  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (auto it = schema.find("minLength");
        it != schema.end() && code_points(s) < it->get<std::size_t>())
      fail("expected at least " + it->dump() + " characters, got " + excerpt(value));
    if (auto it = schema.find("maxLength");
        it != schema.end() && code_points(s) > it->get<std::size_t>())
      fail("expected at most " + it->dump() + " characters, got " + excerpt(value));
    if (auto it = schema.find("pattern"); it != schema.end()) {
      const auto& p = it->get_ref<const std::string&>();
      bool matched = false;
      if (auto re = patterns_.find(p); re != patterns_.end()) {
        matched = std::regex_search(s, re->second);
      } else {
        try {
          matched = std::regex_search(s, std::regex(p, std::regex::ECMAScript));
        } catch (const std::regex_error&) {
          fail("invalid pattern " + it->dump());
          matched = true;
        }
      }
      if (!matched) fail(excerpt(value) + " does not match the pattern " + it->dump());
    }
  }

  if (value.is_number()) {
    const double x = value.get<double>();
    const auto bound = [&](const char* key, auto broken, const char* relation) {
      if (auto it = schema.find(key);
          it != schema.end() && it->is_number() && broken(x, it->get<double>()))
        fail("expected a number " + std::string(relation) + " " + it->dump() + ", got " +
             excerpt(value));
    };
    bound(
        "minimum", [](double v, double b) { return v < b; }, ">=");
    bound(
        "maximum", [](double v, double b) { return v > b; }, "<=");
    bound(
        "exclusiveMinimum", [](double v, double b) { return v <= b; }, ">");
    bound(
        "exclusiveMaximum", [](double v, double b) { return v >= b; }, "<");
  }

  if (auto it = schema.find("allOf"); it != schema.end())
    for (const auto& s : *it) check_schema(s, value, pointer, out, depth + 1);
  if (auto it = schema.find("anyOf"); it != schema.end()) {
    std::vector<std::string> reasons;
    bool any = false;
    for (std::size_t i = 0; i < it->size() && !any; ++i) {
      auto sub = trial((*it)[i], value, pointer);
      if (sub.empty())
        any = true;
      else
        reasons.push_back("[" + std::to_string(i) + "] " + sub.front());
    }
    if (!any) {
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
      fail("matches none of anyOf: " + why);
    }
  }
  if (auto it = schema.find("oneOf"); it != schema.end()) {
    std::vector<std::string> reasons;
    std::vector<std::size_t> matched;
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto sub = trial((*it)[i], value, pointer);
      if (sub.empty())
        matched.push_back(i);
      else
        reasons.push_back("[" + std::to_string(i) + "] " + sub.front());
    }
    if (matched.empty()) {
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
      fail("matches none of oneOf: " + why);
    } else if (matched.size() > 1) {
      std::string which;
      for (auto i : matched) which += (which.empty() ? "" : ", ") + std::to_string(i);
      fail("matches more than one of oneOf (" + which + ")");
    }
  }
  if (auto it = schema.find("not"); it != schema.end() && trial(*it, value, pointer).empty())
    fail("matches a schema it must not match: " + excerpt(*it));
}

}  // namespace reemu::test
