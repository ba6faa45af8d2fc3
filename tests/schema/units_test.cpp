// Tests for schema/units.cpp: number parsing, unit spellings and conversion.
#include "schema/units.h"

#include <doctest/doctest.h>

using namespace atlas;

TEST_CASE("parse_number_text reads numbers with optional units and rejects the rest") {
    auto n = parse_number_text("13.48");
    REQUIRE(n);
    CHECK(n->value == doctest::Approx(13.48));
    CHECK(n->unit.empty());
    n = parse_number_text(" 300 kV ");
    REQUIRE(n);
    CHECK(n->value == 300);
    CHECK(n->unit == "kV");
    n = parse_number_text("-60°");
    REQUIRE(n);
    CHECK(n->value == -60);
    CHECK(n->unit == "°");
    n = parse_number_text("1e-3m");
    REQUIRE(n);
    CHECK(n->value == doctest::Approx(0.001));
    CHECK(n->unit == "m");
    n = parse_number_text("2eV");  // "e" not followed by digits is the unit's letter
    REQUIRE(n);
    CHECK(n->value == 2);
    CHECK(n->unit == "eV");
    CHECK_FALSE(parse_number_text(""));
    CHECK_FALSE(parse_number_text("abc"));
    CHECK_FALSE(parse_number_text("nan"));
    CHECK_FALSE(parse_number_text("inf"));
    CHECK_FALSE(parse_number_text("12 and 13"));
    CHECK_FALSE(parse_number_text("2023-XX-XX"));
}

TEST_CASE("units convert to canonical units in every accepted spelling, including three micros") {
    const Unit* angstrom = find_unit("Å");
    REQUIRE(angstrom != nullptr);
    CHECK(to_canonical(13.48, *angstrom) == doctest::Approx(1.348e-9));
    CHECK(find_unit("\u212B") == angstrom);  // the angstrom sign
    CHECK(find_unit("A") == angstrom);
    CHECK(find_unit("µm") == find_unit("μm"));
    CHECK(find_unit("um") == find_unit("µm"));
    CHECK(to_canonical(1, *find_unit("nm")) == doctest::Approx(to_canonical(10, *angstrom)));
    CHECK(to_canonical(300, *find_unit("kV")) == doctest::Approx(300000));
    CHECK(to_canonical(0, *find_unit("°C")) == doctest::Approx(273.15));
    CHECK(from_canonical(to_canonical(13.48, *angstrom), *angstrom) == doctest::Approx(13.48));
    CHECK(find_unit("furlong") == nullptr);
    CHECK(canonical_unit(Dimension::length)->symbol == "m");
}

TEST_CASE("every micro unit takes the micro sign, the Greek mu and a plain u") {
    for (std::string_view base : {"m", "s"}) {
        auto with = [&](std::string_view micro) { return std::string(micro).append(base); };
        const Unit* sign = find_unit(with("\u00B5"));
        REQUIRE(sign != nullptr);
        CHECK(find_unit(with("\u03BC")) == sign);
        CHECK(find_unit(with("u")) == sign);
    }
    CHECK(to_canonical(50000, *find_unit("\u03BCs")) == doctest::Approx(0.05));
    // 'u' alone, or before something that is no unit, is still unknown.
    CHECK(find_unit("u") == nullptr);
    CHECK(find_unit("ufurlong") == nullptr);
}

TEST_CASE("format_number and round_for_display hide conversion noise") {
    CHECK(format_number(300) == "300");
    CHECK(format_number(13.48) == "13.48");
    CHECK(format_number(from_canonical(to_canonical(13.48, *find_unit("Å")), *find_unit("Å"))) ==
          "13.48");
    CHECK(format_number(-84.7) == "-84.7");
    CHECK(round_for_display(13.479999999999999) == 13.48);
}
