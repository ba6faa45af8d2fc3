// Tests for the rating scales (schema/schema.h field_scale / scale_label and the
// embedded schema/scales/quality.csv) and for the unit table rows of the new
// sources (schema/units.cpp): energy, temperature, time in days and years,
// pressure, absorbed dose, data size, mass and the three micros.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "schema/schema.h"
#include "schema/units.h"

using namespace atlas;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct CsvLevel {
    double rating = 0;
    std::string label;
    std::string description;
};

// Reads index/scales/quality.csv by hand (independently of the library's CSV
// reader): "rating,label,description" where only the description is quoted.
std::vector<CsvLevel> read_quality_csv() {
    std::ifstream in(ATLAS_SOURCE_DIR "/schema/scales/quality.csv", std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot open index/scales/quality.csv");
    std::vector<CsvLevel> out;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (header) {
            CHECK(lower(line) == "rating,label,description");
            header = false;
            continue;
        }
        auto c1 = line.find(',');
        REQUIRE(c1 != std::string::npos);
        auto c2 = line.find(',', c1 + 1);
        REQUIRE(c2 != std::string::npos);
        CsvLevel level;
        level.rating = std::stod(line.substr(0, c1));
        level.label = line.substr(c1 + 1, c2 - c1 - 1);
        std::string d = line.substr(c2 + 1);
        if (d.size() >= 2 && d.front() == '"' && d.back() == '"') d = d.substr(1, d.size() - 2);
        REQUIRE(d.find('"') == std::string::npos);  // no doubled quotes in this file
        level.description = d;
        out.push_back(level);
    }
    return out;
}

const FieldSpec& field(const char* name) {
    const FieldSpec* f = find_field(name);
    REQUIRE_MESSAGE(f != nullptr, name);
    return *f;
}

}  // namespace

TEST_CASE("scale: every row of index/scales/quality.csv is a level of the quality scale") {
    auto rows = read_quality_csv();
    REQUIRE(rows.size() == 5);
    auto levels = field_scale(field("quality"));
    REQUIRE(levels.size() == rows.size());
    for (const auto& row : rows) {
        CAPTURE(row.label);
        auto it = std::find_if(levels.begin(), levels.end(),
                               [&](const ScaleLevel& l) { return l.rating == row.rating; });
        REQUIRE(it != levels.end());
        CHECK(it->label == row.label);
        CHECK(it->description == row.description);
    }
    // Highest first.
    for (std::size_t i = 1; i < levels.size(); ++i) CHECK(levels[i - 1].rating > levels[i].rating);
}

TEST_CASE("scale: the quality levels are the portal's five, with the issue's descriptions") {
    struct Expected {
        double rating;
        const char* label;
        const char* description;
    };
    const Expected expected[] = {
        {5, "Excellent",
         "full tilt series/reconstructions could be used in publication-ready figures"},
        {4, "Good", "useful for analysis: subtomogram averaging, segmentation"},
        {3, "Medium", "minor parts need to be or have been discarded"},
        {2, "Marginal", "major parts discarded; useful only after heavy manual intervention"},
        {1, "Low", "not useful with current tools; a test case for problematic data"},
    };
    auto levels = field_scale(field("quality"));
    REQUIRE(levels.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(levels[i].rating == expected[i].rating);
        CHECK(levels[i].label == expected[i].label);
        CHECK(lower(levels[i].description) == lower(expected[i].description));
    }
    // The CSV file says the same thing, case aside.
    auto rows = read_quality_csv();
    REQUIRE(rows.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CAPTURE(i);
        CHECK(rows[i].rating == expected[i].rating);
        CHECK(lower(rows[i].label) == lower(expected[i].label));
        CHECK(lower(rows[i].description) == lower(expected[i].description));
    }
}

TEST_CASE("scale: quality, quality_best and quality_mean are rated - no other number field is") {
    const std::set<std::string_view> rated{"quality", "quality_best", "quality_mean"};
    auto quality = field_scale(field("quality"));
    REQUIRE_FALSE(quality.empty());
    std::size_t numbers = 0;
    for (const auto& f : field_specs()) {
        CAPTURE(f.name);
        if (rated.count(f.name) != 0) {
            CHECK(f.type == FieldType::number);
            CHECK(f.scale == "quality");
            auto levels = field_scale(f);
            REQUIRE(levels.size() == quality.size());
            for (std::size_t i = 0; i < levels.size(); ++i) {
                CHECK(levels[i].rating == quality[i].rating);
                CHECK(levels[i].label == quality[i].label);
            }
            CHECK(scale_label(f, 4) == "Good");
        } else {
            CHECK(f.scale.empty());
            CHECK(field_scale(f).empty());
            CHECK(scale_label(f, 4).empty());
            if (f.type == FieldType::number) ++numbers;
        }
    }
    CHECK(numbers > 0);  // there are other number fields, and they have no scale
    CHECK(field_scale(field("voxel_spacing")).empty());
}

