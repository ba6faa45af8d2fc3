// current_error.cpp - exceptions to Errors (current_error.h).
#include "current_error.h"

#include <xapian.h>

#include <filesystem>
#include <new>

namespace atlas::detail {

// Xapian::Error has no virtual functions, so dynamic_cast does not work on it;
// ordered catch clauses do, most specific first.
Error current_error() {
    try {
        throw;
    } catch (const Xapian::QueryParserError& e) {
        return {Errc::invalid_query, e.get_msg()};
    } catch (const Xapian::WildcardError&) {
        return {Errc::invalid_query, "a prefix matches too many values; type more of it"};
    } catch (const Xapian::DatabaseCorruptError& e) {
        return {Errc::corrupt, e.get_description()};
    } catch (const Xapian::DatabaseLockError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::DatabaseModifiedError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::DatabaseOpeningError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::DatabaseError& e) {
        return {Errc::io, e.get_description()};
    } catch (const Xapian::Error& e) {
        return {Errc::internal, e.get_description()};
    } catch (const std::filesystem::filesystem_error& e) {
        return {Errc::io, e.what()};
    } catch (const std::bad_alloc&) {
        return {Errc::internal, "out of memory"};
    } catch (const std::exception& e) {
        return {Errc::internal, e.what()};
    } catch (...) {
        return {Errc::internal, "an unexpected exception"};
    }
}

}  // namespace atlas::detail
