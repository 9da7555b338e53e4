// The route inventory (docs/route-inventory.csv) and the lookup of the
// documented routes the router does not serve.
#include "reemu/http/route_inventory.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace reemu {

namespace {

// The CSV as committed, compiled in (CMake reemu_embed), so the server needs
// no file at run time.
constexpr std::string_view compiled_inventory =
#include "route_inventory.inc"
    ;

bool is_parameter(std::string_view part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}

std::vector<std::string_view> split_on(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = text.find(sep);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

// "/v1/bdbs/{uid}" -> {"v1", "bdbs", "{uid}"}.
std::vector<std::string_view> parts_of(std::string_view pattern) {
  pattern.remove_prefix(1);
  return split_on(pattern, '/');
}

[[noreturn]] void refuse_row(std::size_t line, const std::string& what) {
  throw inventory_error("docs/route-inventory.csv line " + std::to_string(line) + ": " + what);
}

// Empty when `path` is a valid template, else what is wrong with it.
std::string path_problem(std::string_view path) {
  if (!path.starts_with("/v1/") && !path.starts_with("/v2/"))
    return "a path starts with /v1/ or /v2/";
  for (const std::string_view part : parts_of(path)) {
    if (part.empty()) return "a path has no empty segment";
    const bool braces = part.find_first_of("{}") != std::string_view::npos;
    if (braces && !is_parameter(part)) return "a parameter is a whole segment: {name}";
    if (is_parameter(part) &&
        part.substr(1, part.size() - 2).find_first_of("{}/") != std::string_view::npos)
      return "a parameter's name has no braces";
  }
  return {};
}

http_t::verb method_of(std::string_view name, std::size_t line) {
  static constexpr std::string_view known[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (std::find(std::begin(known), std::end(known), name) == std::end(known))
    refuse_row(line, "method '" + std::string(name) + "' is not one of GET POST PUT PATCH DELETE");
  return http_t::string_to_verb(name);
}

route_source source_of(std::string_view name, std::size_t line) {
  if (name == "docs") return route_source::docs;
  if (name == "reference") return route_source::reference;
  if (name == "unregistered") return route_source::unregistered;
  refuse_row(line, "source '" + std::string(name) + "' is not docs, reference or unregistered");
}

// True when a path `segments` names fits `parts`.
bool names_path(const std::vector<std::string_view>& parts,
                const std::vector<std::string>& segments) {
  if (parts.size() != segments.size()) return false;
  for (std::size_t k = 0; k < parts.size(); ++k)
    if (!is_parameter(parts[k]) && parts[k] != segments[k]) return false;
  return true;
}

// True when `row` is more specific than `served`: some path fits both, and
// at the first segment where one has a literal and the other a capture, the
// literal is the row's (the rule routers commonly follow, and the order in
// which not_emulated_routes looks its own routes up).
bool more_specific_than(const std::vector<std::string_view>& row,
                        const std::vector<std::string_view>& served) {
  if (row.size() != served.size()) return false;
  bool decided = false;
  bool row_wins = false;
  for (std::size_t k = 0; k < row.size(); ++k) {
    const bool rc = is_parameter(row[k]);
    const bool sc = is_parameter(served[k]);
    if (!rc && !sc && row[k] != served[k]) return false;  // no path fits both
    if (!decided && rc != sc) {
      decided = true;
      row_wins = !rc;
    }
  }
  return decided && row_wins;
}

// The literal/capture pattern of a route, for sorting: literals first.
std::vector<bool> captures_of(std::string_view path) {
  std::vector<bool> out;
  for (const std::string_view part : parts_of(path)) out.push_back(is_parameter(part));
  return out;
}

// True when the release `version` does not have the route `r` at all.
bool lacked(const inventory_route& r, const version_profile& version) {
  return lacks_route(version, http_t::to_string(r.method), r.path);
}

// True when a request for `r` is answered like an unknown path.
bool plain_404(const inventory_route& r, const version_profile& version) {
  return r.source == route_source::unregistered || lacked(r, version);
}

std::vector<const inventory_route*> missing_of(const std::vector<inventory_route>& inventory,
                                               const std::vector<route>& served,
                                               const version_profile& version) {
  std::vector<std::string> shapes;
  shapes.reserve(served.size());
  for (const route& r : served)
    shapes.push_back(std::string(http_t::to_string(r.method)) + " " + route_shape(r.pattern));
  std::sort(shapes.begin(), shapes.end());
  std::vector<const inventory_route*> out;
  for (const inventory_route& r : inventory) {
    if (plain_404(r, version)) continue;
    const std::string shape = std::string(http_t::to_string(r.method)) + " " + route_shape(r.path);
    if (!std::binary_search(shapes.begin(), shapes.end(), shape)) out.push_back(&r);
  }
  return out;
}

std::vector<std::vector<std::string_view>> parts_of_each(
    const std::vector<const inventory_route*>& rows) {
  std::vector<std::vector<std::string_view>> out;
  out.reserve(rows.size());
  for (const inventory_route* r : rows) out.push_back(parts_of(r->path));
  return out;
}

std::vector<route> stand_ins_of(const std::vector<const inventory_route*>& missing) {
  std::vector<route> out;
  out.reserve(missing.size());
  for (const inventory_route* r : missing) out.push_back({r->method, r->path, access::any_user()});
  return out;
}

// The routes the lookup matches: the missing ones, the unregistered ones and
// those the release lacks, the most specific first, since the router takes
// the first that fits.
std::vector<const inventory_route*> lookup_rows(const std::vector<const inventory_route*>& missing,
                                                const std::vector<inventory_route>& inventory,
                                                const version_profile& version) {
  std::vector<const inventory_route*> out = missing;
  for (const inventory_route& r : inventory)
    if (plain_404(r, version)) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [](const inventory_route* a, const inventory_route* b) {
    return captures_of(a->path) < captures_of(b->path);
  });
  return out;
}

std::vector<route> lookup_routes(const std::vector<const inventory_route*>& rows) {
  std::vector<route> out;
  out.reserve(rows.size());
  for (const inventory_route* r : rows) out.push_back({r->method, r->path, access::any_user()});
  return out;
}

std::vector<std::vector<std::size_t>> shadows_of(
    const std::vector<route>& served, const std::vector<const inventory_route*>& missing) {
  std::vector<std::vector<std::size_t>> out(served.size());
  for (std::size_t i = 0; i < served.size(); ++i) {
    const auto served_parts = parts_of(served[i].pattern);
    for (std::size_t j = 0; j < missing.size(); ++j) {
      if (missing[j]->method == served[i].method &&
          more_specific_than(parts_of(missing[j]->path), served_parts))
        out[i].push_back(j);
    }
    // Most specific first, as the lookup does.
    std::stable_sort(out[i].begin(), out[i].end(), [&](std::size_t a, std::size_t b) {
      return captures_of(missing[a]->path) < captures_of(missing[b]->path);
    });
  }
  return out;
}

}  // namespace

std::string route_shape(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (const std::string_view part : parts_of(pattern)) {
    out += '/';
    out += is_parameter(part) ? std::string_view("{}") : part;
  }
  return out;
}

std::vector<inventory_route> parse_route_inventory(std::string_view text) {
  std::vector<inventory_route> out;
  std::map<std::string, std::size_t> seen;  // shape -> line
  std::vector<std::string_view> columns;
  std::map<std::string_view, std::size_t> column;
  std::size_t line = 0;
  for (std::string_view row : split_on(text, '\n')) {
    ++line;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.empty() || row.front() == '#') continue;
    if (row.find('"') != std::string_view::npos)
      refuse_row(line, "no quotes: fields are plain text without commas");
    const auto fields = split_on(row, ',');
    if (columns.empty()) {
      columns = fields;
      for (std::size_t i = 0; i < columns.size(); ++i) column[columns[i]] = i;
      for (const std::string_view need :
           {"family", "method", "path", "emulated", "reason", "source"}) {
        if (!column.contains(need))
          refuse_row(line, "the header lacks the column '" + std::string(need) + "'");
      }
      continue;
    }
    if (fields.size() != columns.size()) {
      refuse_row(line, std::to_string(fields.size()) + " fields for " +
                           std::to_string(columns.size()) + " columns (a comma in a field?)");
    }
    const auto field = [&](std::string_view name) { return fields[column.at(name)]; };
    inventory_route r;
    r.line = line;
    r.family = field("family");
    r.method = method_of(field("method"), line);
    r.path = field("path");
    r.reason = field("reason");
    r.source = source_of(field("source"), line);
    if (r.family.empty()) refuse_row(line, "the family is empty");
    if (const std::string problem = path_problem(r.path); !problem.empty())
      refuse_row(line, "path '" + r.path + "': " + problem);
    const std::string_view emulated = field("emulated");
    if (emulated != "yes" && emulated != "no")
      refuse_row(line, "emulated is 'yes' or 'no', not '" + std::string(emulated) + "'");
    r.emulated = emulated == "yes";
    if (!r.emulated && r.reason.empty())
      refuse_row(line, "a route not emulated says why in `reason`");
    if (r.emulated && !r.reason.empty()) refuse_row(line, "an emulated route has no `reason`");
    if (r.emulated && r.source == route_source::unregistered)
      refuse_row(line, "an unregistered route (real clusters do not serve it) is not emulated");
    const std::string shape = std::string(field("method")) + " " + route_shape(r.path);
    if (const auto [it, fresh] = seen.emplace(shape, line); !fresh)
      refuse_row(line, shape + " is listed on line " + std::to_string(it->second) + " already");
    out.push_back(std::move(r));
  }
  if (columns.empty()) throw inventory_error("docs/route-inventory.csv: no header line");
  return out;
}

