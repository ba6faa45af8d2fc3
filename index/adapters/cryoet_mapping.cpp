// cryoet_mapping.cpp - field mapping for the CryoET Data Portal's standardized metadata.
//
// Units are those of the portal's LinkML schema (schema/core/v2.0.0): voxel and
// pixel spacing in Å, acceleration voltage in V, spherical aberration in mm,
// angles in degrees, total flux in e⁻/Å², frame dose rate in e⁻/Å²/s.
#include "cryoet_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "cryoet_adapter.h"
#include "hierarchy.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail::cryoet {

const std::vector<std::string_view> kDatasetKeys{"assay",
                                                 "authors",
                                                 "cell_component",
                                                 "cell_strain",
                                                 "cell_type",
                                                 "cross_references",
                                                 "dataset_description",
                                                 "dataset_identifier",
                                                 "dataset_title",
                                                 "dates",
                                                 "deposition_id",
                                                 "development_stage",
                                                 "disease",
                                                 "funding",
                                                 "grid_preparation",
                                                 "key_photos",
                                                 "last_updated_at",
                                                 "organism",
                                                 "other_setup",
                                                 "sample_preparation",
                                                 "sample_type",
                                                 "tissue"};
const std::vector<std::string_view> kDepositionKeys{"authors",
                                                    "cross_references",
                                                    "dates",
                                                    "deposition_description",
                                                    "deposition_id",
                                                    "deposition_identifier",
                                                    "deposition_title",
                                                    "deposition_types",
                                                    "key_photos",
                                                    "last_updated_at",
                                                    "tag"};
const std::vector<std::string_view> kRunKeys{"run_name", "last_updated_at", "deposition_id"};
const std::vector<std::string_view> kTiltSeriesKeys{"acceleration_voltage",
                                                    "aligned_tiltseries_binning",
                                                    "binning_from_frames",
                                                    "camera",
                                                    "ctf_path",
                                                    "data_acquisition_software",
                                                    "deposition_id",
                                                    "frames_count",
                                                    "is_aligned",
                                                    "last_updated_at",
                                                    "microscope",
                                                    "microscope_optical_setup",
                                                    "mrc_file",
                                                    "omezarr_dir",
                                                    "per_section_parameter",
                                                    "pixel_spacing",
                                                    "raw_tlt_path",
                                                    "related_empiar_entry",
                                                    "run_name",
                                                    "scales",
                                                    "size",
                                                    "spherical_aberration_constant",
                                                    "tilt_alignment_software",
                                                    "tilt_axis",
                                                    "tilt_range",
                                                    "tilt_series_quality",
                                                    "tilt_step",
                                                    "tilting_scheme",
                                                    "total_flux"};
const std::vector<std::string_view> kTomogramKeys{"affine_transformation_matrix",
                                                  "align_software",
                                                  "alignment_metadata_path",
                                                  "authors",
                                                  "ctf_corrected",
                                                  "cross_references",
                                                  "dates",
                                                  "deposition_id",
                                                  "fiducial_alignment_status",
                                                  "is_visualization_default",
                                                  "key_photo",
                                                  "last_updated_at",
                                                  "mrc_file",
                                                  "neuroglancer_config_path",
                                                  "offset",
                                                  "omezarr_dir",
                                                  "processing",
                                                  "processing_software",
                                                  "reconstruction_method",
                                                  "reconstruction_software",
                                                  "run_name",
                                                  "scales",
                                                  "size",
                                                  "tomogram_version",
                                                  "voxel_spacing"};
const std::vector<std::string_view> kAnnotationKeys{"alignment_metadata_path",
                                                    "annotation_ingest_id",
                                                    "annotation_method",
                                                    "annotation_object",
                                                    "annotation_publications",
                                                    "annotation_software",
                                                    "authors",
                                                    "confidence",
                                                    "dates",
                                                    "deposition_id",
                                                    "files",
                                                    "ground_truth_status",
                                                    "is_curator_recommended",
                                                    "last_updated_at",
                                                    "method_links",
                                                    "method_type",
                                                    "object_count",
                                                    "version"};
