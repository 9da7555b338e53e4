// The availability routes: the query read, the database found, the decision
// of model/availability.hpp answered.
#include "reemu/api/availability.hpp"

#include "reemu/model/availability.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

// The query parameter `name`, nullopt when absent; the first when repeated.
result<availability_query> read_query(const request_context& ctx) {
  const auto extend_check = query_value(ctx, "extend_check");
  const auto tolerance = query_value(ctx, "availability_lag_tolerance_ms");
  return read_availability_query(extend_check, tolerance);
}

// The database of the path, visible at `now`; 404 db_not_found otherwise
// (the code the availability page documents).
result<const database*> path_database(const request_context& ctx) {
  const std::string& text = ctx.param("uid");
  const auto uid = parse_number<std::uint64_t>(text);
  const database* db = uid ? ctx.state->data().find_database(*uid, ctx.now) : nullptr;
  if (!db) return failure{api_error::db_not_found, "Database " + text + " does not exist"};
  return db;
}

// 200 with no body: what a real cluster sends when the database is up (not
// `{}`; redisctl #919 learnt it).
reply empty_ok() {
  reply r;
  r.status = status::ok;
  return r;
}

}  // namespace

reply get_bdb_availability(const request_context& ctx) {
  // The query is the request's schema: checked before the database is looked up.
  const auto q = read_query(ctx);
  if (!q) return error_reply(q.error());
  const auto db = path_database(ctx);
  if (!db) return error_reply(db.error());
  if (auto ok = check_available(**db, ctx.now, *q); !ok) return error_reply(ok.error());
  return empty_ok();
}

reply get_endpoint_availability(const request_context& ctx) {
  // The query is the request's schema: checked before the database is looked up.
  const auto q = read_query(ctx);
  if (!q) return error_reply(q.error());
  const auto db = path_database(ctx);
  if (!db) return error_reply(db.error());
  const registry_data& d = ctx.state->data();
  if (auto ok = check_endpoint_available(d, **db, local_node_uid(d, ctx.now), ctx.now, *q); !ok)
    return error_reply(ok.error());
  return empty_ok();
}

std::vector<route> availability_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/bdbs/{uid}/availability", access::needs("view_bdb_info"),
       uses<&get_bdb_availability>},
      {verb::get, "/v1/local/bdbs/{uid}/endpoint/availability", access::needs("view_bdb_info"),
       uses<&get_endpoint_availability>},
  };
}

}  // namespace reemu
