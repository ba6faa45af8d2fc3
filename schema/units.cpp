// units.cpp - the unit table and number parsing.
#include "units.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace atlas {
namespace {

struct Spelling {
    std::string_view text;
    Unit unit;
};

// Every accepted spelling maps to a unit; the first spelling of a unit is its
// canonical symbol.  Micro is written three ways in real data: µ (U+00B5 micro
// sign), μ (U+03BC Greek mu) and a plain u.
constexpr double kAngstrom = 1e-10;
constexpr double kElectronVolt = 1.602176634e-19;
constexpr double kDay = 86400.0;
constexpr std::array kUnits{
    // length (canonical metre)
    Spelling{"m", {"m", Dimension::length, 1.0, 0}},
    Spelling{"\u00C5", {"\u00C5", Dimension::length, kAngstrom, 0}},
    Spelling{"\u212B", {"\u00C5", Dimension::length, kAngstrom, 0}},  // angstrom sign
    Spelling{"A", {"Å", Dimension::length, kAngstrom, 0}},
    Spelling{"angstrom", {"Å", Dimension::length, kAngstrom, 0}},
    Spelling{"angstroms", {"Å", Dimension::length, kAngstrom, 0}},
    Spelling{"pm", {"pm", Dimension::length, 1e-12, 0}},
    Spelling{"nm", {"nm", Dimension::length, 1e-9, 0}},
    Spelling{"µm", {"µm", Dimension::length, 1e-6, 0}},
    Spelling{"μm", {"µm", Dimension::length, 1e-6, 0}},
    Spelling{"um", {"µm", Dimension::length, 1e-6, 0}},
    Spelling{"micron", {"µm", Dimension::length, 1e-6, 0}},
    Spelling{"microns", {"µm", Dimension::length, 1e-6, 0}},
    Spelling{"mm", {"mm", Dimension::length, 1e-3, 0}},
    Spelling{"cm", {"cm", Dimension::length, 1e-2, 0}},
    // angle (canonical degree)
    Spelling{"°", {"°", Dimension::angle, 1.0, 0}},
    Spelling{"deg", {"°", Dimension::angle, 1.0, 0}},
    Spelling{"degree", {"°", Dimension::angle, 1.0, 0}},
    Spelling{"degrees", {"°", Dimension::angle, 1.0, 0}},
    Spelling{"rad", {"rad", Dimension::angle, 57.29577951308232, 0}},
    Spelling{"mrad", {"mrad", Dimension::angle, 0.05729577951308232, 0}},
    // voltage (canonical volt)
    Spelling{"V", {"V", Dimension::voltage, 1.0, 0}},
    Spelling{"kV", {"kV", Dimension::voltage, 1e3, 0}},
    Spelling{"MV", {"MV", Dimension::voltage, 1e6, 0}},
    // electron dose (canonical e⁻/Å²)
    Spelling{"e⁻/Å²", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e/Å²", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e/A2", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e/A^2", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e-/A2", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e-/A^2", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e^-/Å^2", {"e⁻/Å²", Dimension::electron_dose, 1.0, 0}},
    Spelling{"e/nm2", {"e/nm²", Dimension::electron_dose, 0.01, 0}},
    // dose rate (canonical e⁻/Å²/s)
    Spelling{"e⁻/Å²/s", {"e⁻/Å²/s", Dimension::dose_rate, 1.0, 0}},
    Spelling{"e/Å²/s", {"e⁻/Å²/s", Dimension::dose_rate, 1.0, 0}},
    Spelling{"e/A2/s", {"e⁻/Å²/s", Dimension::dose_rate, 1.0, 0}},
    Spelling{"e^-/Å^2/s", {"e⁻/Å²/s", Dimension::dose_rate, 1.0, 0}},
    // time (canonical second)
    Spelling{"s", {"s", Dimension::time, 1.0, 0}},
    Spelling{"ms", {"ms", Dimension::time, 1e-3, 0}},
    Spelling{"µs", {"µs", Dimension::time, 1e-6, 0}},
    Spelling{"us", {"µs", Dimension::time, 1e-6, 0}},
    Spelling{"min", {"min", Dimension::time, 60.0, 0}},
    Spelling{"h", {"h", Dimension::time, 3600.0, 0}},
    Spelling{"hours", {"h", Dimension::time, 3600.0, 0}},
    Spelling{"d", {"d", Dimension::time, kDay, 0}},
    Spelling{"day", {"d", Dimension::time, kDay, 0}},
    Spelling{"days", {"d", Dimension::time, kDay, 0}},
    // A year of ages and clinical intervals is 365 days, as the HTAN portal
    // counts (AgeatDiagnosis / 365): age:>=60 and age:>=21900d agree.
    Spelling{"y", {"y", Dimension::time, 365 * kDay, 0}},
    Spelling{"yr", {"y", Dimension::time, 365 * kDay, 0}},
    Spelling{"years", {"y", Dimension::time, 365 * kDay, 0}},
    // energy (canonical joule)
    Spelling{"J", {"J", Dimension::energy, 1.0, 0}},
    Spelling{"eV", {"eV", Dimension::energy, kElectronVolt, 0}},
    Spelling{"keV", {"keV", Dimension::energy, 1e3 * kElectronVolt, 0}},
    Spelling{"MeV", {"MeV", Dimension::energy, 1e6 * kElectronVolt, 0}},
    Spelling{"ev", {"eV", Dimension::energy, kElectronVolt, 0}},
    Spelling{"kev", {"keV", Dimension::energy, 1e3 * kElectronVolt, 0}},
    // temperature (canonical kelvin)
    Spelling{"K", {"K", Dimension::temperature, 1.0, 0}},
    Spelling{"°C", {"°C", Dimension::temperature, 1.0, 273.15}},
    Spelling{"C", {"°C", Dimension::temperature, 1.0, 273.15}},
    Spelling{"degC", {"°C", Dimension::temperature, 1.0, 273.15}},
    Spelling{"°F", {"°F", Dimension::temperature, 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0}},
    Spelling{"F", {"°F", Dimension::temperature, 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0}},
    Spelling{"kelvin", {"K", Dimension::temperature, 1.0, 0}},
    Spelling{"celsius", {"°C", Dimension::temperature, 1.0, 273.15}},
    Spelling{"fahrenheit", {"°F", Dimension::temperature, 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0}},
    // pressure (canonical pascal)
    Spelling{"Pa", {"Pa", Dimension::pressure, 1.0, 0}},
    Spelling{"hPa", {"hPa", Dimension::pressure, 1e2, 0}},
    Spelling{"kPa", {"kPa", Dimension::pressure, 1e3, 0}},
    Spelling{"MPa", {"MPa", Dimension::pressure, 1e6, 0}},
    Spelling{"GPa", {"GPa", Dimension::pressure, 1e9, 0}},
    Spelling{"bar", {"bar", Dimension::pressure, 1e5, 0}},
    Spelling{"mbar", {"mbar", Dimension::pressure, 1e2, 0}},
    Spelling{"atm", {"atm", Dimension::pressure, 101325.0, 0}},
    // absorbed radiation dose (canonical gray) and its rate (Gy/s)
    Spelling{"Gy", {"Gy", Dimension::absorbed_dose, 1.0, 0}},
    Spelling{"mGy", {"mGy", Dimension::absorbed_dose, 1e-3, 0}},
    Spelling{"kGy", {"kGy", Dimension::absorbed_dose, 1e3, 0}},
    Spelling{"MGy", {"MGy", Dimension::absorbed_dose, 1e6, 0}},
    Spelling{"Gy/s", {"Gy/s", Dimension::absorbed_dose_rate, 1.0, 0}},
    Spelling{"mGy/s", {"mGy/s", Dimension::absorbed_dose_rate, 1e-3, 0}},
    Spelling{"kGy/s", {"kGy/s", Dimension::absorbed_dose_rate, 1e3, 0}},
    // mass (canonical kilogram)
    Spelling{"kg", {"kg", Dimension::mass, 1.0, 0}},
    Spelling{"g", {"g", Dimension::mass, 1e-3, 0}},
    Spelling{"mg", {"mg", Dimension::mass, 1e-6, 0}},
    // data size (canonical byte; k/M/G are decimal, Ki/Mi/Gi binary)
    Spelling{"B", {"B", Dimension::data_size, 1.0, 0}},
    Spelling{"bytes", {"B", Dimension::data_size, 1.0, 0}},
    Spelling{"kB", {"kB", Dimension::data_size, 1e3, 0}},
    Spelling{"KB", {"kB", Dimension::data_size, 1e3, 0}},
    Spelling{"MB", {"MB", Dimension::data_size, 1e6, 0}},
    Spelling{"GB", {"GB", Dimension::data_size, 1e9, 0}},
    Spelling{"TB", {"TB", Dimension::data_size, 1e12, 0}},
    Spelling{"KiB", {"KiB", Dimension::data_size, 1024.0, 0}},
    Spelling{"MiB", {"MiB", Dimension::data_size, 1048576.0, 0}},
    Spelling{"GiB", {"GiB", Dimension::data_size, 1073741824.0, 0}},
    Spelling{"TiB", {"TiB", Dimension::data_size, 1099511627776.0, 0}},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

const char* dimension_name(Dimension d) {
    switch (d) {
        case Dimension::none:
            return "number";
        case Dimension::length:
            return "length";
        case Dimension::angle:
            return "angle";
        case Dimension::voltage:
            return "voltage";
        case Dimension::electron_dose:
            return "electron dose";
        case Dimension::dose_rate:
            return "dose rate";
        case Dimension::time:
            return "time";
        case Dimension::energy:
            return "energy";
        case Dimension::temperature:
            return "temperature";
        case Dimension::pressure:
            return "pressure";
        case Dimension::absorbed_dose:
            return "absorbed dose";
        case Dimension::absorbed_dose_rate:
            return "absorbed dose rate";
        case Dimension::data_size:
            return "data size";
        case Dimension::mass:
            return "mass";
    }
    return "number";
}

namespace {

const Unit* find_spelling(std::string_view spelling) {
    for (const auto& s : kUnits) {
        if (s.text != spelling) continue;
        // One Unit per unit, whatever the spelling: the entry of its first spelling.
        for (const auto& canonical : kUnits) {
            if (canonical.unit.symbol == s.unit.symbol) return &canonical.unit;
        }
    }
    return nullptr;
}

}  // namespace

const Unit* find_unit(std::string_view spelling) {
    spelling = trim(spelling);
    if (const Unit* unit = find_spelling(spelling)) return unit;
    // Micro in any of its spellings, for every micro unit in the table: the
    // Greek mu (U+03BC) and a plain 'u' stand for the micro sign (U+00B5).
    constexpr std::string_view kMicro = "\u00B5";
    for (std::string_view other : {std::string_view("\u03BC"), std::string_view("u")}) {
        if (spelling.size() > other.size() && spelling.starts_with(other)) {
            std::string micro = std::string(kMicro) + std::string(spelling.substr(other.size()));
            if (const Unit* unit = find_spelling(micro)) return unit;
        }
    }
    return nullptr;
}

const Unit* canonical_unit(Dimension d) {
    for (const auto& s : kUnits) {
        if (s.unit.dimension == d && s.unit.scale == 1.0 && s.unit.offset == 0) return &s.unit;
    }
    return nullptr;
}

double to_canonical(double value, const Unit& unit) {
    // Rounded to 12 significant digits, so one value written in two units
    // (7.84 Å, 0.784 nm) meets in the same double on the index and query sides.
    if (unit.scale == 1.0 && unit.offset == 0) return value;
    return round_for_display(value * unit.scale + unit.offset);
}

double from_canonical(double canonical, const Unit& unit) {
    return (canonical - unit.offset) / unit.scale;
}

std::optional<NumberText> parse_number_text(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    // Only digits, sign, point and exponent make the number ("inf", "nan" and
    // hex are not numbers a user or a source means).
    std::size_t end = 0;
    bool digits = false;
    if (end < text.size() && (text[end] == '+' || text[end] == '-')) ++end;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0)) {
        ++end;
        digits = true;
    }
    if (end < text.size() && text[end] == '.') {
        ++end;
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0)) {
            ++end;
            digits = true;
        }
    }
    if (!digits) return std::nullopt;
    if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
        std::size_t exp = end + 1;
        if (exp < text.size() && (text[exp] == '+' || text[exp] == '-')) ++exp;
        std::size_t exp_digits = exp;
        while (exp_digits < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[exp_digits])) != 0)) {
            ++exp_digits;
        }
        if (exp_digits > exp) end = exp_digits;  // "1e5"; a bare "e" is a unit letter
    }
    std::string_view number = text.substr(0, end);
    if (number.starts_with('+')) number.remove_prefix(1);  // from_chars takes no '+'
    double value = 0;
    auto [stop, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || stop != number.data() + number.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    NumberText out;
    out.value = value;
    out.unit = std::string(trim(text.substr(end)));
    if (!out.unit.empty()) {
        // A unit is one word of letters and unit symbols, not more numbers or
        // clauses: "2023-XX-XX" is no number with the unit "-XX-XX".
        char first = out.unit.front();
        if (first == '-' || first == '+' || first == '.' || first == ',' ||
            std::isdigit(static_cast<unsigned char>(first)) != 0) {
            return std::nullopt;
        }
        for (char c : out.unit) {
            if (is_space(c) || c == ',' || c == ';' || c == '(' || c == ')') return std::nullopt;
        }
    }
    return out;
}

double round_for_display(double value) {
    if (!std::isfinite(value) || value == 0) return value;
    std::string text = fmt::format("{:.12g}", value);
    double out = value;
    std::from_chars(text.data(), text.data() + text.size(), out);  // locale-independent
    return out;
}

std::string format_number(double value) {
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        return fmt::format("{}", static_cast<long long>(value));
    }
    // Shortest form that reads back as the same double ({fmt}'s default),
    // after rounding away binary noise from unit conversion (1.348e-9 / 1e-10).
    return fmt::format("{}", round_for_display(value));
}

}  // namespace atlas