const std::vector<std::string_view> kAlignmentKeys{"affine_transformation_matrix",
                                                   "alignment_path",
                                                   "alignment_type",
                                                   "deposition_id",
                                                   "files",
                                                   "format",
                                                   "is_portal_standard",
                                                   "last_updated_at",
                                                   "method_type",
                                                   "per_section_alignment_parameters",
                                                   "tilt_offset",
                                                   "tilt_path",
                                                   "tiltseries_path",
                                                   "tiltx_path",
                                                   "volume_dimension",
                                                   "volume_offset",
                                                   "x_rotation_offset"};
const std::vector<std::string_view> kFramesKeys{
    "dose_rate",     "is_gain_corrected", "frames_acquisition_file",
    "deposition_id", "last_updated_at",   "frames"};

namespace {

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find_first_of(",;", start);
        std::string item =
            trim(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start));
        if (!item.empty()) out.push_back(std::move(item));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

// A number read from a field whose unit the schema fixes.
void add_quantity(const FieldReader& r, Record& rec, std::string_view path, std::string_view field,
                  std::string_view source_unit) {
    auto v = r.number(path);
    if (!v) return;
    const Unit* unit = find_unit(source_unit);
    double canonical = unit != nullptr ? to_canonical(*v, *unit) : *v;
    if (!std::isfinite(canonical)) {
        r.warn(path, fmt::format("{} is out of range; left out", format_number(*v)));
        return;
    }
    rec.add_number(field, canonical, format_number(*v), unit != nullptr ? unit->symbol : "");
}

void add_plain_number(const FieldReader& r, Record& rec, std::string_view path,
                      std::string_view field) {
    auto v = r.number(path);
    if (v) rec.add_number(field, *v, format_number(*v), "");
}

void add_text(const FieldReader& r, Record& rec, std::string_view path, std::string_view field) {
    if (auto v = r.text(path)) rec.add(field, *v);
}

// Like add_text, but the pipeline's "not_reported" / "unknown" defaults are no value.
void add_reported(const FieldReader& r, Record& rec, std::string_view path,
                  std::string_view field) {
    if (auto v = r.text(path); v && !is_unreported(*v)) rec.add(field, *v);
}

void add_software(const FieldReader& r, Record& rec, std::string_view path,
                  std::string_view field) {
    auto v = r.text(path);
    if (!v || is_unreported(*v) || fold(*v) == "undefined") return;
    // "Batchruntomo;Batchruntomo" (a doubled run_data_map cell) is one program.
    for (const auto& name : split_list(*v)) {
        add_unique(rec, field, name);
        add_unique(rec, "software", name);
    }
}

void add_bool(const FieldReader& r, Record& rec, std::string_view path, std::string_view field) {
    if (auto v = r.boolean(path)) rec.add_bool(field, *v);
}

void add_dates(const FieldReader& r, Record& rec) {
    if (auto d = r.date("dates.release_date")) rec.add_date("release_date", *d);
    if (auto d = r.date("dates.deposition_date")) rec.add_date("deposition_date", *d);
    if (auto d = r.date("dates.last_modified_date")) rec.add_date("last_modified_date", *d);
}

void add_authors(const FieldReader& r, Record& rec) {
    int i = 0;
    for (const auto* author : r.objects("authors")) {
        FieldReader a(*author, r.context(), fmt::format("authors[{}].", i++));
        if (auto name = a.text("name")) add_unique(rec, "author", *name);
        if (auto orcid = a.text("ORCID")) {
            if (looks_like_orcid(*orcid)) {
                add_unique(rec, "orcid", *orcid);
            } else {
                a.warn("ORCID", fmt::format("'{}' is not an ORCID id (0000-0000-0000-0000); "
                                            "left out",
                                            *orcid));
            }
        }
        if (auto affiliation = a.text("affiliation_name")) {
            add_unique(rec, "affiliation", *affiliation);
        }
    }
}

void add_funding(const FieldReader& r, Record& rec) {
    int i = 0;
    for (const auto* grant : r.objects("funding")) {
        FieldReader g(*grant, r.context(), fmt::format("funding[{}].", i++));
        if (auto agency = g.text("funding_agency_name")) add_unique(rec, "funding", *agency);
        if (auto id = g.text("grant_id")) add_unique(rec, "grant", *id);
    }
}

