// htan_adapter.h - (being written)
#pragma once

#include <filesystem>
#include <memory>

#include "adapter.h"

namespace atlas::detail {

std::unique_ptr<Adapter> make_htan_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
