// The grammar of database ACLs (model/acl_rules.hpp), after Redis's
// ACLSetUser and ACLSetSelector (src/acl.c): the same rules, read the same
// way, checked rather than applied.
#include "reemu/model/acl_rules.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <string>
#include <vector>

namespace reemu {

namespace {

// The commands of Redis (src/commands/*.json of redis/redis at 4f8cdc2a1,
// the 8.0 line), with the 8.0 hash-field and vector-set commands and the
// 8.2 stream commands added: lower case, separated by spaces.
constexpr std::string_view redis_command_text =
    "acl append asking auth bgrewriteaof bgsave bitcount bitfield bitfield_ro bitop bitpos blmove "
    "blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin client cluster command config copy "
    "dbsize debug decr decrby del discard dump echo eval eval_ro evalsha evalsha_ro exec exists "
    "expire expireat expiretime failover fcall fcall_ro flushall flushdb function geoadd geodist "
    "geohash geopos georadius georadius_ro georadiusbymember georadiusbymember_ro geosearch "
    "geosearchstore get getbit getdel getex getrange getset hdel hello hexists hexpire hexpireat "
    "hexpiretime hget hgetall hgetdel hgetex hincrby hincrbyfloat hkeys hlen hmget hmset hpersist "
    "hpexpire hpexpireat hpexpiretime hpttl hrandfield hscan hset hsetex hsetnx hstrlen httl hvals "
    "incr incrby incrbyfloat info keys lastsave latency lcs lindex linsert llen lmove lmpop lolwut "
    "lpop lpos lpush lpushx lrange lrem lset ltrim memory mget migrate module monitor move mset "
    "msetnx multi object persist pexpire pexpireat pexpiretime pfadd pfcount pfdebug pfmerge "
    "pfselftest ping psetex psubscribe psync pttl publish pubsub punsubscribe quit randomkey "
    "readonly readwrite rename renamenx replconf replicaof reset restore restore-asking role rpop "
    "rpoplpush rpush rpushx sadd save scan scard script sdiff sdiffstore select sentinel set "
    "setbit setex setnx setrange sflush shutdown sinter sintercard sinterstore sismember slaveof "
    "slowlog smembers smismember smove sort sort_ro spop spublish srandmember srem sscan "
    "ssubscribe strlen subscribe substr sunion sunionstore sunsubscribe swapdb sync time touch ttl "
    "type unlink unsubscribe unwatch vadd vcard vdim vemb vgetattr vinfo vismember vlinks "
    "vrandmember vrem vsetattr vsim wait waitaof watch xack xackdel xadd xautoclaim xclaim xdel "
    "xdelex xgroup xinfo xlen xpending xrange xread xreadgroup xrevrange xsetid xtrim zadd zcard "
    "zcount zdiff zdiffstore zincrby zinter zintercard zinterstore zlexcount zmpop zmscore zpopmax "
    "zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore zrank zrem zremrangebylex "
    "zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore zrevrank zscan "
    "zscore zunion zunionstore";

// The subcommands of the container commands, as "container|sub".
constexpr std::string_view redis_subcommand_text =
    "acl|cat acl|deluser acl|dryrun acl|genpass acl|getuser acl|help acl|list acl|load acl|log "
    "acl|save acl|setuser acl|users acl|whoami client|caching client|getname client|getredir "
    "client|help client|id client|info client|kill client|list client|no-evict client|no-touch "
    "client|pause client|reply client|setinfo client|setname client|tracking client|trackinginfo "
    "client|unblock client|unpause cluster|addslots cluster|addslotsrange cluster|bumpepoch "
    "cluster|count-failure-reports cluster|countkeysinslot cluster|delslots cluster|delslotsrange "
    "cluster|failover cluster|flushslots cluster|forget cluster|getkeysinslot cluster|help "
    "cluster|info cluster|keyslot cluster|links cluster|meet cluster|myid cluster|myshardid "
    "cluster|nodes cluster|replicas cluster|replicate cluster|reset cluster|saveconfig "
    "cluster|set-config-epoch cluster|setslot cluster|shards cluster|slaves cluster|slot-stats "
    "cluster|slots command|count command|docs command|getkeys command|getkeysandflags command|help "
    "command|info command|list config|get config|help config|resetstat config|rewrite config|set "
    "function|delete function|dump function|flush function|help function|kill function|list "
    "function|load function|restore function|stats latency|doctor latency|graph latency|help "
    "latency|histogram latency|history latency|latest latency|reset memory|doctor memory|help "
    "memory|malloc-stats memory|purge memory|stats memory|usage module|help module|list "
    "module|load module|loadex module|unload object|encoding object|freq object|help "
    "object|idletime object|refcount pubsub|channels pubsub|help pubsub|numpat pubsub|numsub "
    "pubsub|shardchannels pubsub|shardnumsub script|debug script|exists script|flush script|help "
    "script|kill script|load sentinel|ckquorum sentinel|config sentinel|debug sentinel|failover "
    "sentinel|flushconfig sentinel|get-master-addr-by-name sentinel|help sentinel|info-cache "
    "sentinel|is-master-down-by-addr sentinel|master sentinel|masters sentinel|monitor "
    "sentinel|myid sentinel|pending-scripts sentinel|remove sentinel|replicas sentinel|reset "
    "sentinel|sentinels sentinel|set sentinel|simulate-failure sentinel|slaves slowlog|get "
    "slowlog|help slowlog|len slowlog|reset xgroup|create xgroup|createconsumer xgroup|delconsumer "
    "xgroup|destroy xgroup|help xgroup|setid xinfo|consumers xinfo|groups xinfo|help xinfo|stream";

// Redis's categories (ACLDefaultCommandCategories), "all", and those the
// modules Redis Software ships add from Redis 8 on (search, JSON, time
// series, probabilistic types).
constexpr std::string_view acl_category_text =
    "admin all bitmap blocking bloom cms connection cuckoo dangerous fast geo hash hyperloglog "
    "json keyspace list pubsub read scripting search set slow sortedset stream string tdigest "
    "timeseries topk transaction write";

// A table above as sorted words, for a binary search; built once.
class word_table {
 public:
  explicit word_table(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
      const auto space = std::min(text.find(' ', at), text.size());
      words_.push_back(text.substr(at, space - at));
      at = space + 1;
    }
    std::sort(words_.begin(), words_.end());
  }
  bool contains(std::string_view word) const {
    return std::binary_search(words_.begin(), words_.end(), word);
  }
  // Whether a word starts with `prefix`.
  bool has_prefix(std::string_view prefix) const {
    const auto it = std::lower_bound(words_.begin(), words_.end(), prefix);
    return it != words_.end() && it->starts_with(prefix);
  }

