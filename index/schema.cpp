// schema.cpp - the field table and the term helpers.
//
// Rows are data.  Invariants the tests check: names and prefixes are unique,
// prefixes are "X" + upper-case letters, and slots are unique and >= 10.  One
// prefix may begin another (XORG, XORGID): a term still names its field
// unambiguously because what follows a prefix never starts with an upper-case
// letter (words are lower-cased; exact values follow '=').
#include "atlas/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>

#include "atlas/text.h"

namespace atlas {
namespace {

using T = FieldType;
using D = Dimension;

// clang-format off
constexpr std::array kFields{
    // --- every record ----------------------------------------------------------------------
    FieldSpec{"kind", T::identifier, "XK", -1, 0, false, D::none, "", "Kind",
              "record kind: deposition, dataset, run, tiltseries, tomogram, annotation"},
    FieldSpec{"source", T::identifier, "XSRC", -1, 0, false, D::none, "", "Source",
              "portal the record comes from: cryoet"},
    FieldSpec{"id", T::identifier, "XID", -1, 0, true, D::none, "", "Id",
              "record id or one of its aliases (cryoet:run:10000/TS_026)"},
    FieldSpec{"title", T::text, "XT", -1, 6, false, D::none, "", "Title",
              "title: dataset or deposition title, run name, annotated object name"},
    FieldSpec{"description", T::text, "XD", -1, 1, false, D::none, "", "Description",
              "dataset or deposition description"},
    FieldSpec{"dataset", T::identifier, "XDS", -1, 0, true, D::none, "", "Dataset",
              "dataset id (10000 or DS-10000); other words search dataset titles",
              "ds-", "dataset_title"},
    FieldSpec{"dataset_title", T::text, "XDT", -1, 1, false, D::none, "", "Dataset title",
              "title of the record's dataset"},
    FieldSpec{"deposition", T::identifier, "XDEP", -1, 0, true, D::none, "", "Deposition",
              "deposition id (10000 or CZCDP-10000)", "czcdp-"},
    FieldSpec{"deposition_type", T::keyword, "XDTY", -1, 0, true, D::none, "", "Deposition type",
              "what a deposition contributed: dataset, annotation, tomogram"},
    FieldSpec{"tag", T::keyword, "XTAG", -1, 1, true, D::none, "", "Tag",
              "deposition tag, e.g. competitionML2024Winners"},
    FieldSpec{"run", T::identifier, "XRUN", -1, 0, false, D::none, "", "Run",
              "run name (TS_026)"},
    // --- sample ----------------------------------------------------------------------------
    FieldSpec{"organism", T::keyword, "XORG", -1, 2, true, D::none, "", "Organism",
              "organism name; S. pombe finds Schizosaccharomyces pombe"},
    FieldSpec{"organism_id", T::identifier, "XORGID", -1, 0, true, D::none, "", "Taxonomy id",
              "NCBI taxonomy id (284812 or NCBITaxon:284812)", "ncbitaxon:"},
    FieldSpec{"sample_type", T::keyword, "XST", -1, 1, true, D::none, "", "Sample type",
              "sample type: cell_line, tissue, organelle, in_vitro, ..."},
    FieldSpec{"tissue", T::keyword, "XTIS", -1, 1, true, D::none, "", "Tissue", "tissue name"},
    FieldSpec{"cell_type", T::keyword, "XCT", -1, 1, true, D::none, "", "Cell type",
              "cell type name"},
    FieldSpec{"cell_strain", T::keyword, "XCS", -1, 1, true, D::none, "", "Cell strain",
              "cell line or strain name"},
    FieldSpec{"cell_component", T::keyword, "XCC", -1, 1, true, D::none, "", "Cell component",
              "cellular component name"},
    FieldSpec{"assay", T::keyword, "XAS", -1, 0, true, D::none, "", "Assay", "assay name"},
    FieldSpec{"development_stage", T::keyword, "XDEV", -1, 0, true, D::none, "",
              "Development stage", "development stage name"},
    FieldSpec{"disease", T::keyword, "XDIS", -1, 1, true, D::none, "", "Disease",
              "disease name (normal for healthy samples)"},
    FieldSpec{"ontology_id", T::identifier, "XONT", -1, 1, true, D::none, "", "Ontology id",
              "ontology id of tissue, cell type, strain, component, assay, stage or disease"},
    FieldSpec{"sample_preparation", T::text, "XSP", -1, 1, false, D::none, "",
              "Sample preparation", "sample preparation (free text)"},
    FieldSpec{"grid_preparation", T::text, "XGP", -1, 1, false, D::none, "", "Grid preparation",
              "grid preparation (free text)"},
    FieldSpec{"other_setup", T::text, "XOS", -1, 1, false, D::none, "", "Other setup",
              "other setup (free text)"},
    // --- people, papers, dates -----------------------------------------------------------
    FieldSpec{"author", T::keyword, "XAU", -1, 1, true, D::none, "", "Author", "author name"},
    FieldSpec{"orcid", T::identifier, "XORC", -1, 0, true, D::none, "", "ORCID",
              "author ORCID id"},
    FieldSpec{"affiliation", T::keyword, "XAFF", -1, 1, true, D::none, "", "Affiliation",
              "author affiliation"},
    FieldSpec{"funding", T::keyword, "XFUND", -1, 1, true, D::none, "", "Funding agency",
              "funding agency name"},
    FieldSpec{"grant", T::identifier, "XGR", -1, 0, true, D::none, "", "Grant id", "grant id"},
    FieldSpec{"publication", T::identifier, "XPUB", -1, 1, true, D::none, "", "Publication",
              "publication DOI (10.1038/s41592-022-01746-2)",
              "doi:|https://doi.org/|http://doi.org/|https://dx.doi.org/"},
    FieldSpec{"related_entry", T::identifier, "XREL", -1, 1, true, D::none, "",
              "Related database entry", "EMPIAR / EMDB / PDB entry (EMPIAR-10988, EMD-14412)"},
    FieldSpec{"release_date", T::date, "", 10, 0, false, D::none, "", "Release date",
              "release date (2023-06-01; ranges 2023.., 2023-01..2023-06)"},
    FieldSpec{"deposition_date", T::date, "", 11, 0, false, D::none, "", "Deposition date",
              "deposition date"},
    FieldSpec{"last_modified_date", T::date, "", 12, 0, false, D::none, "",
              "Last modified date", "last modified date"},
    // --- acquisition (tilt series) ---------------------------------------------------------
    FieldSpec{"quality", T::number, "", 13, 0, true, D::none, "", "Tilt-series quality",
              "tilt-series quality score, 1 (low) to 5 (excellent); on datasets and runs, "
              "any of their tilt series"},
    FieldSpec{"quality_best", T::number, "", 14, 0, false, D::none, "", "Best quality",
              "best tilt-series quality among a dataset's or run's tilt series"},
    FieldSpec{"quality_mean", T::number, "", 15, 0, false, D::none, "", "Mean quality",
              "mean tilt-series quality among a dataset's or run's tilt series"},
    FieldSpec{"camera", T::keyword, "XCAM", -1, 1, true, D::none, "", "Camera",
              "camera manufacturer and model (Gatan K3)"},
    FieldSpec{"camera_manufacturer", T::keyword, "XCAMM", -1, 0, true, D::none, "",
              "Camera manufacturer", "camera manufacturer"},
    FieldSpec{"microscope", T::keyword, "XMIC", -1, 1, true, D::none, "", "Microscope",
              "microscope manufacturer and model (TFS Krios)"},
    FieldSpec{"microscope_manufacturer", T::keyword, "XMICM", -1, 0, true, D::none, "",
              "Microscope manufacturer", "microscope manufacturer"},
    FieldSpec{"energy_filter", T::keyword, "XEF", -1, 0, true, D::none, "", "Energy filter",
              "energy filter"},
    FieldSpec{"phase_plate", T::keyword, "XPP", -1, 1, true, D::none, "", "Phase plate",
              "phase plate"},
    FieldSpec{"image_corrector", T::keyword, "XIC", -1, 0, true, D::none, "", "Image corrector",
              "image corrector"},
    FieldSpec{"acceleration_voltage", T::number, "", 16, 0, true, D::voltage, "kV",
              "Acceleration voltage", "acceleration voltage (300kV)"},
    FieldSpec{"spherical_aberration", T::number, "", 17, 0, true, D::length, "mm",
              "Spherical aberration", "spherical aberration constant (2.7mm)"},
    FieldSpec{"pixel_spacing", T::number, "", 18, 0, true, D::length, "Å", "Pixel spacing",
              "tilt-series pixel spacing"},
    FieldSpec{"tilt_min", T::number, "", 19, 0, true, D::angle, "°", "Min tilt",
              "lowest tilt angle"},
    FieldSpec{"tilt_max", T::number, "", 20, 0, true, D::angle, "°", "Max tilt",
              "highest tilt angle"},
    FieldSpec{"tilt_range", T::number, "", 21, 0, true, D::angle, "°", "Tilt range",
              "tilt range, max - min (120° for -60..60)"},
    FieldSpec{"tilt_step", T::number, "", 22, 0, true, D::angle, "°", "Tilt step", "tilt step"},
    FieldSpec{"tilt_axis", T::number, "", 23, 0, true, D::angle, "°", "Tilt axis",
              "tilt axis angle"},
    FieldSpec{"tilting_scheme", T::keyword, "XTSC", -1, 1, true, D::none, "", "Tilting scheme",
              "tilting scheme (dose symmetric, min to max tilt, ...)"},
    FieldSpec{"total_flux", T::number, "", 24, 0, true, D::electron_dose, "e⁻/Å²", "Total flux",
              "total electron flux"},
    FieldSpec{"dose_rate", T::number, "", 25, 0, true, D::dose_rate, "e⁻/Å²/s", "Dose rate",
              "camera dose rate of the frames"},
    FieldSpec{"binning", T::number, "", 26, 0, true, D::none, "", "Binning from frames",
              "binning from frames"},
    FieldSpec{"aligned", T::boolean, "XALN", -1, 0, false, D::none, "", "Series is aligned",
              "tilt series is aligned (yes/no)"},
    FieldSpec{"gain_corrected", T::boolean, "XGC", -1, 0, false, D::none, "", "Gain corrected",
              "frames are gain corrected (yes/no)"},
    // --- software ----------------------------------------------------------------------------
    FieldSpec{"software", T::keyword, "XSW", -1, 1, true, D::none, "", "Software",
              "any software: acquisition, alignment, reconstruction, processing, annotation"},
    FieldSpec{"acquisition_software", T::keyword, "XSWA", -1, 0, true, D::none, "",
              "Acquisition software", "data acquisition software (SerialEM)"},
    FieldSpec{"alignment_software", T::keyword, "XSWL", -1, 0, true, D::none, "",
              "Alignment software", "tilt alignment software (IMOD)"},
    FieldSpec{"reconstruction_software", T::keyword, "XSWR", -1, 0, true, D::none, "",
              "Reconstruction software", "reconstruction software"},
    FieldSpec{"processing_software", T::keyword, "XSWP", -1, 0, true, D::none, "",
              "Processing software", "tomogram processing software"},
    FieldSpec{"annotation_software", T::keyword, "XSWN", -1, 0, true, D::none, "",
              "Annotation software", "annotation software (pyTOM + Keras)"},
    // --- reconstruction (tomogram) ---------------------------------------------------------
    FieldSpec{"voxel_spacing", T::number, "", 27, 0, true, D::length, "Å", "Voxel spacing",
              "voxel spacing (13.48, <10A, 1..2nm); on datasets and runs, any of theirs"},
    FieldSpec{"reconstruction", T::keyword, "XREC", -1, 1, true, D::none, "",
              "Reconstruction method", "reconstruction method (WBP, SIRT, ...)"},
    FieldSpec{"processing", T::keyword, "XPRC", -1, 0, true, D::none, "", "Processing",
              "tomogram processing: raw, denoised, filtered"},
    FieldSpec{"ctf_corrected", T::boolean, "XCTF", -1, 0, false, D::none, "", "CTF corrected",
              "tomogram is CTF corrected (yes/no)"},
    FieldSpec{"fiducial_alignment", T::keyword, "XFID", -1, 0, true, D::none, "",
              "Fiducial alignment status", "FIDUCIAL or NON_FIDUCIAL"},
    FieldSpec{"alignment_method", T::keyword, "XALM", -1, 0, true, D::none, "",
              "Alignment method", "alignment method (patch_tracking, projection_matching, ...)"},
    FieldSpec{"alignment_type", T::keyword, "XALT", -1, 0, true, D::none, "", "Alignment type",
              "alignment type: GLOBAL or LOCAL"},
    FieldSpec{"tomogram_version", T::number, "", 28, 0, false, D::none, "", "Tomogram version",
              "tomogram version"},
    FieldSpec{"visualization_default", T::boolean, "XVIS", -1, 0, false, D::none, "",
              "Visualization default", "the portal shows this tomogram by default (yes/no)"},
    // --- annotation -------------------------------------------------------------------------
    FieldSpec{"object", T::keyword, "XOBJ", -1, 4, true, D::none, "", "Annotated object",
              "annotated object name (cytosolic ribosome); on datasets and runs, any of theirs"},
    FieldSpec{"object_id", T::identifier, "XOID", -1, 1, true, D::none, "", "Object id",
              "annotated object id (GO:0022626, UniProtKB:P0A8M3)"},
    FieldSpec{"object_description", T::text, "XODS", -1, 1, false, D::none, "",
              "Object description", "annotated object description"},
    FieldSpec{"shape", T::keyword, "XSH", -1, 0, true, D::none, "", "Shape",
              "annotation shape: Point, OrientedPoint, SegmentationMask, InstanceSegmentation, "
              "Mesh"},
    FieldSpec{"format", T::identifier, "XFMT", -1, 0, true, D::none, "", "File format",
              "annotation file format (ndjson, mrc, zarr)"},
    FieldSpec{"method", T::keyword, "XMT", -1, 0, true, D::none, "", "Method type",
              "annotation method type: manual, automated, hybrid, simulated"},
    FieldSpec{"annotation_method", T::text, "XAM", -1, 1, false, D::none, "",
              "Annotation method", "how the annotation was made (free text)"},
    FieldSpec{"ground_truth", T::boolean, "XGT", -1, 0, false, D::none, "", "Ground truth",
              "ground-truth annotation (yes/no); datasets and runs: has one"},
    FieldSpec{"curator_recommended", T::boolean, "XCR", -1, 0, false, D::none, "",
              "Curator recommended", "curator-recommended annotation (yes/no)"},
    FieldSpec{"annotation_version", T::number, "", 29, 0, false, D::none, "",
              "Annotation version", "annotation version"},
    FieldSpec{"precision", T::number, "", 36, 0, false, D::none, "", "Precision",
              "annotation precision against ground truth, 0 to 1"},
    FieldSpec{"recall", T::number, "", 37, 0, false, D::none, "", "Recall",
              "annotation recall against ground truth, 0 to 1"},
    FieldSpec{"object_count", T::number, "", 38, 0, false, D::none, "", "Object count",
              "number of annotated objects"},
    // --- roll-up counts --------------------------------------------------------------------
    FieldSpec{"dataset_count", T::number, "", 30, 0, false, D::none, "", "Datasets",
              "datasets of a deposition"},
    FieldSpec{"run_count", T::number, "", 31, 0, false, D::none, "", "Runs",
              "runs of a dataset or deposition"},
    FieldSpec{"tiltseries_count", T::number, "", 32, 0, false, D::none, "", "Tilt series",
              "tilt series of a dataset or run"},
    FieldSpec{"tomogram_count", T::number, "", 33, 0, false, D::none, "", "Tomograms",
              "tomograms of a dataset or run"},
    FieldSpec{"annotation_count", T::number, "", 34, 0, false, D::none, "", "Annotations",
              "annotations of a dataset, run or deposition"},
    FieldSpec{"ground_truth_count", T::number, "", 35, 0, false, D::none, "",
              "Ground-truth annotations", "ground-truth annotations of a dataset or run"},
};
// clang-format on

}  // namespace

const char* field_type_name(FieldType type) {
    switch (type) {
        case FieldType::text:
            return "text";
        case FieldType::keyword:
            return "keyword";
        case FieldType::identifier:
            return "identifier";
        case FieldType::number:
            return "number";
        case FieldType::date:
            return "date";
        case FieldType::boolean:
            return "boolean";
    }
    return "text";
}

std::span<const FieldSpec> field_specs() { return kFields; }

const FieldSpec* find_field(std::string_view name) {
    for (const auto& f : kFields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

std::string_view closest_field(std::string_view name) {
    std::string_view best;
    std::size_t best_distance = 3;  // anything further is not a typo of it
    for (const auto& f : kFields) {
        std::size_t d = edit_distance(name, f.name, best_distance);
        if (d < best_distance) {
            best = f.name;
            best_distance = d;
        }
    }
    return best;
}

std::string normalize_identifier(const FieldSpec& spec, std::string_view value) {
    std::string folded = fold(value);
    std::string_view prefixes = spec.id_strip;
    while (!prefixes.empty()) {
        auto bar = prefixes.find('|');
        std::string_view prefix = prefixes.substr(0, bar);
        if (!prefix.empty() && folded.starts_with(prefix) && folded.size() > prefix.size()) {
            folded.erase(0, prefix.size());
            break;
        }
        prefixes = bar == std::string_view::npos ? std::string_view{} : prefixes.substr(bar + 1);
    }
    return folded;
}

std::string_view strip_doi_prefix(std::string_view text) {
    std::string_view prefixes = find_field("publication")->id_strip;
    while (!prefixes.empty()) {
        auto bar = prefixes.find('|');
        std::string_view prefix = prefixes.substr(0, bar);
        bool match = text.size() > prefix.size() &&
                     std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
                         return p == std::tolower(static_cast<unsigned char>(t));
                     });
        if (match) return text.substr(prefix.size());
        prefixes = bar == std::string_view::npos ? std::string_view{} : prefixes.substr(bar + 1);
    }
    return text;
}

std::string word_term(std::string_view prefix, std::string_view word) {
    std::string t(prefix);
    t += word;
    return t;
}

std::string stem_term(std::string_view word) {
    std::string t(kStemPrefix);
    t += stem(word);
    return t;
}

std::string exact_term(std::string_view prefix, std::string_view exact_value) {
    std::string t(prefix);
    t += kExactMarker;
    t += exact_value;
    return t;
}

std::string compact(std::string_view text) {
    std::string out;
    for (const auto& t : tokenize(text)) out += t.term;
    if (out.empty()) return fold(text);
    if (out.size() > kMaxExactBytes) out.resize(kMaxExactBytes);  // ASCII-safe enough: a key
    return out;
}

std::string exact_value(const FieldSpec& spec, std::string_view value) {
    if (spec.type == FieldType::identifier) return normalize_identifier(spec, value);
    return compact(value);
}

std::string id_term(std::string_view record_id) {
    std::string t(kIdTermPrefix);
    t += record_id;
    return t;
}

std::string pack_numbers(std::span<const double> numbers) {
    static_assert(sizeof(double) == 8);
    std::string out(numbers.size() * 8, '\0');
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        // Little-endian on every platform Debian ships us on; the index records
        // the schema version, and a big-endian reader would be a new version.
        std::memcpy(out.data() + i * 8, &numbers[i], 8);
    }
    return out;
}

