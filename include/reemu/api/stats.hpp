// The statistics family of the emulated API (v1 stats, deprecated since 7.22
// but served): /v1/{bdbs,nodes,shards}/stats[/last][/{uid}],
// /v1/cluster/stats[/last] and /v1/endpoints/stats. Every figure comes from
// the statistics model (model/stats.hpp) over the request's snapshot and
// clock time; nothing is stored but the rendered answers, reused within a
// second while the snapshot stays (state/answer_cache.hpp).
#pragma once

#include <vector>

#include "reemu/http/router.hpp"
#include "reemu/model/wire.hpp"

namespace reemu {

class answer_cache;
struct registry_data;

reply get_bdbs_stats(const request_context& ctx, answer_cache& answers);  // GET /v1/bdbs/stats
reply get_bdb_stats(const request_context& ctx, answer_cache& answers);  // GET /v1/bdbs/stats/{uid}
reply get_bdbs_stats_last(const request_context& ctx,
                          answer_cache& answers);  // GET /v1/bdbs/stats/last
reply get_bdb_stats_last(const request_context& ctx,
                         answer_cache& answers);  // GET /v1/bdbs/stats/last/{uid}
reply get_nodes_stats(const request_context& ctx, answer_cache& answers);  // GET /v1/nodes/stats
reply get_node_stats(const request_context& ctx,
                     answer_cache& answers);  // GET /v1/nodes/stats/{uid}
reply get_nodes_stats_last(const request_context& ctx,
                           answer_cache& answers);  // GET /v1/nodes/stats/last
reply get_node_stats_last(const request_context& ctx,
                          answer_cache& answers);  // GET /v1/nodes/stats/last/{uid}
reply get_shards_stats(const request_context& ctx, answer_cache& answers);  // GET /v1/shards/stats
reply get_shard_stats(const request_context& ctx,
                      answer_cache& answers);  // GET /v1/shards/stats/{uid}
reply get_shards_stats_last(const request_context& ctx,
                            answer_cache& answers);  // GET /v1/shards/stats/last
reply get_shard_stats_last(const request_context& ctx,
                           answer_cache& answers);  // GET /v1/shards/stats/last/{uid}
reply get_cluster_stats(const request_context& ctx,
                        answer_cache& answers);  // GET /v1/cluster/stats
reply get_cluster_stats_last(const request_context& ctx,
                             answer_cache& answers);  // GET /v1/cluster/stats/last
reply get_endpoints_stats(const request_context& ctx,
                          answer_cache& answers);  // GET /v1/endpoints/stats

// The family's route table, with the reference's permissions
// (view_all_bdb_stats, view_bdb_stats, … view_endpoint_stats). It must come
// before the bdbs, nodes, shards and cluster families: /v1/bdbs/stats
// would otherwise match /v1/bdbs/{uid}.
// The clock interval around `now` over which every stats answer of `d`
// stays the same: the model's samples end on whole seconds, so at most the
// second holding `now`, narrowed by the operations of the databases (their
// visibility, status and shard placement) and the nodes' and cluster's
// tasks (a node removed or in maintenance). Without nodes the cluster's age
// counts from `now` itself: only that instant.
validity stats_validity(const registry_data& d, double now);

std::vector<route> stats_routes();

}  // namespace reemu
