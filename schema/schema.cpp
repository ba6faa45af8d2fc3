// schema.cpp - the field table and the term helpers.
//
// Rows are data.  Invariants the tests check: names and prefixes are unique,
// prefixes are "X" + upper-case letters, and slots are unique and >= 10.  One
// prefix may begin another (XORG, XORGID): a term still names its field
// unambiguously because what follows a prefix never starts with an upper-case
// letter (words are lower-cased; exact values follow '=').
//
// Every number row ends in .within(min, max): its plausible range in the
// row's display unit.  The bounds are physical or domain limits, not the
// corpus's spread: a quality scale of 1 to 5; tilts within +-90 degrees; a
// microscope's voltage from a 5 kV benchtop to a 3 MV high-voltage instrument;
// Cs down to -1 mm (correctors tune it negative); pixels and voxels from a
// hundredth of an angstrom to a millimetre (atomic-resolution images to whole-
// organ overviews); a human lifespan of 125 years for ages and day counts;
// body weight and height of any person from a premature newborn to the largest
// on record.  The full corpus trips only values that cannot be (README, "Loud
// about bad input").
#include "schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "csv_reader.h"
#include "scales_data.h"
#include "text.h"

namespace atlas {
namespace {

using T = FieldType;
using D = Dimension;

// clang-format off
constexpr std::array kFields{
    // --- every record ----------------------------------------------------------------------
    // Their help lists the registry's kinds and portals (field_specs, portals.def).
    FieldSpec{"kind", T::identifier, "XK", -1, 0, false, D::none, "", "Kind", "record kind"},
    FieldSpec{"source", T::identifier, "XSRC", -1, 0, false, D::none, "", "Source",
              "portal the record comes from"},
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
    FieldSpec{"assay", T::keyword, "XAS", -1, 2, true, D::none, "", "Assay",
              "assay name (CyCIF, scRNA-seq, cryo-electron tomography)"},
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
              "tilt-series quality score, 1 (low) to 5 (excellent), or its label "
              "(quality:good, quality:>=good); on datasets and runs, any of their tilt series",
              "", "", '\0', "quality"}.within(1, 5),
    FieldSpec{"quality_best", T::number, "", 14, 0, false, D::none, "", "Best quality",
              "best tilt-series quality among a dataset's or run's tilt series", "", "",
              '\0', "quality"}.within(1, 5),
    FieldSpec{"quality_mean", T::number, "", 15, 0, false, D::none, "", "Mean quality",
              "mean tilt-series quality among a dataset's or run's tilt series", "", "",
              '\0', "quality"}.within(1, 5),
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
              "Acceleration voltage", "acceleration voltage (300kV)"}.within(5, 3000),
    FieldSpec{"spherical_aberration", T::number, "", 17, 0, true, D::length, "mm",
              "Spherical aberration", "spherical aberration constant (2.7mm)"}.within(-1, 10),
    FieldSpec{"pixel_spacing", T::number, "", 18, 0, true, D::length, "Å", "Pixel spacing",
              "tilt-series pixel spacing"}.within(0.01, 1e7),
    FieldSpec{"tilt_min", T::number, "", 19, 0, true, D::angle, "°", "Min tilt",
              "lowest tilt angle"}.within(-90, 90),
    FieldSpec{"tilt_max", T::number, "", 20, 0, true, D::angle, "°", "Max tilt",
              "highest tilt angle"}.within(-90, 90),
    FieldSpec{"tilt_range", T::number, "", 21, 0, true, D::angle, "°", "Tilt range",
              "tilt range, max - min (120° for -60..60)"}.within(0, 180),
    FieldSpec{"tilt_step", T::number, "", 22, 0, true, D::angle, "°", "Tilt step",
              "tilt step"}.within(0.01, 90),
    FieldSpec{"tilt_axis", T::number, "", 23, 0, true, D::angle, "°", "Tilt axis",
              "tilt axis angle"}.within(-360, 360),
    FieldSpec{"tilting_scheme", T::keyword, "XTSC", -1, 1, true, D::none, "", "Tilting scheme",
              "tilting scheme (dose symmetric, min to max tilt, ...)"},
    FieldSpec{"total_flux", T::number, "", 24, 0, true, D::electron_dose, "e⁻/Å²", "Total flux",
              "total electron flux"}.within(0.01, 1e5),
    FieldSpec{"dose_rate", T::number, "", 25, 0, true, D::dose_rate, "e⁻/Å²/s", "Dose rate",
              "camera dose rate of the frames"}.within(0.001, 1e4),
    FieldSpec{"binning", T::number, "", 26, 0, true, D::none, "", "Binning from frames",
              "binning from frames"}.within(0.5, 64),
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
              "voxel spacing (13.48, <10A, 1..2nm); on datasets and runs, any of theirs"}
        .within(0.1, 1e5),
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
              "tomogram version"}.within(0, 1000),
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
              "Annotation version", "annotation version"}.within(0, 1000),
    FieldSpec{"precision", T::number, "", 36, 0, false, D::none, "", "Precision",
              "annotation precision against ground truth, 0 to 1"}.within(0, 1),
    FieldSpec{"recall", T::number, "", 37, 0, false, D::none, "", "Recall",
              "annotation recall against ground truth, 0 to 1"}.within(0, 1),
    FieldSpec{"object_count", T::number, "", 38, 0, false, D::none, "", "Object count",
              "number of annotated objects"}.within(0, 1e9),
    // --- HTAN: atlases, participants, biospecimens, files -----------------------------------
    FieldSpec{"atlas", T::identifier, "XATL", -1, 1, true, D::none, "", "Atlas",
              "HTAN atlas id (HTA1); other words search atlas names", "", "atlas_name"},
    FieldSpec{"atlas_name", T::keyword, "XATN", -1, 1, true, D::none, "", "Atlas name",
              "HTAN atlas name (HTAN HTAPP)"},
    FieldSpec{"htan_id", T::identifier, "XHID", -1, 1, true, D::none, "", "HTAN id",
              "HTAN participant, biospecimen or file id, whole or by prefix (HTA1, HTA1_313)", "", "",
              '_'},
    FieldSpec{"participant", T::identifier, "XPAR", -1, 0, true, D::none, "", "Participant",
              "HTAN participant id (HTA1_313)"},
    FieldSpec{"biospecimen", T::identifier, "XBIO", -1, 0, true, D::none, "", "Biospecimen",
              "HTAN biospecimen id (HTA1_313_9321011)"},
    FieldSpec{"parent_file", T::identifier, "XPF", -1, 0, true, D::none, "", "Parent file",
              "HTAN data file id of a file this one was derived from"},
    FieldSpec{"synapse_id", T::identifier, "XSYN", -1, 0, true, D::none, "", "Synapse id",
              "Synapse entity id (syn26127156)"},
    FieldSpec{"organ", T::keyword, "XORGN", -1, 2, true, D::none, "", "Organ",
              "organ: HTAN's coarse organ (Colon, Breast), Human Organ Atlas organ (lung)"},
    FieldSpec{"organ_detail", T::keyword, "XORGD", -1, 1, true, D::none, "", "Organ (detailed)",
              "tissue or organ of origin as recorded (Colon NOS, Sigmoid colon)"},
    FieldSpec{"primary_diagnosis", T::keyword, "XPDX", -1, 2, true, D::none, "",
              "Primary diagnosis", "primary diagnosis (Adenocarcinoma NOS)"},
    FieldSpec{"sex", T::keyword, "XSEX", -1, 0, true, D::none, "", "Sex / gender",
              "sex or gender: female, male (HTAN Gender, Human Organ Atlas sex M/F); gender: "
              "works too"},
    FieldSpec{"race", T::keyword, "XRACE", -1, 0, true, D::none, "", "Race", "race (HTAN)"},
    FieldSpec{"ethnicity", T::keyword, "XETH", -1, 0, true, D::none, "", "Ethnicity",
              "ethnicity (HTAN)"},
    FieldSpec{"vital_status", T::keyword, "XVST", -1, 0, true, D::none, "", "Vital status",
              "vital status: Alive, Dead"},
    FieldSpec{"treatment", T::keyword, "XTRT", -1, 1, true, D::none, "", "Treatment",
              "treatment or therapy (HTAN therapy type, prior treatment)"},
    FieldSpec{"tumor_grade", T::keyword, "XTG", -1, 0, true, D::none, "", "Tumor grade",
              "tumor grade (G2)"},
    FieldSpec{"stage", T::keyword, "XSTG", -1, 0, true, D::none, "", "Stage",
              "AJCC pathologic or clinical stage"},
    FieldSpec{"age", T::number, "", 39, 0, true, D::time, "y", "Age",
              "age at diagnosis (HTAN) or death (Human Organ Atlas), years by default "
              "(age:>=60, age:>=21900d)"}.within(0, 125),
    FieldSpec{"age_group", T::keyword, "XAGE", -1, 0, true, D::none, "", "Age group",
              "age bucket, from the age or as the Human Organ Atlas records it: under 18 "
              "(age_group:<18) or 18 or over (age_group:>18)",
              "", "", '\0', "", "<18=under 18|>18=18 or over|>=18=18 or over"},
    FieldSpec{"days_to_followup", T::number, "", 40, 0, true, D::time, "d",
              "Days to last follow-up", "days from diagnosis to last follow-up (HTAN)"}
        .within(0, 45625),
    FieldSpec{"collection_day", T::number, "", 41, 0, true, D::time, "d",
              "Collection day", "biospecimen collection, days from index (HTAN)"}
        .within(-45625, 45625),
    FieldSpec{"biospecimen_type", T::keyword, "XBST", -1, 0, true, D::none, "",
              "Biospecimen type", "biospecimen type (Tissue Biospecimen Type)"},
    FieldSpec{"acquisition_method", T::keyword, "XACQ", -1, 0, true, D::none, "",
              "Acquisition method", "biospecimen acquisition (Surgical Resection, Biopsy)"},
    FieldSpec{"preservation", T::keyword, "XPRES", -1, 0, true, D::none, "", "Preservation",
              "preservation or storage (FFPE, Fresh, Frozen)"},
    FieldSpec{"tumor_tissue_type", T::keyword, "XTTT", -1, 0, true, D::none, "",
              "Tumor tissue type", "tumor tissue type (Primary, Normal, Metastatic)"},
    FieldSpec{"level", T::keyword, "XLVL", -1, 0, true, D::none, "", "Level",
              "HTAN data level (Level 1 .. Level 4, Auxiliary)"},
    FieldSpec{"data_access", T::keyword, "XACC", -1, 0, true, D::none, "", "Data access",
              "where a file is downloaded: Synapse, CDS/SB-CGC (open access), dbGaP (controlled), "
              "Coming Soon"},
    FieldSpec{"viewer", T::keyword, "XVWR", -1, 0, true, D::none, "", "Viewer",
              "viewers of a file: Minerva, Minerva story, IDC, CELLxGENE, ISB-CGC, UCSC Xena"},
    FieldSpec{"file_name", T::keyword, "XFN", -1, 1, true, D::none, "", "File name",
              "file name (CRC02.ome.tif)"},
    FieldSpec{"file_size", T::number, "", 42, 0, true, D::data_size, "B", "File size",
              "file or dataset size (10GB, <1MiB)"}.within(0, 1e15),
    FieldSpec{"drs_uri", T::identifier, "XDRS", -1, 0, true, D::none, "", "DRS URI",
              "GA4GH DRS URI of a file (drs://nci-crdc.datacommons.io/dg.4DFC/...)"},
    FieldSpec{"pmid", T::identifier, "XPMID", -1, 0, true, D::none, "", "PubMed id",
              "PubMed id (34450029)", "pmid:|https://pubmed.ncbi.nlm.nih.gov/"},
    FieldSpec{"journal", T::keyword, "XJNL", -1, 1, true, D::none, "", "Journal",
              "journal or place of publication"},
    FieldSpec{"year", T::number, "", 43, 0, false, D::none, "", "Year",
              "year of publication"}.within(1665, 2100),
    // --- Minerva stories ----------------------------------------------------------------------
    FieldSpec{"story", T::identifier, "XSTY", -1, 0, true, D::none, "", "Minerva story",
              "Minerva story (exhibit) name (crc02-overview)"},
    FieldSpec{"marker", T::keyword, "XMRK", -1, 1, true, D::none, "", "Marker",
              "channel group or marker name of an image (CD45; Hoechst for Hoechst1..9)"},
    // --- Human Organ Atlas ---------------------------------------------------------------------
    FieldSpec{"donor", T::identifier, "XDON", -1, 1, true, D::none, "", "Donor",
              "Human Organ Atlas donor id (LADAF-2020-27, A129)"},
    FieldSpec{"organ_context", T::keyword, "XOCX", -1, 1, true, D::none, "", "Organ context",
              "where in the organ (left, upper_lobe)"},
    FieldSpec{"dataset_type", T::keyword, "XDTYP", -1, 0, true, D::none, "", "Dataset type",
              "overview (whole organ) or zoom (volume of interest)"},
    FieldSpec{"voxel_size", T::number, "", 44, 0, true, D::length, "µm", "Voxel size",
              "isotropic voxel size of a scan (voxel_size:<5um)"}.within(0.001, 1e4),
    FieldSpec{"beamline", T::keyword, "XBML", -1, 1, true, D::none, "", "Beamline",
              "beamline (BM05, BM18)"},
    FieldSpec{"fixation", T::keyword, "XFIX", -1, 0, true, D::none, "", "Fixation",
              "fixation medium or method (formalin, ethanol, perfusion)"},
    FieldSpec{"cause_of_death", T::keyword, "XCOD", -1, 1, true, D::none, "", "Cause of death",
              "cause of death, normalised (Covid = COVID-19), original kept"},
    FieldSpec{"medical_history", T::text, "XMH", -1, 1, false, D::none, "", "Medical history",
              "donor medical history (free text)"},
    FieldSpec{"body_weight", T::number, "", 45, 0, false, D::mass, "kg", "Weight",
              "donor weight (70kg)"}.within(0.2, 650),
    FieldSpec{"body_height", T::number, "", 46, 0, false, D::length, "cm", "Height",
              "donor height (170cm, 1.7m)"}.within(20, 275),
    FieldSpec{"scan_date", T::date, "", 47, 0, false, D::none, "", "Scan date", "date of the scan"},
    FieldSpec{"scan_range", T::number, "", 48, 0, false, D::angle, "°", "Scan range",
              "rotation range of the scan (360°)"}.within(1, 7200),
    FieldSpec{"exposure_time", T::number, "", 49, 0, false, D::time, "s", "Exposure time",
              "exposure time per frame"}.within(1e-6, 3600),
    FieldSpec{"sample_detector_distance", T::number, "", 50, 0, false, D::length, "mm",
              "Sample-detector distance", "propagation distance, sample to detector"}
        .within(0, 1e5),
    FieldSpec{"source_sample_distance", T::number, "", 51, 0, false, D::length, "m",
              "Source-sample distance", "distance from the source to the sample"}.within(0, 2000),
    FieldSpec{"scan_setup", T::keyword, "XSCS", -1, 1, true, D::none, "", "Scan setup",
              "optics, scintillator, sensor, filters and solvent of a scan"},
    FieldSpec{"proposal", T::identifier, "XPROP", -1, 1, true, D::none, "", "Proposal",
              "beamtime proposal number (md1290)"},
    FieldSpec{"doi", T::identifier, "XDOI", -1, 1, true, D::none, "", "DOI",
              "DOI of the record itself (10.15151/ESRF-DC-572252538)",
              "doi:|https://doi.org/|http://doi.org/|https://dx.doi.org/"},
    // --- PaNOSC -------------------------------------------------------------------------------
    FieldSpec{"technique", T::keyword, "XTEC", -1, 2, true, D::none, "", "Technique",
              "experimental technique (x-ray absorption, HiP-CT)"},
    FieldSpec{"technique_id", T::identifier, "XTECI", -1, 0, true, D::none, "", "Technique id",
              "PaNET technique id (PaNET01227)", "http://purl.org/pan-science/panet/"},
    FieldSpec{"instrument", T::keyword, "XINS", -1, 1, true, D::none, "", "Instrument",
              "instrument name (LoKI)"},
    FieldSpec{"facility", T::keyword, "XFAC", -1, 1, true, D::none, "", "Facility",
              "facility (ESS, ESRF)"},
    FieldSpec{"sample", T::keyword, "XSMP", -1, 1, true, D::none, "", "Sample",
              "sample name"},
    FieldSpec{"document_type", T::keyword, "XDOCT", -1, 0, true, D::none, "", "Document type",
              "PaNOSC document type (publication, proposal)"},
    FieldSpec{"chemical_formula", T::identifier, "XCHEM", -1, 1, true, D::none, "",
              "Chemical formula", "sample chemical formula (Cu)"},
    FieldSpec{"sample_state", T::keyword, "XSSTA", -1, 0, true, D::none, "", "Sample state",
              "sample state (solid, liquid)"},
    FieldSpec{"photon_energy", T::number, "", 52, 0, true, D::energy, "keV", "Photon energy",
              "incident photon energy (880..990eV, 0.88..0.99keV; X-ray energy of a scan)"}
        .within(1e-6, 1e4),
    FieldSpec{"sample_temperature", T::number, "", 53, 0, true, D::temperature, "K",
              "Sample temperature", "sample temperature (<80C, <353.15K, <176F)"}
        .within(0.001, 1e4),
    FieldSpec{"wavelength", T::number, "", 54, 0, true, D::length, "nm", "Wavelength",
              "incident wavelength (1064nm)"}.within(1e-5, 1e7),
    FieldSpec{"sample_pressure", T::number, "", 55, 0, true, D::pressure, "Pa",
              "Sample pressure", "sample pressure (1bar, <100kPa)"}.within(0, 1e12),
    FieldSpec{"parameter", T::keyword, "XPRM", -1, 1, true, D::none, "", "Parameter",
              "any other recorded parameter as name=value unit"},
    // --- roll-up counts --------------------------------------------------------------------
    FieldSpec{"dataset_count", T::number, "", 30, 0, false, D::none, "", "Datasets",
              "datasets of a deposition"}.within(0, 1e9),
    FieldSpec{"run_count", T::number, "", 31, 0, false, D::none, "", "Runs",
              "runs of a dataset or deposition"}.within(0, 1e9),
    FieldSpec{"tiltseries_count", T::number, "", 32, 0, false, D::none, "", "Tilt series",
              "tilt series of a dataset or run"}.within(0, 1e9),
    FieldSpec{"tomogram_count", T::number, "", 33, 0, false, D::none, "", "Tomograms",
              "tomograms of a dataset or run"}.within(0, 1e9),
    FieldSpec{"annotation_count", T::number, "", 34, 0, false, D::none, "", "Annotations",
              "annotations of a dataset, run or deposition"}.within(0, 1e9),
    FieldSpec{"file_count", T::number, "", 56, 0, false, D::none, "", "Files",
              "files of an atlas, participant, biospecimen or dataset"}.within(0, 1e9),
    FieldSpec{"biospecimen_count", T::number, "", 57, 0, false, D::none, "", "Biospecimens",
              "biospecimens of an atlas or participant"}.within(0, 1e9),
    FieldSpec{"participant_count", T::number, "", 58, 0, false, D::none, "", "Participants",
              "participants of an atlas"}.within(0, 1e9),
    FieldSpec{"organ_count", T::number, "", 59, 0, false, D::none, "", "Organs",
              "organs of a donor"}.within(0, 1e9),
    FieldSpec{"ground_truth_count", T::number, "", 35, 0, false, D::none, "",
              "Ground-truth annotations", "ground-truth annotations of a dataset or run"}
        .within(0, 1e9),
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