// "EMPIAR-10988" -> its page, for the database entries the portal links to.
std::string entry_url(std::string_view entry) {
    std::string upper;
    for (char c : entry)
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper.starts_with("EMPIAR-")) {
        return fmt::format("https://www.ebi.ac.uk/empiar/{}/", upper);
    }
    if (upper.starts_with("EMD-")) return fmt::format("https://www.ebi.ac.uk/emdb/{}", upper);
    if (upper.starts_with("PDB-")) {
        return fmt::format("https://www.rcsb.org/structure/{}", upper.substr(4));
    }
    return {};
}

// A publication or database reference as the portal writes them:
// "doi:10.1101/2022.04.12.488077", "10.1101/...", "EMPIAR-10988", "EMD-14412".
void add_reference(Record& rec, std::string_view item) {
    std::string s = trim(strip_doi_prefix(trim(item)));
    if (s.starts_with("10.") && s.find('/') != std::string::npos) {
        if (add_unique(rec, "publication", s)) rec.add_link("doi", "https://doi.org/" + s);
        return;
    }
    if (s.starts_with("http://") || s.starts_with("https://")) {
        rec.add_link("related", s);
        return;
    }
    if (add_unique(rec, "related_entry", s)) rec.add_link("related", entry_url(s));
}

void add_cross_references(const FieldReader& r, Record& rec) {
    if (auto pubs = r.text("cross_references.publications")) {
        for (const auto& p : split_list(*pubs)) add_reference(rec, p);
    }
    if (auto entries = r.text("cross_references.related_database_entries")) {
        for (const auto& e : split_list(*entries)) add_reference(rec, e);
    }
    if (auto links = r.text("cross_references.related_database_links")) {
        for (const auto& l : split_list(*links)) rec.add_link("related", l);
    }
}

// An ontology term object {"name": ..., "id": ...}.
void add_term(const FieldReader& r, Record& rec, std::string_view path, std::string_view field) {
    std::string base(path);
    add_reported(r, rec, base + ".name", field);
    if (auto id = r.text(base + ".id"); id && !is_unreported(*id))
        add_unique(rec, "ontology_id", *id);
}

void add_photo_links(const FieldReader& r, Record& rec, std::string_view object) {
    std::string base(object);
    for (std::string_view kind : {"thumbnail", "snapshot"}) {
        if (auto path = r.text(base + "." + std::string(kind))) {
            rec.add_link(kind, std::string(kCryoetBucketHttps) + *path);
        }
    }
}

}  // namespace

bool is_unreported(std::string_view s) {
    std::string f = fold(s);
    return f == "not_reported" || f == "not reported" || f == "unknown" || f == "none" ||
           f == "n/a" || f == "na";
}

void add_folder_links(Record& rec, std::string_view bucket_dir) {
    rec.add_link("s3", std::string(kCryoetBucketS3) + std::string(bucket_dir));
    rec.add_link("https", std::string(kCryoetBucketHttps) + std::string(bucket_dir));
}

void add_file_link(const FieldReader& r, Record& rec, std::string_view rel,
                   std::string_view field) {
    auto path = r.text(field);
    if (!path) return;
    if (path->starts_with("s3://") || path->starts_with("https://")) {
        rec.add_link(rel, *path);
        return;
    }
    if (path->starts_with('/') || path->find("..") != std::string::npos) {
        r.warn(field, fmt::format("'{}' is not a bucket-relative path; left out", *path));
        return;
    }
    rec.add_link(rel, std::string(kCryoetBucketS3) + *path);
}

void map_dataset(const FieldReader& r, Record& rec) {
    if (auto title = r.text("dataset_title")) rec.title = *title;
    add_text(r, rec, "dataset_description", "description");
    add_reported(r, rec, "organism.name", "organism");
    add_reported(r, rec, "organism.taxonomy_id", "organism_id");
    add_reported(r, rec, "sample_type", "sample_type");
    add_term(r, rec, "tissue", "tissue");
    add_term(r, rec, "cell_type", "cell_type");
    add_term(r, rec, "cell_strain", "cell_strain");
    add_term(r, rec, "cell_component", "cell_component");
    add_term(r, rec, "assay", "assay");
    add_term(r, rec, "development_stage", "development_stage");
    add_term(r, rec, "disease", "disease");
    add_text(r, rec, "sample_preparation", "sample_preparation");
    add_text(r, rec, "grid_preparation", "grid_preparation");
    add_text(r, rec, "other_setup", "other_setup");
    add_authors(r, rec);
    add_funding(r, rec);
    add_cross_references(r, rec);
    add_dates(r, rec);
    if (auto dep = r.text("deposition_id")) rec.add("deposition", *dep);
    add_photo_links(r, rec, "key_photos");
}