 private:
  std::vector<std::string_view> words_;
};

const word_table& redis_commands() {
  static const word_table table(redis_command_text);
  return table;
}

const word_table& redis_subcommands() {
  static const word_table table(redis_subcommand_text);
  return table;
}

const word_table& acl_categories() {
  static const word_table table(acl_category_text);
  return table;
}

// What the messages show of a rule: enough to find it, never a whole
// megabyte.
std::string shown_rule(std::string_view rule) {
  constexpr std::size_t limit = 64;
  if (rule.size() <= limit) return std::string(rule);
  return std::string(rule.substr(0, limit - 3)) + "...";
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The separators of rules: the ASCII white space Redis splits on.
bool separates(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::vector<std::string_view> split_rules(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && separates(text[at])) ++at;
    const std::size_t start = at;
    while (at < text.size() && !separates(text[at])) ++at;
    if (at > start) words.push_back(text.substr(start, at - start));
  }
  return words;
}

// A module's command: <module>.<name> ("ft.search", "json.get", "ts.add").
// Their tables are the modules' own, so only the shape is checked.
bool is_module_command(std::string_view name) {
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

bool known_command(std::string_view name) {
  return redis_commands().contains(name) || is_module_command(name);
}

bool has_subcommands(std::string_view command) {
  return redis_subcommands().has_prefix(std::string(command) + "|");
}

bool known_subcommand(std::string_view command, std::string_view sub) {
  return redis_subcommands().contains(std::string(command) + "|" + std::string(sub));
}

// Where the rule stands: at the top, or inside the selector `selector`.
struct rule_place {
  std::string_view selector;  // empty at the top level
};

failure bad_rule(std::string_view rule, const rule_place& where, std::string_view why) {
  std::string text = "Invalid ACL rule '" + shown_rule(rule) + "'";
  if (!where.selector.empty()) text += " in selector '" + shown_rule(where.selector) + "'";
  return failure{api_error::invalid_param, text + ": " + std::string(why)};
}

// What one selector (the top level is one too) has been given so far: a
// pattern after ~* or &* is an error, as in Redis (EEXIST, EISDIR).
struct selector_state {
  bool all_keys = false;
  bool all_channels = false;
};

// A rule of a Redis user rather than of what it may run (ACLSetUser's own
// branches): on/off, passwords, payload sanitizing, reset.
bool is_user_rule(std::string_view rule) {
  const std::string low = lowered(rule);
  return low == "on" || low == "off" || low == "nopass" || low == "resetpass" || low == "reset" ||
         low == "sanitize-payload" || low == "skip-sanitize-payload" || rule.front() == '>' ||
         rule.front() == '<' || rule.front() == '#' || rule.front() == '!';
}

result<> check_pattern_text(std::string_view rule, std::string_view pattern,
                            const rule_place& where) {
  if (pattern.find_first_of("()") != std::string_view::npos)
    return bad_rule(rule, where, "a pattern may not contain '(' or ')'");
  return {};
}

// ~<pattern>, %R~<pattern>, %W~<pattern>, %RW~<pattern>.
result<> check_key_rule(std::string_view rule, selector_state& state, const rule_place& where) {
  if (state.all_keys) {
    return bad_rule(rule, where,
                    "a key pattern after '~*' or 'allkeys' has no effect; put 'resetkeys' "
                    "before it");
  }
  std::size_t at = 1;
  if (rule.front() == '%') {
    bool read = false;
    bool write = false;
    bool tilde = false;
    for (; at < rule.size() && !tilde; ++at) {
      const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(rule[at])));
      if (c == 'R' && !read) {
        read = true;
      } else if (c == 'W' && !write) {
        write = true;
      } else if (c == '~' && (read || write)) {
        tilde = true;
      } else {
        break;
      }
    }
    if (!tilde) {
      return bad_rule(rule, where,
                      "a key permission is %R~, %W~ or %RW~ followed by the key pattern");
    }
  }
  return check_pattern_text(rule, rule.substr(at), where);
}

