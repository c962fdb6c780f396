#pragma once
// Helpers for the ML tests: temp dirs, whole-file reads, running the Python
// fixture generators with /usr/bin/python3.

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rtai::ml::testing {

inline std::string SourceDir() { return RTAI_SOURCE_DIR; }

inline std::string MakeTempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const char* dir = mkdtemp(buf.data());
  EXPECT_NE(dir, nullptr);
  return dir == nullptr ? "" : std::string(dir);
}

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename T>
std::vector<T> ReadVector(const std::string& path) {
  const std::string bytes = ReadFileOrDie(path);
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

// Runs engine/ml/python/<script> with args; returns the exit status.
inline int RunPython(const std::string& script, const std::string& args) {
  const std::string cmd = "/usr/bin/python3 " + SourceDir() +
                          "/engine/ml/python/" + script + " " + args;
  return std::system(cmd.c_str());
}

// Runs a fixture generator once per script version and shares its output
// between test processes: output goes to a private temp dir that is then
// renamed (atomically) to /tmp/rtai_ml_<script>_<hash of script text>; a
// concurrent loser discards its copy. Returns the directory, "" on failure.
inline std::string CachedFixtures(const std::string& script) {
  const std::string text =
      ReadFileOrDie(SourceDir() + "/engine/ml/python/" + script);
  const std::string dir = "/tmp/rtai_ml_" + script + "_" +
                          std::to_string(std::hash<std::string>()(text));
  if (std::ifstream(dir + "/cases.txt").good() ||
      std::ifstream(dir + "/done").good()) {
    return dir;
  }
  const std::string tmp = MakeTempDir("rtai_ml_gen_");
  if (RunPython(script, tmp) != 0) return "";
  std::ofstream(tmp + "/done") << "ok\n";
  if (std::rename(tmp.c_str(), dir.c_str()) != 0) {
    std::system(("rm -rf '" + tmp + "'").c_str());  // another process won
  }
  return std::ifstream(dir + "/done").good() ? dir : "";
}

inline void RemoveDir(const std::string& dir) {
  if (dir.rfind("/tmp/", 0) == 0) {
    std::system(("rm -rf '" + dir + "'").c_str());
  }
}

}  // namespace rtai::ml::testing