TEST_CASE("scale: scale_label names each rating and nothing between or outside them") {
    const FieldSpec& q = field("quality");
    CHECK(scale_label(q, 5) == "Excellent");
    CHECK(scale_label(q, 4) == "Good");
    CHECK(scale_label(q, 3) == "Medium");
    CHECK(scale_label(q, 2) == "Marginal");
    CHECK(scale_label(q, 1) == "Low");
    CHECK(scale_label(q, 3.5).empty());
    CHECK(scale_label(q, 0).empty());
    CHECK(scale_label(q, 6).empty());
    CHECK(scale_label(field("quality_mean"), 2) == "Marginal");
    // A field that names a scale that does not exist has no levels.
    FieldSpec fake = q;
    fake.scale = "no_such_scale";
    CHECK(field_scale(fake).empty());
    CHECK(scale_label(fake, 4).empty());
}

// --- units of the new sources ----------------------------------------------

namespace {

const Unit& unit(const char* spelling) {
    const Unit* u = find_unit(spelling);
    REQUIRE_MESSAGE(u != nullptr, spelling);
    return *u;
}

}  // namespace

TEST_CASE("units: eV, keV and J are one energy dimension in joules") {
    constexpr double kEv = 1.602176634e-19;  // J, exact by SI definition
    CHECK(unit("J").dimension == Dimension::energy);
    CHECK(unit("eV").dimension == Dimension::energy);
    CHECK(unit("keV").dimension == Dimension::energy);
    CHECK(&unit("ev") == &unit("eV"));
    CHECK(&unit("kev") == &unit("keV"));
    CHECK(canonical_unit(Dimension::energy)->symbol == "J");
    CHECK(to_canonical(1, unit("eV")) == kEv);
    CHECK(to_canonical(2.5, unit("J")) == 2.5);
    // 880 eV and 0.88 keV meet in the same double.
    CHECK(to_canonical(880, unit("eV")) == to_canonical(0.88, unit("keV")));
    CHECK(to_canonical(880, unit("eV")) == 1.40991543792e-16);
    CHECK(to_canonical(93, unit("keV")) == 1.49002426962e-14);
    CHECK(to_canonical(93000, unit("eV")) == to_canonical(93, unit("keV")));
    CHECK(to_canonical(1, unit("MeV")) == to_canonical(1000, unit("keV")));
    CHECK(from_canonical(to_canonical(12.4, unit("keV")), unit("eV")) ==
          doctest::Approx(12400).epsilon(1e-12));
}

TEST_CASE("units: K, °C and °F in every spelling convert to kelvin") {
    const Unit& k = unit("K");
    const Unit& c = unit("°C");
    const Unit& f = unit("°F");
    CHECK(k.dimension == Dimension::temperature);
    CHECK(c.dimension == Dimension::temperature);
    CHECK(f.dimension == Dimension::temperature);
    CHECK(canonical_unit(Dimension::temperature)->symbol == "K");
    CHECK(&unit("kelvin") == &k);
    CHECK(&unit("C") == &c);
    CHECK(&unit("celsius") == &c);
    CHECK(&unit("degC") == &c);
    CHECK(&unit("F") == &f);
    CHECK(&unit("fahrenheit") == &f);
    CHECK(to_canonical(100, k) == 100);
    CHECK(to_canonical(80, c) == 353.15);
    CHECK(to_canonical(80, unit("celsius")) == 353.15);
    CHECK(to_canonical(0, c) == 273.15);
    CHECK(to_canonical(-273.15, c) == doctest::Approx(0).epsilon(1e-12).scale(1e-9));
    // 68 °F is 20 °C is 293.15 K; 212 °F boils; -40 is where the scales cross.
    CHECK(to_canonical(68, f) == to_canonical(20, c));
    CHECK(to_canonical(68, f) == 293.15);
    CHECK(to_canonical(68, unit("fahrenheit")) == 293.15);
    CHECK(to_canonical(212, f) == 373.15);
    CHECK(to_canonical(32, f) == 273.15);
    CHECK(to_canonical(-40, f) == to_canonical(-40, c));
    CHECK(from_canonical(353.15, c) == doctest::Approx(80).epsilon(1e-12));
    CHECK(from_canonical(293.15, f) == doctest::Approx(68).epsilon(1e-12));
    CHECK(dimension_name(Dimension::temperature) == std::string("temperature"));
}