std::span<const FieldSpec> field_specs() {
    // The rows, with the help of kind and source completed from the registry.
    static const std::string kind_help = fmt::format("record kind: {}", kinds_by_portal());
    static const std::string source_help = fmt::format("portal the record comes from: {}",
                                                       fmt::join(known_source_names(), ", "));
    static const auto fields = [] {
        std::array<FieldSpec, kFields.size()> out = kFields;
        for (auto& f : out) {
            if (f.name == "kind") f.help = kind_help;
            if (f.name == "source") f.help = source_help;
        }
        return out;
    }();
    return fields;
}

namespace {

// Every embedded scale, parsed once.  A malformed scale file is a build
// defect: the tests check every file parses into levels.
const std::map<std::string, std::vector<ScaleLevel>, std::less<>>& scales() {
    static const auto parsed = [] {
        std::map<std::string, std::vector<ScaleLevel>, std::less<>> out;
        for (const auto& [name, text] : detail::scale_csv_files()) {
            auto table = detail::parse_csv(text);
            if (!table.ok()) continue;
            const auto& t = table.value();
            auto rating = t.column("rating"), label = t.column("label");
            auto description = t.column("description");
            if (!rating || !label) continue;
            auto& levels = out[std::string(name)];
            for (const auto& row : t.rows) {
                auto number = parse_number_text(row[*rating]);
                if (!number || !number->unit.empty()) continue;
                levels.push_back({number->value, row[*label],
                                  description ? row[*description] : std::string()});
            }
            std::sort(levels.begin(), levels.end(),
                      [](const ScaleLevel& a, const ScaleLevel& b) { return a.rating > b.rating; });
        }
        return out;
    }();
    return parsed;
}

}  // namespace