void map_deposition(const FieldReader& r, Record& rec) {
    if (auto title = r.text("deposition_title")) rec.title = *title;
    add_text(r, rec, "deposition_description", "description");
    for (const auto& type : r.strings("deposition_types")) add_unique(rec, "deposition_type", type);
    add_text(r, rec, "tag", "tag");
    add_authors(r, rec);
    add_cross_references(r, rec);
    add_dates(r, rec);
    add_photo_links(r, rec, "key_photos");
}

void map_tiltseries(const FieldReader& r, Record& rec) {
    add_plain_number(r, rec, "tilt_series_quality", "quality");
    add_quantity(r, rec, "acceleration_voltage", "acceleration_voltage", "V");
    add_plain_number(r, rec, "binning_from_frames", "binning");
    // Camera and microscope: "<manufacturer> <model>"; a model of "0" comes from
    // a blank spreadsheet cell, not from a camera.
    auto model_of = [&](std::string_view path) -> std::optional<std::string> {
        auto m = r.text(path);
        if (m && (*m == "0" || is_unreported(*m))) {
            r.warn(path, fmt::format("'{}' is not a model name; left out", *m));
            return std::nullopt;
        }
        return m;
    };
    auto camera_maker = r.text("camera.manufacturer");
    auto camera_model = model_of("camera.model");
    if (camera_maker) rec.add("camera_manufacturer", *camera_maker);
    if (camera_maker || camera_model) {
        rec.add("camera", trim(camera_maker.value_or("") + " " + camera_model.value_or("")));
    }
    auto microscope_maker = r.text("microscope.manufacturer");
    auto microscope_model = model_of("microscope.model");
    if (microscope_maker) rec.add("microscope_manufacturer", *microscope_maker);
    if (microscope_maker || microscope_model) {
        rec.add("microscope",
                trim(microscope_maker.value_or("") + " " + microscope_model.value_or("")));
    }
    add_text(r, rec, "microscope.additional_info", "other_setup");
    add_text(r, rec, "microscope_optical_setup.energy_filter", "energy_filter");
    add_text(r, rec, "microscope_optical_setup.phase_plate", "phase_plate");
    add_text(r, rec, "microscope_optical_setup.image_corrector", "image_corrector");
    add_software(r, rec, "data_acquisition_software", "acquisition_software");
    add_software(r, rec, "tilt_alignment_software", "alignment_software");
    add_bool(r, rec, "is_aligned", "aligned");
    add_quantity(r, rec, "pixel_spacing", "pixel_spacing", "Å");
    add_quantity(r, rec, "spherical_aberration_constant", "spherical_aberration", "mm");
    add_quantity(r, rec, "tilt_axis", "tilt_axis", "°");
    add_quantity(r, rec, "tilt_step", "tilt_step", "°");
    auto lo = r.number("tilt_range.min");
    auto hi = r.number("tilt_range.max");
    if (lo) rec.add_number("tilt_min", *lo, format_number(*lo), "°");
    if (hi) rec.add_number("tilt_max", *hi, format_number(*hi), "°");
    if (lo && hi) {
        if (!std::isfinite(*hi - *lo)) {
            r.warn("tilt_range", "max - min is out of range; range left out");
        } else if (*hi < *lo) {
            r.warn("tilt_range", fmt::format("max {} is below min {}; range left out",
                                             format_number(*hi), format_number(*lo)));
        } else {
            rec.add_number("tilt_range", *hi - *lo, format_number(*hi - *lo), "°");
        }
    }
    add_text(r, rec, "tilting_scheme", "tilting_scheme");
    add_quantity(r, rec, "total_flux", "total_flux", "e⁻/Å²");
    if (auto empiar = r.text("related_empiar_entry")) add_reference(rec, *empiar);
    if (auto dep = r.text("deposition_id")) rec.add("deposition", *dep);
    add_file_link(r, rec, "mrc", "mrc_file");
    add_file_link(r, rec, "zarr", "omezarr_dir");
    add_file_link(r, rec, "tlt", "raw_tlt_path");
}