TEST_CASE("units: days and years are time, and a year is 365 days") {
    const Unit& d = unit("d");
    const Unit& y = unit("y");
    CHECK(d.dimension == Dimension::time);
    CHECK(y.dimension == Dimension::time);
    CHECK(&unit("day") == &d);
    CHECK(&unit("days") == &d);
    CHECK(&unit("yr") == &y);
    CHECK(&unit("years") == &y);
    CHECK(to_canonical(1, d) == 86400.0);
    CHECK(to_canonical(1, y) == 365.0 * 86400.0);
    CHECK(to_canonical(21900, d) == to_canonical(60, y));
    CHECK(to_canonical(60, y) == 60.0 * 365 * 86400);
    CHECK(to_canonical(365, d) == to_canonical(1, y));
    CHECK(to_canonical(1, d) == to_canonical(24, unit("h")));
    CHECK(from_canonical(to_canonical(21900, d), y) == 60);
}

TEST_CASE("units: Pa, kPa, bar and mbar are pressure in pascal") {
    for (const char* s : {"Pa", "hPa", "kPa", "MPa", "bar", "mbar", "atm"}) {
        CAPTURE(s);
        CHECK(unit(s).dimension == Dimension::pressure);
    }
    CHECK(canonical_unit(Dimension::pressure)->symbol == "Pa");
    CHECK(to_canonical(1, unit("bar")) == 100000.0);
    CHECK(to_canonical(100, unit("kPa")) == 100000.0);
    CHECK(to_canonical(1000, unit("mbar")) == 100000.0);
    CHECK(to_canonical(1, unit("mbar")) == to_canonical(1, unit("hPa")));
    CHECK(to_canonical(1, unit("atm")) == 101325.0);
    CHECK(to_canonical(1, unit("atm")) == to_canonical(101.325, unit("kPa")));
    CHECK(to_canonical(2.5, unit("bar")) == to_canonical(2500, unit("mbar")));
    CHECK(dimension_name(Dimension::pressure) == std::string("pressure"));
}

TEST_CASE("units: Gy and Gy/s are two dimensions, absorbed dose and its rate") {
    const Unit& gy = unit("Gy");
    const Unit& rate = unit("Gy/s");
    CHECK(gy.dimension == Dimension::absorbed_dose);
    CHECK(rate.dimension == Dimension::absorbed_dose_rate);
    CHECK(&gy != &rate);
    CHECK(canonical_unit(Dimension::absorbed_dose)->symbol == "Gy");
    CHECK(canonical_unit(Dimension::absorbed_dose_rate)->symbol == "Gy/s");
    CHECK(to_canonical(3, unit("kGy")) == 3000.0);
    CHECK(to_canonical(1, unit("MGy")) == 1e6);
    CHECK(to_canonical(250, unit("mGy")) == 0.25);
    CHECK(unit("kGy/s").dimension == Dimension::absorbed_dose_rate);
    CHECK(to_canonical(1.5, unit("kGy/s")) == 1500.0);
    CHECK(to_canonical(500, unit("mGy/s")) == 0.5);
    CHECK(dimension_name(Dimension::absorbed_dose) == std::string("absorbed dose"));
    CHECK(dimension_name(Dimension::absorbed_dose_rate) == std::string("absorbed dose rate"));
}

TEST_CASE("units: B, kB, MB are decimal and KiB, MiB binary bytes") {
    for (const char* s : {"B", "kB", "KB", "MB", "GB", "KiB", "MiB", "GiB"}) {
        CAPTURE(s);
        CHECK(unit(s).dimension == Dimension::data_size);
    }
    CHECK(canonical_unit(Dimension::data_size)->symbol == "B");
    CHECK(&unit("KB") == &unit("kB"));
    CHECK(&unit("bytes") == &unit("B"));
    CHECK(to_canonical(1, unit("kB")) == 1000.0);
    CHECK(to_canonical(1, unit("MB")) == 1000000.0);
    CHECK(to_canonical(1, unit("KiB")) == 1024.0);
    CHECK(to_canonical(1, unit("MiB")) == 1048576.0);
    CHECK(to_canonical(1.5, unit("MiB")) == 1572864.0);
    CHECK(to_canonical(1, unit("GiB")) == 1024.0 * 1024 * 1024);
    CHECK(to_canonical(1024, unit("KiB")) == to_canonical(1, unit("MiB")));
    CHECK(to_canonical(1000, unit("kB")) == to_canonical(1, unit("MB")));
    CHECK(to_canonical(1, unit("MiB")) != to_canonical(1, unit("MB")));
    CHECK(dimension_name(Dimension::data_size) == std::string("data size"));
}

