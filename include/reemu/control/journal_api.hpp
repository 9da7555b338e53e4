// The control API's journal room (/emulator/v1/requests): what clients
// asked and were answered, paged and filtered.
#pragma once

#include <boost/url/params_view.hpp>
#include <vector>

#include "reemu/http/errors.hpp"
#include "reemu/http/router.hpp"
#include "reemu/model/model.hpp"
#include "reemu/state/journal.hpp"

namespace reemu {

// The filter that method, path, user, status, limit and after ask for; or
// the 400 to answer for an unknown parameter, a malformed number, a status
// outside 100-599, a limit above max_journal_page, or a path pattern longer
// than max_pattern_length.
result<journal_filter> parse_journal_query(boost::urls::params_view query);

// {"requests":[…],"more":bool,"next_after":N}; see journal_page.
json journal_page_body(const journal_page& page);

reply get_requests(const request_context& ctx,
                   reemu::journal& requests);  // GET    /emulator/v1/requests
reply clear_requests(const request_context&,
                     reemu::journal& requests);  // DELETE /emulator/v1/requests

// The room's route table: every route is control_api_access.
std::vector<route> control_journal_routes();

}  // namespace reemu
