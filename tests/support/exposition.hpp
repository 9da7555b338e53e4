// A reader of the Prometheus text exposition format (0.0.4) for the tests
// of the cluster's exporter: samples with their labels, and the HELP and
// TYPE lines, with the format's rules checked as it reads (a failure names
// the line).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace reemu::test {

struct exposition_sample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

struct exposition {
  std::vector<exposition_sample> samples;
  std::map<std::string, std::string> types;  // family -> counter, gauge, …
  std::map<std::string, std::string> helps;

  // The samples of `name` whose labels include every pair of `match`.
  std::vector<exposition_sample> find(const std::string& name,
                                      const std::map<std::string, std::string>& match = {}) const {
    std::vector<exposition_sample> out;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : match) {
        const auto it = s.labels.find(k);
        all = all && it != s.labels.end() && it->second == v;
      }
      if (all) out.push_back(s);
    }
    return out;
  }

  // The one sample of `name` with `match`; a failure and 0 unless exactly one.
  double value(const std::string& name, const std::map<std::string, std::string>& match) const {
    const auto found = find(name, match);
    EXPECT_EQ(found.size(), 1u) << name;
    return found.size() == 1 ? found[0].value : 0;
  }
};

inline bool exposition_name_ok(std::string_view n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (const char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  return true;
}

// Reads `text`; every sample must follow its family's HELP and TYPE, each
// family's lines together, each family once.
inline exposition parse_exposition(const std::string& text) {
  exposition out;
  std::set<std::string> closed;  // families whose samples ended
  std::string current;
  std::size_t pos = 0;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the text ends with a newline";
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      const auto space = rest.find(' ');
      const std::string name = rest.substr(0, space);
      EXPECT_TRUE(exposition_name_ok(name)) << line;
      EXPECT_FALSE(closed.contains(name)) << "family seen twice: " << line;
      if (name != current && !current.empty()) closed.insert(current);
      current = name;
      auto& slot = line[2] == 'H' ? out.helps[name] : out.types[name];
      EXPECT_TRUE(slot.empty()) << "repeated: " << line;
      slot = space == std::string::npos ? "" : rest.substr(space + 1);
      continue;
    }
    EXPECT_FALSE(line.empty() || line[0] == '#') << "unexpected line: " << line;
    exposition_sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    EXPECT_EQ(s.name, current) << "a sample outside its family: " << line;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const auto eq = line.find('=', i);
        const std::string key = line.substr(i, eq - i);
        EXPECT_TRUE(exposition_name_ok(key)) << line;
        EXPECT_EQ(line.at(eq + 1), '"') << line;
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            const char next = line.at(++j);
            EXPECT_TRUE(next == '\\' || next == '"' || next == 'n') << line;
            value += next == 'n' ? '\n' : next;
          } else {
            value += line[j];
          }
        }
        EXPECT_TRUE(s.labels.emplace(key, value).second) << "repeated label: " << line;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;
    }
    EXPECT_EQ(line.at(i), ' ') << line;
    const std::string number = line.substr(i + 1);
    char* stop = nullptr;
    s.value = std::strtod(number.c_str(), &stop);
    EXPECT_TRUE(stop != nullptr && *stop == '\0' && !number.empty()) << line;
    EXPECT_TRUE(out.types.contains(s.name) && out.helps.contains(s.name)) << line;
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace reemu::test