bool is_sortable(const FieldSpec& spec) {
    return spec.type == FieldType::number || spec.type == FieldType::date ||
           spec.name == "title" || spec.name == "id" || spec.name == "kind";
}

bool is_facet(const FieldSpec& spec) {
    // Identifiers of one record (or a handful) each, and keywords that are names
    // of single files: filters on them use Xapian's terms, never the columns.
    static constexpr std::array<std::string_view, 15> kNotFacets{
        "id",        "run",         "htan_id",     "participant", "biospecimen",
        "parent_file", "synapse_id", "drs_uri",    "pmid",        "doi",
        "file_name", "orcid",       "publication", "related_entry", "grant"};
    switch (spec.type) {
        case FieldType::keyword:
        case FieldType::identifier:
        case FieldType::boolean:
            return std::find(kNotFacets.begin(), kNotFacets.end(), spec.name) == kNotFacets.end();
        default:
            return false;
    }
}

std::optional<std::string_view> value_alias(const FieldSpec& spec, std::string_view typed) {
    std::string folded = fold(typed);
    std::string_view rest = spec.value_aliases;
    while (!rest.empty()) {
        auto bar = rest.find('|');
        std::string_view pair = rest.substr(0, bar);
        rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
        auto eq = pair.find('=', 1);
        if (eq == std::string_view::npos) continue;
        if (fold(pair.substr(0, eq)) == folded) return pair.substr(eq + 1);
    }
    return std::nullopt;
}

