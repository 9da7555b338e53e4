// Route table matching.
#include "reemu/http/router.hpp"

#include <boost/url/parse.hpp>

namespace reemu {

namespace {
bool is_capture(std::string_view part) {
  return part.size() > 2 && part.front() == '{' && part.back() == '}';
}
}  // namespace

router::router(std::vector<route> routes) : routes_(std::move(routes)) {
  for (const auto& r : routes_) {
    compiled c;
    std::string_view p = r.pattern;
    while (!p.empty()) {
      p.remove_prefix(1);  // the '/'
      const auto slash = p.find('/');
      c.parts.push_back(p.substr(0, slash));
      p = slash == std::string_view::npos ? std::string_view{} : p.substr(slash);
    }
    compiled_.push_back(std::move(c));
  }
}

route_match router::match(http_t::verb method, const std::vector<std::string>& segments) const {
  route_match m;
  const http_t::verb wanted = method == http_t::verb::head ? http_t::verb::get : method;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& parts = compiled_[i].parts;
    if (parts.size() != segments.size()) continue;
    // The literal parts first: most routes fail there, before a parameter
    // is copied.
    bool ok = true;
    for (std::size_t k = 0; k < parts.size() && ok; ++k)
      ok = is_capture(parts[k]) || parts[k] == segments[k];
    if (!ok) continue;
    if (routes_[i].method == wanted) {
      m.result = route_match::kind::found;
      m.route = &routes_[i];
      m.params.clear();
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (is_capture(parts[k]))
          m.params.emplace_back(parts[k].substr(1, parts[k].size() - 2), segments[k]);
      }
      m.allow.clear();
      return m;
    }
    // The path exists with another method: remember it for the Allow header.
    const std::string name(http_t::to_string(routes_[i].method));
    if (m.allow.find(name) == std::string::npos) {
      m.allow += (m.allow.empty() ? "" : ", ") + name;
      if (routes_[i].method == http_t::verb::get) m.allow += ", HEAD";
    }
    m.result = route_match::kind::method_not_allowed;
  }
  return m;
}

std::optional<boost::urls::url_view> parse_target(std::string_view target) {
  if (auto origin = boost::urls::parse_origin_form(target)) return *origin;
  if (auto absolute = boost::urls::parse_absolute_uri(target);
      absolute && absolute->has_authority() && absolute->path().starts_with('/'))
    return *absolute;
  return std::nullopt;
}

std::optional<std::vector<std::string>> path_segments(const boost::urls::url_view& url) {
  const auto segs = url.segments();
  std::vector<std::string> out;
  out.reserve(segs.size());
  for (auto s : segs) out.push_back(s);
  // "/a/" has a last empty segment: ignore it; any other empty segment is invalid.
  if (!out.empty() && out.back().empty()) out.pop_back();
  for (const auto& s : out)
    if (s.empty() || s.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> path_segments(std::string_view target) {
  const auto url = parse_target(target);
  if (!url) return std::nullopt;
  return path_segments(*url);
}

}  // namespace reemu
