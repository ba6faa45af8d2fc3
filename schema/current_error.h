// schema/current_error.h - the one place where exceptions become atlas::Error.
//
// Inside the libraries Xapian, the standard library and fmt may throw; every
// public function ends in `catch (...) { return current_error(); }`, so both
// sides report the same failure with the same code.
#pragma once

#include "atlas/error.h"

namespace atlas::detail {

// The exception being handled, as an Error whose code says what to do next.
// Call only from inside a catch block.
Error current_error();

}  // namespace atlas::detail
