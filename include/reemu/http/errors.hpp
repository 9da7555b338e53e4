// The HTTP face of request errors (model/errors.hpp): the status each
// api_error answers with.
#pragma once

#include <boost/beast/http/status.hpp>
#include <ostream>  // boost/core/detail/string_view.hpp needs it complete

#include "reemu/model/errors.hpp"

namespace reemu {

// Returns the HTTP status of `e`.
boost::beast::http::status status_of(api_error e) noexcept;

}  // namespace reemu
