// Unit tests for the request-error vocabulary (src/model/errors.cpp): the
// result<T> shape every fallible call returns, and what it converts from.
#include "reemu/model/errors.hpp"

#include <gtest/gtest.h>

#include <type_traits>

#include "reemu/model/model.hpp"

namespace reemu {
namespace {

// Not an aggregate: otherwise a json (which converts to api_error) would
// build a failure, and result<json> would take a json for its error.
static_assert(!std::is_constructible_v<failure, json>);
static_assert(!std::is_constructible_v<json, failure>);
static_assert(std::is_convertible_v<json, result<json>>);
static_assert(std::is_convertible_v<failure, result<json>>);
static_assert(std::is_convertible_v<failure, result<>>);

result<json> body_or_failure(bool fail) {
  if (fail) return failure{api_error::invalid_value, "bad body"};
  return json{{"k", 1}};
}

result<> check(bool fail) {
  if (fail) return failure{api_error::busy, "busy"};
  return {};
}

// The idiom: a result<> passes its failure up as error().
result<json> checked_body(bool fail_check) {
  if (auto ok = check(fail_check); !ok) return ok.error();
  return body_or_failure(false);
}

TEST(errors, a_result_holds_a_value_or_a_failure) {
  const auto body = body_or_failure(false);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->at("k"), 1);
  const auto bad = body_or_failure(true);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().error, api_error::invalid_value);
  EXPECT_EQ(bad.error().description, "bad body");
  EXPECT_TRUE(check(false));
  EXPECT_FALSE(check(true));
  const auto passed = checked_body(true);
  ASSERT_FALSE(passed);
  EXPECT_EQ(passed.error().error, api_error::busy);
  EXPECT_TRUE(checked_body(false));
  // A JSON string is a value, whatever it says.
  const result<json> text = json("invalid_value");
  EXPECT_TRUE(text);
}

TEST(errors, value_of_a_failure_throws_bad_result_access) {
  EXPECT_THROW((void)body_or_failure(true).value(), bad_result_access);
  EXPECT_THROW(check(true).value(), bad_result_access);
  EXPECT_NO_THROW(check(false).value());
}

}  // namespace
}  // namespace reemu
