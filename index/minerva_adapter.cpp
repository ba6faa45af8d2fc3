// minerva_adapter.cpp - (being written)
#include "minerva_adapter.h"

namespace atlas::detail {
namespace {

class Stub final : public Adapter {
  public:
    std::string_view name() const override { return "minerva"; }
    std::uint64_t estimate() override { return 0; }
    Status read(RecordSink&) override { return {}; }
};

}  // namespace

std::unique_ptr<Adapter> make_minerva_adapter(const std::filesystem::path&) {
    return std::make_unique<Stub>();
}

}  // namespace atlas::detail
