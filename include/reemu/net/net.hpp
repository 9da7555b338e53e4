// Namespace aliases for Boost.Asio and Boost.Beast, in one place so every file
// spells them the same way. Only the aliases: each file includes the Asio and
// Beast headers it uses (the namespaces are declared here so the aliases need
// none of them).
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace boost::asio::ssl {}
namespace boost::beast::http {}

namespace reemu {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
}  // namespace reemu
