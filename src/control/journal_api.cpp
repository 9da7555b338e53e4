// The journal read-back route's query parsing and wire shape.
#include "reemu/control/journal_api.hpp"

#include <cstdint>

#include "reemu/model/wire.hpp"
#include "reemu/util/identifiers.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

failure bad_parameter(std::string_view key, std::string_view wanted, std::string_view got) {
  return {api_error::invalid_value, "query parameter '" + std::string(key) + "' must be " +
                                        std::string(wanted) + ", got \"" + std::string(got) + "\""};
}

}  // namespace

result<journal_filter> parse_journal_query(boost::urls::params_view query) {
  journal_filter filter;
  for (const auto& p : query) {
    const std::string value = p.value;
    if (p.key == "method") {
      filter.method = value;
    } else if (p.key == "path") {
      if (value.size() > max_pattern_length) {
        return bad_parameter(p.key, "at most " + std::to_string(max_pattern_length) + " bytes",
                             value.substr(0, 32) + "...");
      }
      filter.path = value;
    } else if (p.key == "user") {
      filter.user = value;
    } else if (p.key == "status") {
      const auto n = parse_number<std::uint64_t>(value);
      if (!n || *n < 100 || *n > 599)
        return bad_parameter(p.key, "an HTTP status (100-599)", value);
      filter.status = static_cast<unsigned>(*n);
    } else if (p.key == "limit") {
      // A hard maximum: a page is at most ~1000 * 2 KiB of targets, so a
      // read-back never builds a body the size of the whole journal.
      const auto n = parse_number<std::uint64_t>(value);
      if (!n || *n > max_journal_page) {
        return bad_parameter(p.key,
                             "a whole number from 0 to " + std::to_string(max_journal_page) +
                                 " (page on with 'after')",
                             value);
      }
      filter.limit = static_cast<std::size_t>(*n);
    } else if (p.key == "after") {
      const auto n = parse_number<std::uint64_t>(value);
      if (!n) return bad_parameter(p.key, "a whole number (an entry's 'seq')", value);
      filter.after = *n;
    } else {
      return failure{api_error::unknown_field,
                     "unknown query parameter '" + std::string(p.key) +
                         "' (known: method, path, user, status, limit, after)"};
    }
  }
  return filter;
}

json journal_page_body(const journal_page& page) {
  json out = json::array();
  for (const auto& e : page.entries) {
    json j = {{"seq", e->seq},
              {"time", number_value(e->time)},
              {"method", e->method},
              {"target", e->target},
              {"user", e->user},
              {"status", e->status},
              {"duration_us", e->duration_us}};
    if (e->status == 0) j["dropped"] = true;
    if (e->fault != 0) j["fault"] = e->fault;
    if (e->not_emulated) j["not_emulated"] = true;
    if (e->truncated) {
      j["truncated"] = true;
      j["target_bytes"] = e->target_bytes;
    }
    out.push_back(std::move(j));
  }
  return json{{"requests", std::move(out)}, {"more", page.more}, {"next_after", page.next_after}};
}

using http_t::status;

reply get_requests(const request_context& ctx, reemu::journal& requests) {
  const auto filter = parse_journal_query(ctx.query);
  if (!filter) return error_reply(filter.error());
  return json_reply(status::ok, journal_page_body(requests.query(*filter)));
}

reply clear_requests(const request_context&, reemu::journal& requests) {
  requests.clear();
  return no_content();
}

std::vector<route> control_journal_routes() {
  using http_t::verb;
  constexpr auto admin = control_api_access;
  return {
      {verb::get, "/emulator/v1/requests", admin, uses<&get_requests>},
      {verb::delete_, "/emulator/v1/requests", admin, uses<&clear_requests>},
  };
}

}  // namespace reemu
