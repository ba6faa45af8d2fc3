// schema/units.h - physical units: parsing "13.48 Å", "300 kV", "<10nm" and converting to SI.
//
// One table serves every adapter and the query parser, so a value indexed as
// "1.348 nm" and a query for "voxel_spacing:<14A" compare in the same unit.
// Numbers are stored in the canonical unit of their dimension (SI where a
// standard one exists) and shown in each field's display unit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atlas {

enum class Dimension {
    none,           // counts, scores, versions
    length,         // canonical: metre
    angle,          // canonical: degree (what every source and user writes)
    voltage,        // canonical: volt
    electron_dose,  // canonical: electrons per square angstrom (e⁻/Å²), the field's own unit
    dose_rate,      // canonical: e⁻/Å² per second
    time,           // canonical: second
    energy,         // canonical: joule
    temperature,    // canonical: kelvin
    pressure,       // canonical: pascal
    absorbed_dose,  // canonical: gray (X-ray dose)
    absorbed_dose_rate,  // canonical: gray per second
    data_size,           // canonical: byte
    mass,                // canonical: kilogram
};

const char* dimension_name(Dimension d);

struct Unit {
    std::string_view symbol;  // canonical spelling, e.g. "Å"
    Dimension dimension;
    double scale;  // canonical = value * scale + offset
    double offset;
};

// Finds a unit by any accepted spelling ("Å", "A", "angstrom", "µm", "μm", "um",
// "kV", "°", "deg").  Case-sensitive where SI is (mV vs MV); nullptr if unknown.
const Unit* find_unit(std::string_view spelling);

// The canonical unit of a dimension; nullptr for Dimension::none.
const Unit* canonical_unit(Dimension d);

// `value` in `unit` -> the canonical unit, rounded to 12 significant digits.
double to_canonical(double value, const Unit& unit);
double from_canonical(double canonical, const Unit& unit);

// A number optionally followed by a unit: "13.48", "13.48Å", "300 kV", "-60°", "1e-3 m".
struct NumberText {
    double value = 0;
    std::string unit;  // as written, trimmed; empty if none
};
// Parses all of `text` (surrounding spaces allowed); nullopt if it is not a
// number with an optional unit word.
std::optional<NumberText> parse_number_text(std::string_view text);

// Formats a number compactly for display: 13.48, 300, 0.5, 1.2e-06.
std::string format_number(double value);

// Rounds away the binary noise of unit conversion (13.479999999999999 -> 13.48)
// by keeping 12 significant digits.
double round_for_display(double value);

}  // namespace atlas
