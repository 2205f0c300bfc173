// HTTP header list shared by requests and responses: ordered, case-insensitive lookup.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rime {

/// ASCII case-insensitive comparison, as HTTP field names require.
bool iequals(std::string_view a, std::string_view b);

/// Ordered list of header fields. Lookups are linear: requests carry a dozen fields at most,
/// and a vector beats a map for that size.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  /// First value of `name`, or nullptr.
  const std::string* find(std::string_view name) const;
  std::string_view get(std::string_view name, std::string_view fallback = {}) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  /// Replaces every field called `name` with a single one.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace rime
