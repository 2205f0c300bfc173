// rime-fuzz-replay: the fuzz targets without libFuzzer, for the regular test suite. Runs every
// file under the given paths (files or folders, recursively) through one target and exits 0 when
// none crashed; a crash aborts with the sanitizer's or the invariant's report, like the fuzzer.
//
//   rime-fuzz-replay <target> <file-or-dir>...
//   rime-fuzz-replay --list
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.h"

namespace rime::fuzz {
namespace {

std::map<std::string, TargetFn>& targets() {
  static std::map<std::string, TargetFn> all;
  return all;
}

}  // namespace

Registrar::Registrar(const char* name, TargetFn fn) { targets()[name] = fn; }

}  // namespace rime::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  auto& targets = rime::fuzz::targets();
  if (argc == 2 && std::string(argv[1]) == "--list") {
    for (const auto& [name, fn] : targets) std::printf("%s\n", name.c_str());
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <target> <file-or-dir>... | --list\n", argv[0]);
    return 2;
  }
  auto it = targets.find(argv[1]);
  if (it == targets.end()) {
    std::fprintf(stderr, "unknown fuzz target '%s' (--list shows them)\n", argv[1]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 2; i < argc; ++i) {
    fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(p))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "no such file or folder: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", file.c_str());
    it->second(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%s: %zu input(s) replayed, no crash\n", argv[1], files.size());
  return 0;
}
