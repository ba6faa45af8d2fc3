// error.cpp - names of error codes.
#include "atlas/error.h"

namespace atlas {

const char* errc_name(Errc code) {
    switch (code) {
        case Errc::invalid_request:
            return "invalid_request";
        case Errc::invalid_query:
            return "invalid_query";
        case Errc::not_found:
            return "not_found";
        case Errc::unavailable:
            return "unavailable";
        case Errc::schema_mismatch:
            return "schema_mismatch";
        case Errc::corrupt:
            return "corrupt";
        case Errc::io:
            return "io";
        case Errc::internal:
            return "internal";
    }
    return "internal";
}

}  // namespace atlas
