// build_stages.cpp - StageClock.
#include "build_stages.h"

namespace atlas::detail {

void StageClock::add(std::string_view name, double seconds, unsigned threads, bool concurrent) {
    for (auto& s : stages_) {
        if (s.name == name) {
            s.seconds += seconds;
            return;
        }
    }
    stages_.push_back(BuildStage{std::string(name), seconds, threads, concurrent});
}

double StageClock::seconds(std::string_view name) const {
    for (const auto& s : stages_) {
        if (s.name == name) return s.seconds;
    }
    return 0;
}

}  // namespace atlas::detail