TEST_CASE("units: kg, g and mg are mass in kilograms") {
    CHECK(unit("kg").dimension == Dimension::mass);
    CHECK(unit("g").dimension == Dimension::mass);
    CHECK(unit("mg").dimension == Dimension::mass);
    CHECK(canonical_unit(Dimension::mass)->symbol == "kg");
    CHECK(to_canonical(1500, unit("g")) == 1.5);
    CHECK(to_canonical(1500, unit("g")) == to_canonical(1.5, unit("kg")));
    CHECK(to_canonical(250, unit("mg")) == 0.00025);
    CHECK(dimension_name(Dimension::mass) == std::string("mass"));
}

TEST_CASE("units: the micrometre is spelled three ways and they are one unit") {
    const Unit& micro_sign = unit("\u00B5m");  // µ U+00B5
    const Unit& greek_mu = unit("\u03BCm");    // μ U+03BC
    const Unit& plain = unit("um");
    CHECK(&micro_sign == &greek_mu);
    CHECK(&plain == &micro_sign);
    CHECK(micro_sign.dimension == Dimension::length);
    CHECK(micro_sign.symbol == "\u00B5m");
    CHECK(to_canonical(1, greek_mu) == 1e-6);
    CHECK(to_canonical(2200, plain) == to_canonical(2.2, unit("mm")));
    CHECK(to_canonical(2.2, unit("mm")) == 0.0022);
    CHECK(to_canonical(1000, unit("nm")) == to_canonical(1, greek_mu));
}

TEST_CASE("units: numbers with the new units inside the string parse and convert") {
    auto kev = parse_number_text("93 keV");
    REQUIRE(kev);
    CHECK(kev->value == 93);
    CHECK(kev->unit == "keV");
    CHECK(to_canonical(kev->value, unit(kev->unit.c_str())) == 1.49002426962e-14);

    auto mm = parse_number_text("2.2 mm");
    REQUIRE(mm);
    CHECK(mm->value == 2.2);
    CHECK(mm->unit == "mm");
    CHECK(unit(mm->unit.c_str()).dimension == Dimension::length);

    auto rate = parse_number_text("10.5 Gy/s");
    REQUIRE(rate);
    CHECK(rate->value == 10.5);
    CHECK(rate->unit == "Gy/s");
    CHECK(unit(rate->unit.c_str()).dimension == Dimension::absorbed_dose_rate);
    CHECK(to_canonical(rate->value, unit(rate->unit.c_str())) == 10.5);

    auto tight = parse_number_text("880eV");
    REQUIRE(tight);
    CHECK(tight->value == 880);
    CHECK(tight->unit == "eV");

    auto celsius = parse_number_text("-80 °C");
    REQUIRE(celsius);
    CHECK(celsius->value == -80);
    CHECK(celsius->unit == "°C");
    CHECK(to_canonical(celsius->value, unit(celsius->unit.c_str())) == 193.15);

    auto years = parse_number_text("60 years");
    REQUIRE(years);
    CHECK(years->value == 60);
    CHECK(years->unit == "years");

    auto size = parse_number_text("1.5 MiB");
    REQUIRE(size);
    CHECK(size->value == 1.5);
    CHECK(size->unit == "MiB");

    auto micro = parse_number_text("3\u03BCm");
    REQUIRE(micro);
    CHECK(micro->value == 3);
    CHECK(micro->unit == "\u03BCm");
    CHECK(&unit(micro->unit.c_str()) == &unit("um"));
}

TEST_CASE("units: dimension_name names every dimension, old and new") {
    CHECK(dimension_name(Dimension::none) == std::string("number"));
    CHECK(dimension_name(Dimension::length) == std::string("length"));
    CHECK(dimension_name(Dimension::time) == std::string("time"));
    CHECK(dimension_name(Dimension::energy) == std::string("energy"));
    CHECK(dimension_name(Dimension::temperature) == std::string("temperature"));
    CHECK(dimension_name(Dimension::pressure) == std::string("pressure"));
    CHECK(dimension_name(Dimension::absorbed_dose) == std::string("absorbed dose"));
    CHECK(dimension_name(Dimension::absorbed_dose_rate) == std::string("absorbed dose rate"));
    CHECK(dimension_name(Dimension::data_size) == std::string("data size"));
    CHECK(dimension_name(Dimension::mass) == std::string("mass"));
    // Each canonical unit has scale 1 and no offset.
    for (Dimension d : {Dimension::energy, Dimension::temperature, Dimension::pressure,
                        Dimension::absorbed_dose, Dimension::absorbed_dose_rate,
                        Dimension::data_size, Dimension::mass, Dimension::time}) {
        CAPTURE(dimension_name(d));
        const Unit* u = canonical_unit(d);
        REQUIRE(u != nullptr);
        CHECK(u->dimension == d);
        CHECK(u->scale == 1.0);
        CHECK(u->offset == 0.0);
    }
    CHECK(canonical_unit(Dimension::none) == nullptr);
}
