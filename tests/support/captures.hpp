// The golden data: real cluster answers kept once in tests/data/ (see its
// README) and read by every test that needs them.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace reemu::test {

// The contents of tests/data/<file> without its trailing newline. Throws
// std::runtime_error naming the file when it cannot be read, so a missing
// file fails the test that wanted it.
const std::string& capture(std::string_view file);

// The individual objects of the captures the specification quotes.
const std::string& task_capture();              // the retry_bdb task of actions_list.json
const std::string& created_sm_capture();        // the SMCreateBDB of actions_list.json
const std::string& delete_sm_capture();         // sm_delete_active.json
const std::string& action_not_found_capture();  // action_not_found.json

// The whole file at `path` ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// node_single.json as the emulator shows that node under the default version
// profile: its software_version the newest profile's build (the capture's,
// 100.0.21-16135, is a pre-release build no profile presents).
const std::string& released_node_capture();

}  // namespace reemu::test