void map_tomogram(const FieldReader& r, Record& rec,
                  const std::map<std::string, Alignment>& alignments) {
    add_quantity(r, rec, "voxel_spacing", "voxel_spacing", "Å");
    add_reported(r, rec, "reconstruction_method", "reconstruction");
    add_software(r, rec, "reconstruction_software", "reconstruction_software");
    add_text(r, rec, "processing", "processing");
    add_software(r, rec, "processing_software", "processing_software");
    add_software(r, rec, "align_software", "alignment_software");
    add_bool(r, rec, "ctf_corrected", "ctf_corrected");
    add_text(r, rec, "fiducial_alignment_status", "fiducial_alignment");
    add_bool(r, rec, "is_visualization_default", "visualization_default");
    add_plain_number(r, rec, "tomogram_version", "tomogram_version");
    add_authors(r, rec);
    add_dates(r, rec);
    if (auto dep = r.text("deposition_id")) rec.add("deposition", *dep);
    if (auto path = r.text("alignment_metadata_path")) {
        auto it = alignments.find(*path);
        if (it != alignments.end()) {
            if (!it->second.method.empty()) rec.add("alignment_method", it->second.method);
            if (!it->second.type.empty()) rec.add("alignment_type", it->second.type);
        } else {
            r.warn("alignment_metadata_path",
                   fmt::format("'{}' names no alignment in this run; alignment left out", *path));
        }
    }
    add_file_link(r, rec, "mrc", "mrc_file");
    add_file_link(r, rec, "zarr", "omezarr_dir");
    add_file_link(r, rec, "neuroglancer", "neuroglancer_config_path");
    add_photo_links(r, rec, "key_photo");
}

void map_annotation(const FieldReader& r, Record& rec) {
    if (auto name = r.text("annotation_object.name")) {
        rec.title = *name;
        rec.add("object", *name);
    }
    if (auto id = r.text("annotation_object.id")) rec.add("object_id", *id);
    add_text(r, rec, "annotation_object.description", "object_description");
    add_text(r, rec, "annotation_method", "annotation_method");
    add_reported(r, rec, "method_type", "method");
    add_software(r, rec, "annotation_software", "annotation_software");
    add_bool(r, rec, "ground_truth_status", "ground_truth");
    add_bool(r, rec, "is_curator_recommended", "curator_recommended");
    add_plain_number(r, rec, "version", "annotation_version");
    add_plain_number(r, rec, "object_count", "object_count");
    add_plain_number(r, rec, "confidence.precision", "precision");
    add_plain_number(r, rec, "confidence.recall", "recall");
    int i = 0;
    for (const auto* file : r.objects("files")) {
        FieldReader f(*file, r.context(), fmt::format("files[{}].", i++));
        if (auto shape = f.text("shape")) add_unique(rec, "shape", *shape);
        if (auto format = f.text("format")) add_unique(rec, "format", *format);
        add_file_link(f, rec, "file", "path");
    }
    add_authors(r, rec);
    add_dates(r, rec);
    if (auto pubs = r.text("annotation_publications")) {
        for (const auto& p : split_list(*pubs)) add_reference(rec, p);
    }
    i = 0;
    for (const auto* link : r.objects("method_links")) {
        FieldReader l(*link, r.context(), fmt::format("method_links[{}].", i++));
        if (auto url = l.text("link")) rec.add_link("method", *url);
    }
    if (auto dep = r.text("deposition_id")) rec.add("deposition", *dep);
}

void map_frames(const FieldReader& r, Record& run) {
    add_quantity(r, run, "dose_rate", "dose_rate", "e⁻/Å²/s");
    add_bool(r, run, "is_gain_corrected", "gain_corrected");
    add_file_link(r, run, "frames", "frames_acquisition_file");
}

Alignment read_alignment(const FieldReader& r) {
    Alignment a;
    if (auto m = r.text("method_type"); m && !is_unreported(*m) && fold(*m) != "undefined") {
        a.method = *m;
    }
    if (auto t = r.text("alignment_type")) a.type = *t;
    return a;
}

}  // namespace atlas::detail::cryoet
