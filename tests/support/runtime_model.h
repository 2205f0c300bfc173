// A service's shape model loaded at run time from the JSON that
// smithy-gen/gen_runtime_models.py writes (its docstring describes the format): the conformance
// echo (tests/conformance/ECHO.md) runs every service's protocol codecs without generated C++.
// Test-only; rime itself uses the constant tables smithy-gen emits.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/model.h"

namespace rime::testing {

/// Owns every table and string a proto::ServiceModel points into. Not copyable or movable
/// (the model's spans point into it); held by unique_ptr.
class RuntimeModel {
 public:
  /// Parses one runtime model document. Strict: an unknown key, a wrong type, an index out of
  /// range, unsorted operations or a service missing from the catalog is an error. Returns null
  /// and sets `error` on failure.
  static std::unique_ptr<RuntimeModel> parse(std::string_view json, std::string& error);
  /// Reads and parses a file (see parse); the error names the file.
  static std::unique_ptr<RuntimeModel> load_file(const std::string& path, std::string& error);

  RuntimeModel(const RuntimeModel&) = delete;
  RuntimeModel& operator=(const RuntimeModel&) = delete;

  const proto::ServiceModel& model() const { return model_; }

 private:
  RuntimeModel() = default;
  friend class RuntimeModelLoader;

  std::deque<std::string> strings_;  // the string arena: deque elements never move
  std::vector<proto::Shape> shapes_;
  std::vector<proto::Member> members_;
  std::vector<std::string_view> enum_values_;
  std::vector<std::int64_t> int_enum_values_;
  std::vector<proto::ShapeIndex> indices_;  // operation errors, then service errors
  std::vector<proto::Operation> operations_;
  proto::ServiceModel model_{};
};

}  // namespace rime::testing
