// Unit tests of the database ACL grammar (model/acl_rules.hpp): rule texts
// Redis's ACL SETUSER takes for what a user may run, and those it (or
// Redis Software) refuses, with the rule the message names.
#include "reemu/model/acl_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace reemu {
namespace {

struct valid_case {
  std::string_view text;
  std::string_view what;
};

// Texts that are ACLs: each passes.
constexpr valid_case valid_texts[] = {
    {"", "empty: an ACL that allows nothing"},
    {"   \t\n ", "white space only"},
    {"+@all ~*", "Full Access"},
    {"+@read ~*", "the old Read Only"},
    {"+@all -@dangerous ~*", "the old Not Dangerous"},
    {"~* +@geo", "the documentation's Geo"},
    {"+@read +FT.INFO +FT.SEARCH", "module commands by name"},
    {"+json.get +ts.add +bf.add +cf.add +cms.incrby +topk.add +tdigest.add", "more modules"},
    {"+@READ +GET -FlushDB ~App:*", "case does not matter for keywords and names"},
    {"allcommands allkeys allchannels", "the keyword forms"},
    {"nocommands resetkeys resetchannels", "the reset forms"},
    {"-@all +get ~key1", "a command on top of nothing"},
    {"+@search +@json +@timeseries +@bloom +@cuckoo +@cms +@topk +@tdigest", "module categories"},
    {"+@keyspace +@write +@set +@sortedset +@list +@hash +@string +@bitmap +@hyperloglog",
     "categories"},
    {"+@stream +@pubsub +@admin +@fast +@slow +@blocking +@connection +@transaction +@scripting",
     "more categories"},
    {"+config|get -config|set +client|list", "subcommands"},
    {"+select|0 +debug|object", "a first argument of a command without subcommands"},
    {"%R~app2* %W~logs:* %RW~shared:* ~app1*", "key permissions"},
    {"%wr~x", "flags in any order and case"},
    {"~", "an empty key pattern, as Redis takes it"},
    {"resetchannels &channel1 &channel2", "channels after resetchannels"},
    {"~* resetkeys ~only:*", "a key pattern after resetkeys"},
    {"&* resetchannels &news", "a channel after resetchannels"},
    {"+GET ~key1 (+SET ~key2)", "a selector"},
    {"+GET ~key1 (+SET ~key2) (%R~other* +@read)", "two selectors"},
    {"( +set ~a )", "a selector with spaces inside its parentheses"},
    {"()", "an empty selector"},
    {"~* (~* +get)", "each selector has its own ~*"},
    {"(+set ~a) clearselectors +get", "clearselectors outside a selector"},
    {"+reset +hgetex +vadd +xackdel", "commands newer than the table's source"},
    {"-ft.config|set", "a module command's subcommand"},
};

TEST(acl_rules, texts_redis_takes_are_valid) {
  for (const auto& c : valid_texts) {
    const auto ok = check_acl_rules(c.text);
    EXPECT_TRUE(ok) << c.what << ": \"" << c.text << "\": " << ok.error().description;
  }
}

struct invalid_case {
  std::string_view text;
  std::string_view rule;  // the rule the message names
  std::string_view why;   // a part of the message
};

// Texts that are not: each fails with invalid_param naming the rule.
constexpr invalid_case invalid_texts[] = {
    {"+@read +gett", "+gett", "unknown command 'gett'"},
    {"-nosuch", "-nosuch", "unknown command 'nosuch'"},
    {"+", "+", "unknown command ''"},
    {"+@nosuch ~*", "+@nosuch", "unknown command category 'nosuch'"},
    {"-@", "-@", "unknown command category ''"},
    {"+config|nosuch", "+config|nosuch", "unknown subcommand 'nosuch' of command 'config'"},
    {"+config|", "+config|", "nothing after '|'"},
    {"+config|get|x", "+config|get|x", "a subcommand takes no first argument"},
    {"+nosuch|x", "+nosuch|x", "unknown command 'nosuch'"},
    {"-select|0", "-select|0", "not a subcommand"},
    {"on +@all ~*", "on", "a rule of a Redis user"},
    {"+@all OFF", "OFF", "a rule of a Redis user"},
    {">secret +@all", ">secret", "a rule of a Redis user"},
    {"<secret", "<secret", "a rule of a Redis user"},
    {"#5e884898da28047151d0e56f8dc62927", "#5e884898da28047151d0e56f8dc62927",
     "a rule of a Redis user"},
    {"!abc", "!abc", "a rule of a Redis user"},
    {"nopass", "nopass", "a rule of a Redis user"},
    {"resetpass", "resetpass", "a rule of a Redis user"},
    {"reset", "reset", "a rule of a Redis user"},
    {"skip-sanitize-payload", "skip-sanitize-payload", "a rule of a Redis user"},
    {"~* ~app:*", "~app:*", "has no effect; put 'resetkeys' before it"},
    {"allkeys %R~x", "%R~x", "has no effect"},
    {"&* &news", "&news", "has no effect; put 'resetchannels' before it"},
    {"%~x", "%~x", "%R~, %W~ or %RW~"},
    {"%RR~x", "%RR~x", "%R~, %W~ or %RW~"},
    {"%X~x", "%X~x", "%R~, %W~ or %RW~"},
    {"%RW", "%RW", "%R~, %W~ or %RW~"},
    {"~(x)", "~(x)", "may not contain '(' or ')'"},
    {"&ch)", "&ch)", "may not contain '(' or ')'"},
    {"+get (+set ~a", "(+set", "is not closed"},
    {"(+set (+get) ~a)", "(+get", "selectors cannot be nested"},
    {"(+set clearselectors)", "clearselectors", "outside a selector only"},
    {"(on +get)", "on", "a rule of a Redis user"},
    {"(+get ~a ~b) (~* ~c)", "~c", "has no effect"},
    {"(+nosuch)", "+nosuch", "unknown command 'nosuch'"},
    {"allkey", "allkey", "not an ACL rule"},
    {"+get )", ")", "not an ACL rule"},
    {"read", "read", "not an ACL rule"},
    {"~a\x01"
     "b",
     "~a\x01"
     "b",
     "control characters"},
};

TEST(acl_rules, bad_rules_are_refused_naming_the_rule) {
  for (const auto& c : invalid_texts) {
    SCOPED_TRACE(std::string(c.text));
    const auto ok = check_acl_rules(c.text);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().error, api_error::invalid_param);
    const std::string& message = ok.error().description;
    EXPECT_NE(message.find("'" + std::string(c.rule) + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.why), std::string::npos) << message;
  }
}

