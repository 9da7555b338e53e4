// Request errors as HTTP statuses.
#include "reemu/http/errors.hpp"

namespace reemu {

boost::beast::http::status status_of(api_error e) noexcept {
  return static_cast<boost::beast::http::status>(status_code_of(e));
}

}  // namespace reemu
