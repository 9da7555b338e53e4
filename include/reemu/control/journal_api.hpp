// GET /emulator/v1/requests: its query parameters and its body, kept with
// the journal so the route handler stays a three-line call.
#pragma once

#include <boost/url/params_view.hpp>
#include <optional>

#include "reemu/http/errors.hpp"
#include "reemu/model/journal.hpp"
#include "reemu/model/model.hpp"

namespace reemu {

// Fills `filter` from method, path, user, status, limit and after. Returns
// the 400 to answer for an unknown parameter, a malformed number, a status
// outside 100-599, a limit above max_journal_page, or a path pattern longer
// than max_pattern_length.
std::optional<failure> parse_journal_query(boost::urls::params_view query, journal_filter& filter);

// {"requests":[…],"more":bool,"next_after":N}; see journal_page.
json journal_page_body(const journal_page& page);

}  // namespace reemu
