// unprivileged.h - running a built tool as a user whom permission bits stop.
//
// The tests and CI run as root, and root reads a folder whatever its mode, so
// a test of an unreadable folder runs the tool as uid and gid 65534 instead.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace atlas::test {

struct UnprivilegedRun {
    CommandResult result;
    std::string skipped;  // why it did not run (root could not drop its privileges), or empty
};

// Runs `tool` with `args`: as root in a child process that drops to uid and
// gid 65534 (no supplementary groups) first, otherwise as this user.
UnprivilegedRun run_tool_unprivileged(const std::string& tool, const std::vector<std::string>& args);

// Gives `dir` and the tree under it to the user run_tool_unprivileged runs as,
// so only the modes a test sets stop it.  Nothing to do unless root.
void share_with_unprivileged(const std::filesystem::path& dir);

}  // namespace atlas::test