// &<pattern>.
result<> check_channel_rule(std::string_view rule, selector_state& state, const rule_place& where) {
  if (state.all_channels) {
    return bad_rule(rule, where,
                    "a channel pattern after '&*' or 'allchannels' has no effect; put "
                    "'resetchannels' before it");
  }
  return check_pattern_text(rule, rule.substr(1), where);
}

// +<command>, -<command>, +<command>|<sub or first argument>, -<command>|<sub>.
result<> check_command_rule(std::string_view rule, const rule_place& where) {
  const bool allow = rule.front() == '+';
  const std::string name = lowered(rule.substr(1));
  // Redis splits an allow at the last '|' (what follows may be a first
  // argument holding anything) and a deny at the first.
  const auto bar = allow ? name.rfind('|') : name.find('|');
  if (bar == std::string::npos) {
    if (!known_command(name))
      return bad_rule(rule, where, "unknown command '" + shown_rule(name) + "'");
    return {};
  }
  const std::string command = name.substr(0, bar);
  const std::string sub = name.substr(bar + 1);
  if (allow) {
    if (const auto inner = command.find('|'); inner != std::string::npos) {
      if (known_subcommand(command.substr(0, inner), command.substr(inner + 1)))
        return bad_rule(rule, where, "a subcommand takes no first argument");
      return bad_rule(rule, where, "unknown command '" + shown_rule(command) + "'");
    }
    if (!known_command(command))
      return bad_rule(rule, where, "unknown command '" + shown_rule(command) + "'");
    if (sub.empty()) return bad_rule(rule, where, "nothing after '|'");
    if (has_subcommands(command) && !known_subcommand(command, sub)) {
      return bad_rule(
          rule, where,
          "unknown subcommand '" + shown_rule(sub) + "' of command '" + shown_rule(command) + "'");
    }
    return {};  // a subcommand, or a first argument of a command without any
  }
  if (is_module_command(command) && !sub.empty() && sub.find('|') == std::string::npos)
    return {};  // a module's subcommand: its table is the module's
  if (!known_subcommand(command, sub)) {
    return bad_rule(rule, where,
                    "'" + shown_rule(command + "|" + sub) +
                        "' is not a subcommand (a '-' rule takes a command or a subcommand, "
                        "not a first argument)");
  }
  return {};
}

