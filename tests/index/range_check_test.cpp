// Tests for index/range_check.cpp: numbers against their field's plausible range.
#include "range_check.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "adapters/collect_sink.h"
#include "schema/units.h"

using namespace atlas;
using detail::check_ranges;
using detail::range_problem;

namespace {

// A number as an adapter adds it: canonical value, the text and unit written.
Value number(std::string_view field, double written, std::string_view unit = "",
             Origin origin = Origin::own) {
    Record r;
    const Unit* u = find_unit(unit);
    r.add_number(field, u != nullptr ? to_canonical(written, *u) : written,
                 format_number(written), unit, origin);
    REQUIRE(r.values.size() == 1);
    return r.values[0];
}

// A value built by hand, as a records file or a future adapter could.
Value raw(std::string_view field, double canonical, std::string_view text) {
    Value v;
    v.field = field;
    v.number = canonical;
    v.text = text;
    return v;
}

std::optional<std::string> problem(const Value& v) {
    const FieldSpec* spec = find_field(v.field);
    REQUIRE(spec != nullptr);
    return range_problem(*spec, v);
}

}  // namespace

TEST_CASE("values a real portal writes are within their fields' ranges") {
    CHECK_FALSE(problem(number("quality", 1)));
    CHECK_FALSE(problem(number("quality", 5)));
    CHECK_FALSE(problem(number("acceleration_voltage", 300000, "V")));
    CHECK_FALSE(problem(number("voxel_spacing", 13.48, "Å")));
    CHECK_FALSE(problem(number("pixel_spacing", 45.12, "µm")));
    CHECK_FALSE(problem(number("tilt_min", -70, "°")));
    CHECK_FALSE(problem(number("age", 32849, "d")));
    CHECK_FALSE(problem(number("collection_day", -30, "d")));
    CHECK_FALSE(problem(number("body_height", 1.79, "m")));
    CHECK_FALSE(problem(number("sample_temperature", 20, "celsius")));
    CHECK_FALSE(problem(number("photon_energy", 930, "eV")));
    CHECK_FALSE(problem(number("file_size", 0, "B")));
}

TEST_CASE("issue 19's values are outside and the message quotes each as written") {
    CHECK(problem(number("quality", 97)) ==
          "'97' is outside the plausible range 1 to 5; indexed as written");
    CHECK(problem(number("quality", -9.2e18)) ==
          "'-9.2e+18' is outside the plausible range 1 to 5; indexed as written");
    CHECK(problem(number("acceleration_voltage", 1.2e29, "V")) ==
          "'1.2e+29 V' is outside the plausible range 5 to 3000 kV; indexed as written");
    // An adapter's -0 reaches the record as 0 (format_number drops the sign,
    // and so does the unit conversion); a record that kept it says so.
    CHECK(problem(number("voxel_spacing", -0.0, "Å")) ==
          "'0 Å' is outside the plausible range 0.1 to 100000 Å; indexed as written");
    CHECK(problem(raw("voxel_spacing", -0.0, "-0")) ==
          "'-0' is outside the plausible range 0.1 to 100000 Å; indexed as written");
}

TEST_CASE("bounds are compared in the field's display unit and are included") {
    CHECK_FALSE(problem(number("acceleration_voltage", 3, "MV")));
    CHECK(problem(number("acceleration_voltage", 3.1, "MV")));
    CHECK_FALSE(problem(number("voxel_spacing", 10, "µm")));
    CHECK(problem(number("voxel_spacing", 0.009, "nm")));
    CHECK(problem(number("age", 126, "y")));
    CHECK(problem(number("collection_day", 99999999, "d")) ==
          "'99999999 d' is outside the plausible range -45625 to 45625 d; indexed as written");
}

TEST_CASE("NaN and infinities are outside every range") {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    constexpr double kInf = std::numeric_limits<double>::infinity();
    CHECK(problem(raw("tilt_axis", kNaN, "nan")) ==
          "'nan' is outside the plausible range -360 to 360 °; indexed as written");
    CHECK(problem(raw("tilt_axis", kInf, "inf")));
    CHECK(problem(raw("tilt_axis", -kInf, "-inf")));
    CHECK(problem(raw("precision", kNaN, "")) ==
          "'nan' is outside the plausible range 0 to 1; indexed as written");
}

TEST_CASE("a minus sign is refused where a field cannot be negative, and -0 with it") {
    // In the number, or only in the text (a unit's offset turns -0.0 into +0.0).
    CHECK(problem(raw("file_size", -0.0, "-0")));
    CHECK(problem(raw("file_size", 0.0, "-0")));
    CHECK(problem(raw("object_count", -0.0, "")));
    CHECK(problem(raw("sample_pressure", 0.0, "-0.0")));
    CHECK_FALSE(problem(raw("file_size", 0.0, "0")));
    // A field with negative values takes -0 as 0.
    CHECK_FALSE(problem(number("tilt_min", -0.0, "°")));
    CHECK_FALSE(problem(number("spherical_aberration", -0.0, "mm")));
    // A unit whose zero is not the field's: liquid nitrogen is cold, not negative.
    CHECK_FALSE(problem(number("sample_temperature", -196, "celsius")));
    CHECK_FALSE(problem(number("sample_temperature", -320, "fahrenheit")));
    CHECK(problem(number("sample_temperature", -274, "celsius")));
    CHECK(problem(number("sample_temperature", -4, "K")));
}

TEST_CASE("check_ranges warns once per own value, naming file, field and record") {
    Record r;
    r.id = "cryoet:tiltseries:10000/TS_026/100";
    r.values.push_back(number("quality", 97));
    r.values.push_back(number("quality", 4));
    r.values.push_back(number("acceleration_voltage", 1.2e29, "V"));
    // Copies from a parent or children: their owner is reported, not they.
    r.values.push_back(number("voxel_spacing", -0.0, "Å", Origin::inherited));
    r.values.push_back(number("quality_best", 97, "", Origin::rollup));
    r.add("organism", "-1");  // not a number field
    test::CollectSink sink;
    check_ranges(r, {&sink, "cryoet", "10000/TS_026/TiltSeries/100/tiltseries_metadata.json", r.id});
    REQUIRE(sink.issues.size() == 2);
    CHECK(sink.issues[0].severity == Severity::warning);
    CHECK(sink.issues[0].to_line() ==
          "warning: 10000/TS_026/TiltSeries/100/tiltseries_metadata.json: quality: '97' is outside "
          "the plausible range 1 to 5; indexed as written [cryoet:tiltseries:10000/TS_026/100]");
    CHECK(sink.issues[1].field == "acceleration_voltage");
    CHECK(r.values.size() == 6);  // the record is left as it was
}