const std::vector<inventory_route>& route_inventory() {
  static const std::vector<inventory_route> inventory = parse_route_inventory(compiled_inventory);
  return inventory;
}

not_emulated_routes::not_emulated_routes(const std::vector<inventory_route>& inventory,
                                         const std::vector<route>& served,
                                         const version_profile& version)
    : missing_(missing_of(inventory, served, version)),
      parts_(parts_of_each(missing_)),
      stand_ins_(stand_ins_of(missing_)),
      rows_(lookup_rows(missing_, inventory, version)),
      lookup_(lookup_routes(rows_)),
      shadow_(shadows_of(served, missing_)) {
  absent_.reserve(rows_.size());
  for (const inventory_route* r : rows_) absent_.push_back(plain_404(*r, version));
}

const inventory_route* not_emulated_routes::find(http_t::verb method,
                                                 const std::vector<std::string>& segments) const {
  const route_match m = lookup_.match(method, segments);
  if (m.result != route_match::kind::found) return nullptr;
  const auto i = static_cast<std::size_t>(m.route - lookup_.routes().data());
  return absent_[i] ? nullptr : rows_[i];
}

const inventory_route* not_emulated_routes::more_specific(
    std::size_t served_index, http_t::verb method, const std::vector<std::string>& segments) const {
  if (served_index >= shadow_.size() || shadow_[served_index].empty()) return nullptr;
  const http_t::verb wanted = method == http_t::verb::head ? http_t::verb::get : method;
  for (const std::size_t j : shadow_[served_index]) {
    if (missing_[j]->method == wanted && names_path(parts_[j], segments)) return missing_[j];
  }
  return nullptr;
}

std::size_t not_emulated_routes::index_of(const inventory_route* r) const {
  return static_cast<std::size_t>(std::find(missing_.begin(), missing_.end(), r) -
                                  missing_.begin());
}

reply not_emulated_reply(const inventory_route& r) {
  return error_reply(api_error::not_emulated,
                     std::string(http_t::to_string(r.method)) + " " + r.path +
                         " is a Redis Software route the emulator does not emulate yet: see "
                         "docs/coverage.md");
}

}  // namespace reemu