TEST(acl_rules, the_first_bad_rule_is_named) {
  const auto ok = check_acl_rules("+get +bad1 +bad2");
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().description.find("'+bad1'"), std::string::npos);
  EXPECT_EQ(ok.error().description.find("bad2"), std::string::npos);
}

TEST(acl_rules, a_rule_inside_a_selector_names_the_selector_too) {
  const auto ok = check_acl_rules("+get (+set +gett ~a)");
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().description,
            "Invalid ACL rule '+gett' in selector '(+set +gett ~a)': unknown command 'gett'");
}

TEST(acl_rules, a_long_rule_is_cut_short_in_the_message) {
  const std::string rule = "+" + std::string(5000, 'x');
  const auto ok = check_acl_rules(rule);
  ASSERT_FALSE(ok);
  EXPECT_LT(ok.error().description.size(), 300u);
  EXPECT_NE(ok.error().description.find("..."), std::string::npos);
}

TEST(acl_rules, categories_are_known_in_any_case) {
  for (std::string_view name : {"read", "WRITE", "all", "Dangerous", "search", "tdigest"})
    EXPECT_TRUE(is_acl_category(name)) << name;
  for (std::string_view name : {"", "reads", "@read", "modules"})
    EXPECT_FALSE(is_acl_category(name)) << name;
}

}  // namespace
}  // namespace reemu
