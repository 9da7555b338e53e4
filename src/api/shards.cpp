// The emulated shards API. Reads render the shards of the request's
// snapshot at its `now`; the actions validate the whole body, then check
// every shard, node and database on the data they change, and start their
// state machines in one registry::update, so a refused request changes
// nothing.
#include "reemu/api/shards.hpp"

#include <map>

#include "reemu/api/bdb_request.hpp"
#include "reemu/model/invariants.hpp"
#include "reemu/model/operations.hpp"
#include "reemu/model/shards.hpp"
#include "reemu/state/registry.hpp"
#include "reemu/util/number.hpp"

namespace reemu {

namespace {

using http_t::status;

enum class shard_action : std::uint8_t { migrate, failover };

// What a migrate or failover asks: the shards, the target node of a
// migrate, whether it is a dry run.
struct shard_request {
  shard_action kind = shard_action::migrate;
  std::vector<std::uint64_t> shard_uids;
  std::optional<std::uint64_t> target_node_uid;
  bool dry_run = false;
};

// The machines behind the actions (docs/compatibility.md): a migrate is a
// database update, a failover the failover machine.
std::string_view machine_of(shard_action kind) {
  return kind == shard_action::migrate ? "SMUpdateBDB" : "SMRedisFailover";
}

std::string_view word_of(shard_action kind) {
  return kind == shard_action::migrate ? "Migrate" : "Failover";
}

// Reads the body of a migrate or failover: `multi` for the routes that name
// their shards in shard_uids. Unknown keys and wrong types are
// invalid_schema; no shard_uids on a multi route is shard_uids_required; a
// migrate without target_node_uid is node_not_exist. The list comes out
// sorted, without repeats and bounded (read_shard_uids), before the request
// takes the registry's writer.
result<shard_request> read_shard_request(const request_context& ctx, shard_action kind,
                                         bool multi) {
  const auto body = read_bdb_body(ctx, true);
  if (!body) return body.error();
  shard_request out;
  out.kind = kind;
  result<> fits;
  if (out.kind == shard_action::migrate) {
    fits = multi ? check_body_fields(*body, {{"shard_uids", body_type::array},
                                             {"target_node_uid", body_type::whole},
                                             {"override_rack_policy", body_type::boolean},
                                             {"preserve_roles", body_type::boolean},
                                             {"max_concurrent_bdb_migrations", body_type::whole},
                                             {"dry_run", body_type::boolean}})
                 : check_body_fields(*body, {{"target_node_uid", body_type::whole},
                                             {"override_rack_policy", body_type::boolean},
                                             {"preserve_roles", body_type::boolean},
                                             {"dry_run", body_type::boolean}});
  } else {
    fits = multi ? check_body_fields(*body, {{"shard_uids", body_type::array},
                                             {"dead_uids", body_type::array},
                                             {"dead_nodes", body_type::array},
                                             {"dry_run", body_type::boolean},
                                             {"force_rebind", body_type::boolean},
                                             {"redis_version_upgrade", body_type::string}})
                 : check_body_fields(*body, {{"dead_uid", body_type::string},
                                             {"dead_nodes", body_type::array},
                                             {"dry_run", body_type::boolean},
                                             {"force_rebind", body_type::boolean},
                                             {"redis_version_upgrade", body_type::string}});
  }
  if (!fits) return fits.error();
  if (multi) {
    const auto it = body->find("shard_uids");
    if (it == body->end() || it->empty())
      return failure{api_error::shard_uids_required, "A list of shard UIDs is required"};
    auto uids = read_shard_uids(*it);
    if (!uids) return uids.error();
    out.shard_uids = std::move(*uids);
  } else {
    const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
    if (!uid) return no_such_shard(ctx.param("uid"));
    out.shard_uids.push_back(*uid);
  }
  if (auto it = body->find("target_node_uid"); it != body->end())
    out.target_node_uid = it->get<std::uint64_t>();
  if (out.kind == shard_action::migrate && !out.target_node_uid)
    return failure{api_error::node_not_exist, "A target node UID (target_node_uid) is required"};
  out.dry_run = body->value("dry_run", false) || dry_run(ctx);
  return out;
}

// The placement each database of the request leaves, by database uid.
using moves = std::map<std::uint64_t, std::vector<shard_spot>>;

// Where the shard at `index` of a pair-wise shard_list has its partner.
std::size_t partner_of(std::size_t index) { return index % 2 == 0 ? index + 1 : index - 1; }

// Checks the request against `d` at `now` (every shard known, the target
// node in the cluster and staying, a failover's shards masters of one
// database, each database free and active) and computes the placement each
// database leaves. Linear in the cluster's shards (find_shards), plus the
// shards of the databases the request names.
result<moves> plan_moves(const registry_data& d, const shard_request& req, double now) {
  moves out;
  std::vector<shard_info> shards;
  if (const auto missing = find_shards(d, req.shard_uids, now, shards))
    return no_such_shard(std::to_string(*missing));
  if (req.target_node_uid) {
    if (auto ok = check_shard_target(d.nodes, *req.target_node_uid, now); !ok) return ok.error();
  }
  const node_map nodes = nodes_at(d.nodes, now);
  if (req.kind == shard_action::failover) {
    for (const shard_info& s : shards) {
      if (s.bdb_uid != shards.front().bdb_uid) {
        return failure{api_error::failover_shards_different_bdb,
                       "Shards " + std::to_string(shards.front().uid) + " and " +
                           std::to_string(s.uid) + " are not in the same database"};
      }
      if (!s.spot.master) {
        return failure{api_error::shard_is_slave,
                       "Shard " + std::to_string(s.uid) + " is a replica"};
      }
    }
  }
  for (const shard_info& s : shards) {
    const database& db = *d.databases.at(s.bdb_uid);
    if (!out.contains(s.bdb_uid)) {
      if (!writable_database(d, s.bdb_uid, now) || !check_active(db, now)) {
        return failure{api_error::db_busy, "Database " + std::to_string(s.bdb_uid) + " of shard " +
                                               std::to_string(s.uid) +
                                               " is currently busy; try again later"};
      }
      out[s.bdb_uid] = placement_at(db, nodes, now);
    }
    std::vector<shard_spot>& spots = out[s.bdb_uid];
    if (req.kind == shard_action::migrate) {
      spots[s.index].node_uid = *req.target_node_uid;
    } else if (shape_of(db.fields).replication) {
      // The replica of the pair takes over; the master becomes its replica.
      spots[s.index].master = false;
      spots[partner_of(s.index)].master = true;
    }
  }
  return out;
}

reply run_shard_action(const request_context& ctx, registry& reg, shard_action kind, bool multi) {
  const auto req = read_shard_request(ctx, kind, multi);
  if (!req) return error_reply(req.error());
  const std::string word(word_of(kind));
  if (req->dry_run) {
    const auto planned = plan_moves(ctx.state->data(), *req, ctx.now);
    if (!planned) return error_reply(planned.error());
    return json_reply(status::ok, json{{"description", word + " dry run passed"}});
  }
  std::string action_uid;
  const auto written = reg.update(ctx.now, [&](registry_data& d) -> result<> {
    auto planned = plan_moves(d, *req, ctx.now);
    if (!planned) return planned.error();
    for (auto& [bdb_uid, placement] : *planned) {
      database next = *d.databases.at(bdb_uid);
      std::string uid =
          begin_operation(d, std::move(next), machine_of(kind), ctx.now, std::move(placement));
      if (action_uid.empty()) action_uid = std::move(uid);
    }
    return {};
  });
  if (!written) return error_reply(written.error());
  return json_reply(status::ok,
                    json{{"action_uid", action_uid}, {"description", word + " was triggered"}});
}

}  // namespace

reply get_shards(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  json out = json::array();
  for (const shard_info& s : all_shards(d, ctx.now))
    out.push_back(render_shard(s, *d.databases.at(s.bdb_uid), ctx.now));
  return json_reply(status::ok, out);
}

reply get_shard(const request_context& ctx) {
  const registry_data& d = ctx.state->data();
  const auto uid = parse_number<std::uint64_t>(ctx.param("uid"));
  const auto s = uid ? find_shard(d, *uid, ctx.now) : std::nullopt;
  if (!s) return error_reply(no_such_shard(ctx.param("uid")));
  return json_reply(status::ok, render_shard(*s, *d.databases.at(s->bdb_uid), ctx.now));
}

reply migrate_shards(const request_context& ctx, registry& reg) {
  return run_shard_action(ctx, reg, shard_action::migrate, true);
}

reply failover_shards(const request_context& ctx, registry& reg) {
  return run_shard_action(ctx, reg, shard_action::failover, true);
}

reply migrate_shard(const request_context& ctx, registry& reg) {
  return run_shard_action(ctx, reg, shard_action::migrate, false);
}

reply failover_shard(const request_context& ctx, registry& reg) {
  return run_shard_action(ctx, reg, shard_action::failover, false);
}

std::vector<route> shards_routes() {
  using http_t::verb;
  return {
      {verb::get, "/v1/shards", access::needs("view_all_shard_stats"), uses<&get_shards>},
      {verb::post, "/v1/shards/actions/migrate", access::needs("migrate_shard"),
       uses<&migrate_shards>},
      {verb::post, "/v1/shards/actions/failover", access::needs("failover_shard"),
       uses<&failover_shards>},
      {verb::get, "/v1/shards/{uid}", access::needs("view_shard_stats"), uses<&get_shard>},
      {verb::post, "/v1/shards/{uid}/actions/migrate", access::needs("migrate_shard"),
       uses<&migrate_shard>},
      {verb::post, "/v1/shards/{uid}/actions/failover", access::needs("failover_shard"),
       uses<&failover_shard>},
  };
}

}  // namespace reemu
