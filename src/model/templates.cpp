// Template data. Step names follow what real clusters report in `state`
// (SMCreateBDB's seven steps are in SPEC.md; SMDeleteBDB is at
// `config_security` after 1 of 7 steps in the real capture). Durations are
// short but of the right order for a small database on a quiet cluster.
#include "reemu/model/templates.hpp"

#include <vector>

namespace reemu {

namespace {

simulate_plan plan(std::vector<std::string> steps, double step_seconds, double pending,
                   double starting, double retain) {
  simulate_plan p;
  p.steps = std::move(steps);
  p.step_seconds = step_seconds;
  p.pending_seconds = pending;
  p.starting_seconds = starting;
  p.retain_seconds = retain;
  return p;
}

const std::vector<action_template>& templates() {
  // A function-local static: built once, thread-safe, no global constructor order issue.
  static const std::vector<action_template> all = {
      {"SMCreateBDB", action_kind::state_machine,
       plan({"init", "provision", "create_redis", "bind_endpoint", "update_dmc", "config_redis_acl",
             "created"},
            2, 1, 0, 3600)},
      {"SMUpdateBDB", action_kind::state_machine,
       plan({"init", "validate_config", "update_redis", "update_proxy_policy", "update_dmc",
             "config_redis_acl", "updated"},
            2, 1, 0, 3600)},
      // A finished delete vanishes at once on a real cluster (retain 0); a
      // failed one stays visible (retain_failed_seconds, 3600 by default).
      {"SMDeleteBDB", action_kind::state_machine,
       plan({"init", "config_security", "unbind_endpoint", "stop_redis", "delete_redis",
             "update_dmc", "deleted"},
            2, 1, 0, 0)},
      // The machine behind PUT /v1/bdbs/{uid}/flush; its name is the
      // emulator's (docs/compatibility.md).
      {"SMFlushBDB", action_kind::state_machine,
       plan({"init", "flush_shards", "flushed"}, 1, 1, 0, 3600)},
      // The machines behind stop_traffic, resume_traffic and recover; their
      // names are the emulator's (docs/compatibility.md).
      {"SMStopTrafficBDB", action_kind::state_machine,
       plan({"init", "stop_proxy_traffic", "traffic_stopped"}, 1, 1, 0, 3600)},
      {"SMResumeTrafficBDB", action_kind::state_machine,
       plan({"init", "resume_proxy_traffic", "traffic_resumed"}, 1, 1, 0, 3600)},
      {"SMRecoverBDB", action_kind::state_machine,
       plan({"init", "recover_shards", "bind_endpoint", "update_dmc", "recovered"}, 2, 1, 0, 3600)},
      // Export and import are not state machines: /v2/actions lists them as
      // `other` and the database reports their progress in export_* and
      // import_* (model/operations.hpp).
      {"export_bdb", action_kind::task, plan({"export_shards", "upload"}, 2, 1, 1, 3600)},
      {"import_bdb", action_kind::task,
       plan({"download", "import_shards", "verify"}, 2, 1, 1, 3600)},
      {"SMUpgradeBDB", action_kind::state_machine,
       plan({"init", "check_versions", "upgrade_replicas", "failover", "upgrade_masters",
             "update_dmc", "upgraded"},
            3, 1, 0, 3600)},
      {"SMRedisFailover", action_kind::state_machine,
       plan({"init", "promote_replica", "update_endpoints", "update_dmc", "done"}, 1, 0, 0, 3600)},
      {"retry_bdb", action_kind::task, plan({"prepare", "retry", "verify"}, 2, 1, 1, 3600)},
      {"maintenance_on", action_kind::task,
       plan({"drain_shards", "migrate_endpoints", "stop_services", "done"}, 3, 1, 1, 3600)},
      {"maintenance_off", action_kind::task,
       plan({"start_services", "restore_shards", "done"}, 3, 1, 1, 3600)},
      // The other node actions (POST /v1/nodes/{uid}/actions/remove and
      // enslave_node) and the cluster's change_master; their step names are
      // the emulator's (tasks do not show them).
      {"remove_node", action_kind::task,
       plan({"migrate_shards", "migrate_endpoints", "stop_services", "leave_cluster"}, 3, 1, 1,
            3600)},
      {"enslave_node", action_kind::task,
       plan({"failover_masters", "update_endpoints", "done"}, 2, 1, 1, 3600)},
      {"change_master", action_kind::task,
       plan({"elect_master", "update_ccs", "done"}, 2, 1, 1, 3600)},
      {"module_installation", action_kind::task,
       plan({"download", "validate", "install", "register"}, 2, 1, 1, 3600)},
      // The CRDB tasks (/v1/crdb_tasks, model/crdb.hpp): queued for the
      // pending second, started through the steps, kept 500 s after they
      // end. Each outlasts the machine it starts on the local database
      // (SMCreateBDB 15 s, SMUpgradeBDB 22 s), so a finished task finds it
      // done. Step names are the emulator's.
      {"create_crdb", action_kind::task,
       plan({"validate", "create_instances", "configure_syncers", "start_sync"}, 4, 1, 0, 500)},
      {"update_crdb", action_kind::task,
       plan({"validate", "update_instances", "update_syncers", "commit"}, 4, 1, 0, 500)},
      {"modify_crdb", action_kind::task,
       plan({"validate", "update_instances", "update_syncers", "commit"}, 4, 1, 0, 500)},
      {"delete_crdb", action_kind::task,
       plan({"validate", "stop_syncers", "delete_instances", "commit"}, 4, 1, 0, 500)},
      {"flush_crdb", action_kind::task, plan({"validate", "flush_instances"}, 2, 1, 0, 500)},
      {"purge_crdb", action_kind::task, plan({"validate", "purge_instance"}, 2, 1, 0, 500)},
      {"upgrade_crdb", action_kind::task,
       plan({"validate", "upgrade_instances", "update_syncers", "commit"}, 6, 1, 0, 500)},
  };
  return all;
}

}  // namespace

const action_template* find_template(std::string_view name) noexcept {
  for (const auto& t : templates())
    if (t.name == name) return &t;
  return nullptr;
}

std::span<const action_template> all_templates() noexcept { return templates(); }

}  // namespace reemu
