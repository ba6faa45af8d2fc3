// scales_data.h - the rating scale CSV files, embedded by the build (schema/scales/*.csv).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace atlas::detail {

// (scale name, CSV text) for every file in schema/scales, sorted by name.
const std::vector<std::pair<std::string_view, std::string_view>>& scale_csv_files();

}  // namespace atlas::detail