std::span<const ScaleLevel> field_scale(const FieldSpec& spec) {
    if (spec.scale.empty()) return {};
    auto it = scales().find(spec.scale);
    if (it == scales().end()) return {};
    return it->second;
}

std::string_view scale_label(const FieldSpec& spec, double rating) {
    for (const auto& level : field_scale(spec)) {
        if (level.rating == rating) return level.label;
    }
    return {};
}

const FieldSpec* find_field(std::string_view name) {
    // Other names people use for a field: HTAN calls sex "Gender".
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 1> kAliases{
        {{"gender", "sex"}}};
    for (const auto& [alias, field] : kAliases) {
        if (name == alias) name = field;
    }
    // Looked up for every value of every record a build writes: by hash, not
    // by walking the table (1.5 % of a build's time).
    static const std::unordered_map<std::string_view, const FieldSpec*> by_name = [] {
        std::unordered_map<std::string_view, const FieldSpec*> out;
        for (const auto& f : field_specs()) out.emplace(f.name, &f);
        return out;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

std::string_view closest_field(std::string_view name) {
    std::string_view best;
    std::size_t best_distance = 3;  // anything further is not a typo of it
    for (const auto& f : field_specs()) {
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

bool is_doi(std::string_view s) {
    if (!s.starts_with("10.")) return false;
    auto slash = s.find('/');
    if (slash == std::string_view::npos || slash == 3 || slash + 1 == s.size()) return false;
    return std::all_of(s.begin() + 3, s.begin() + static_cast<std::ptrdiff_t>(slash), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
    });
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

namespace {
std::string qualified_term(std::string_view prefix, const FieldSpec& spec,
                           std::string_view exact_value) {
    std::string t(prefix);
    t += spec.name;
    t += kExactMarker;
    t += exact_value;
    // Xapian refuses terms over 245 bytes; ids that long are still found by
    // their words and exact field terms.
    if (t.size() > 240) t.resize(240);
    return t;
}
}  // namespace

std::string identity_term(const FieldSpec& spec, std::string_view exact_value) {
    return qualified_term(kIdentityPrefix, spec, exact_value);
}

std::string reference_term(const FieldSpec& spec, std::string_view exact_value) {
    return qualified_term(kReferencePrefix, spec, exact_value);
}

std::string own_term(const FieldSpec& spec, std::string_view exact_value) {
    return qualified_term(kOwnPrefix, spec, exact_value);
}

bool is_identity_field(const FieldSpec& spec) {
    // object_id: what an annotation is of ("GO:0022626" is what a cytosolic
    // ribosome annotation annotates); a dataset listing it among its sample's
    // ontology ids only refers to it.
    static constexpr std::array<std::string_view, 6> names{"htan_id", "synapse_id", "drs_uri",
                                                           "doi",     "pmid",       "object_id"};
    return std::find(names.begin(), names.end(), spec.name) != names.end();
}

bool is_reference_field(const FieldSpec& spec) {
    return spec.type == FieldType::identifier && spec.name != "kind" && spec.name != "source" &&
           spec.name != "format";
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

}  // namespace atlas