// One rule of a selector (ACLSetSelector): commands, categories, keys,
// channels.
result<> check_selector_rule(std::string_view rule, selector_state& state,
                             const rule_place& where) {
  const std::string low = lowered(rule);
  if (low == "allkeys" || low == "~*") {
    state.all_keys = true;
    return {};
  }
  if (low == "resetkeys") {
    state.all_keys = false;
    return {};
  }
  if (low == "allchannels" || low == "&*") {
    state.all_channels = true;
    return {};
  }
  if (low == "resetchannels") {
    state.all_channels = false;
    return {};
  }
  if (low == "allcommands" || low == "+@all" || low == "nocommands" || low == "-@all") return {};
  if (rule.front() == '~' || rule.front() == '%') return check_key_rule(rule, state, where);
  if (rule.front() == '&') return check_channel_rule(rule, state, where);
  if ((rule.front() == '+' || rule.front() == '-') && rule.size() > 1 && rule[1] == '@') {
    const std::string category = low.substr(2);
    if (!acl_categories().contains(category))
      return bad_rule(rule, where, "unknown command category '" + shown_rule(category) + "'");
    return {};
  }
  if (rule.front() == '+' || rule.front() == '-') return check_command_rule(rule, where);
  if (rule.front() == '(') return bad_rule(rule, where, "selectors cannot be nested");
  if (low == "clearselectors")
    return bad_rule(rule, where, "'clearselectors' applies outside a selector only");
  return bad_rule(rule, where,
                  "not an ACL rule (+<command>, -<command>, +@<category>, ~<key pattern>, "
                  "&<channel pattern>, a keyword such as allkeys, or a selector '(…)')");
}

result<> check_any_rule(std::string_view rule, selector_state& state, const rule_place& where) {
  if (is_user_rule(rule)) {
    return bad_rule(rule, where,
                    "a rule of a Redis user (on, off, passwords, nopass, resetpass, reset, "
                    "sanitize-payload), not of a database ACL, which holds command, category, "
                    "key, channel and selector rules only");
  }
  if (std::any_of(rule.begin(), rule.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      }))
    return bad_rule(rule, where, "control characters are not allowed");
  return check_selector_rule(rule, state, where);
}

// A selector's rules: `words` from the one opening with '(' to the one
// closing with ')', each with its own selector state.
result<> check_selector(std::span<const std::string_view> words) {
  std::string text;
  for (const auto w : words) text += (text.empty() ? "" : " ") + std::string(w);
  const rule_place where{text};
  selector_state state;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view rule = words[i];
    if (i == 0) rule.remove_prefix(1);
    if (i + 1 == words.size()) rule.remove_suffix(1);
    if (rule.empty()) continue;
    if (auto ok = check_any_rule(rule, state, where); !ok) return ok;
  }
  return {};
}

}  // namespace

bool is_acl_category(std::string_view name) { return acl_categories().contains(lowered(name)); }

result<> check_acl_rules(std::string_view text) {
  const std::vector<std::string_view> words = split_rules(text);
  selector_state top;
  const rule_place at_top{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view rule = words[i];
    if (rule.front() == '(') {
      // ACLMergeSelectorArguments: a selector runs to the first rule that
      // ends with ')'.
      std::size_t last = i;
      while (last < words.size() && (words[last].back() != ')' || (last == i && rule.size() == 1)))
        ++last;
      if (last == words.size()) {
        return bad_rule(rule, at_top,
                        "the selector it opens is not closed: a selector is '(' + rules + ')'");
      }
      if (auto ok = check_selector(std::span(words).subspan(i, last - i + 1)); !ok) return ok;
      i = last;
      continue;
    }
    if (lowered(rule) == "clearselectors") continue;
    if (auto ok = check_any_rule(rule, top, at_top); !ok) return ok;
  }
  return {};
}

}  // namespace reemu
