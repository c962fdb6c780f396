// Micro-benchmark of keyed state (not a test): ValueState put/get and
// ListState add/get on a fresh instance in a temp dir. Run:
// build/tests/state/state_bench. Results in docs/ENGINE.md.

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "base/file_system.h"
#include "state/keyed_state_backend.h"

int main() {
  using namespace rtai::state;
  std::string dir = "/tmp/rtai_state_bench_XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return 1;
  double results[4];
  {
    KeyedStateOptions o;
    o.dir = dir + "/db";
    auto backend = std::move(*KeyedStateBackend::Open(o));
    auto v = std::move(*backend->GetValueState("op", {"v"}));
    auto l = std::move(*backend->GetListState("op", {"l"}));
    constexpr int kN = 200000;
    auto time = [](auto&& f) {
      const auto start = std::chrono::steady_clock::now();
      f();
      return std::chrono::duration<double, std::nano>(
                 std::chrono::steady_clock::now() - start)
                 .count() /
             kN;
    };
    std::string out;
    results[0] = time([&] {
      for (int i = 0; i < kN; ++i) {
        if (!v->Put("key" + std::to_string(i % 10000), "w", "value-bytes").ok())
          abort();
      }
    });
    results[1] = time([&] {
      for (int i = 0; i < kN; ++i) {
        if (!v->Get("key" + std::to_string(i % 10000), "w", &out).ok()) abort();
      }
    });
    results[2] = time([&] {
      for (int i = 0; i < kN; ++i) {
        if (!l->Add("key" + std::to_string(i % 10000), "w", "element").ok())
          abort();
      }
    });
    results[3] = time([&] {
      for (int i = 0; i < kN; ++i) {
        if (!l->Get("key" + std::to_string(i % 10000), "w").ok()) abort();
      }
    });
  }
  (void)rtai::DefaultFileSystem()->DeleteDirRecursive(dir);
  std::printf(
      "ValueState put %.0f ns, get %.0f ns; ListState add %.0f ns, get (20 "
      "elements) %.0f ns\n",
      results[0], results[1], results[2], results[3]);
  return 0;
}
