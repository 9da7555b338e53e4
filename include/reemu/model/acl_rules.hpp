// The grammar of a database ACL: the `acl` text of /v1/redis_acls, a list of
// Redis ACL rules ("+@read ~app:* -flushdb (+set ~cache:*)") checked the way
// Redis's ACL SETUSER reads them (src/acl.c: ACLSetUser, ACLSetSelector,
// ACLMergeSelectorArguments), with the limits Redis Software documents for
// its ACLs (security/access-control/redis-acl-overview).
//
// Rules are separated by whitespace; a selector "(…)" may span several. Each
// rule is one of:
//
//   +<command>, -<command>       a command Redis knows, or a module command
//                                (<module>.<name>, e.g. FT.SEARCH)
//   +<command>|<sub>             a subcommand (+config|get), or the first
//                                argument of a command without subcommands
//                                (+select|0); -<command>|<sub> only for
//                                subcommands, as in Redis
//   +@<category>, -@<category>   a category Redis or its modules define
//   allcommands, nocommands      +@all, -@all
//   ~<pattern>, %R~, %W~, %RW~   key patterns; allkeys (~*), resetkeys
//   &<pattern>                   channel patterns; allchannels (&*),
//                                resetchannels
//   (<rules>)                    a selector of the rules above
//   clearselectors               outside a selector only
//
// Refused, beyond what Redis refuses: the rules that belong to a Redis user
// rather than to what it may do (on, off, passwords >x <x #h !h, nopass,
// resetpass, reset, sanitize-payload, skip-sanitize-payload: a database ACL
// is given to the cluster's users, which the cluster enables and
// authenticates itself), nested selectors, and '(' or ')' in a pattern
// (both refused by Redis Software). Like Redis: keyword case does not
// matter, and a key (channel) pattern after ~* (&*) in the same selector is
// an error, since it has no effect.
//
// Pure functions over text; no locking.
#pragma once

#include <string_view>

#include "reemu/model/errors.hpp"

namespace reemu {

// Checks `text` rule by rule. Fails with invalid_param (400) naming the
// first bad rule and what is wrong with it; an empty text is valid (an ACL
// that allows nothing).
result<> check_acl_rules(std::string_view text);

// Whether `name` (any case) is a command category Redis or one of the
// modules Redis Software ships defines ("read", "dangerous", "search", …;
// "all" included).
bool is_acl_category(std::string_view name);

}  // namespace reemu