std::vector<double> unpack_numbers(std::string_view packed) {
    std::vector<double> out(packed.size() / 8);
    for (std::size_t i = 0; i < out.size(); ++i) std::memcpy(&out[i], packed.data() + i * 8, 8);
    return out;
}

Result<std::string> current_generation(const std::string& index_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path link = fs::path(index_dir) / kCurrentLink;
    if (!fs::is_symlink(link, ec)) {
        if (!fs::exists(index_dir, ec)) {
            return Error{Errc::not_found, fmt::format("no index at '{}' (build one with "
                                                      "atlas-index build)",
                                                      index_dir)};
        }
        return Error{Errc::not_found,
                     fmt::format("'{}' holds no index (no {} link; build one with atlas-index "
                                 "build)",
                                 index_dir, kCurrentLink)};
    }
    fs::path target = fs::read_symlink(link, ec);
    if (ec) {
        return Error{Errc::unavailable,
                     fmt::format("cannot read '{}': {}", link.string(), ec.message())};
    }
    fs::path generation = target.is_absolute() ? target : fs::path(index_dir) / target;
    if (!fs::is_directory(generation, ec)) {
        return Error{Errc::unavailable, fmt::format("'{}' points to missing '{}'", link.string(),
                                                    generation.string())};
    }
    return generation.string();
}

namespace {
constexpr std::array<std::string_view, 6> kKinds{"dataset",    "deposition", "run",
                                                 "tiltseries", "tomogram",   "annotation"};
}  // namespace

std::span<const std::string_view> known_kinds() { return kKinds; }

int kind_rank(std::string_view kind) {
    for (std::size_t i = 0; i < kKinds.size(); ++i) {
        if (kKinds[i] == kind) return static_cast<int>(i);
    }
    return static_cast<int>(kKinds.size());
}

}  // namespace atlas
