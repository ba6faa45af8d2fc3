// panosc_export.h - the generation's PaNOSC file: every record that is a PaNOSC object, as a line.
//
// atlas-index writes <gen>/panosc.jsonl (kPanoscFile; the format is
// schema/panosc_format.h) beside the column file, streaming one line per
// top-level PaNOSC object in the order the records are accepted (carried-over
// records too; a CryoET run's once the records below it have passed, see
// below).  What each portal's records become:
//
// PaNOSC dumps (source panosc): the dump's own Datasets, Documents and
//   Instruments, each its row as the source wrote it with its relations in
//   full (Record::panosc, made by index/adapters/panosc_objects.h), "record"
//   added.  Its techniques, samples, files and parameters are inside them.
//
// Human Organ Atlas (source hoa), as the HOA portal's ICAT backend gives it:
//   a dataset (one scan) -> a Dataset: pid = the record id, title, isPublic
//     true, creationDate = scan_date, instrumentId = "ESRF/<beamline>",
//     documents = its DOIs; parameters under ICAT's names (SamplePatient_*
//     for the donor and organ, TOMO_* for the scan: the table kHoaParameters
//     in panosc_export.cpp), numbers in the unit the source wrote; samples =
//     its organ {pid = the organ record's id, name "<organ> of donor <donor>",
//     description = organ context and fixation}; techniques = HiP-CT
//     {pid "hoa:technique:hip-ct", name = the record's technique}; files = [].
//   each beamline -> an Instrument {pid "ESRF/BM18", name "BM18", facility
//     "ESRF"}, once, with "record": "".
//   each DOI -> a Document, once: {pid = doi = the DOI, type "collection",
//     title = the citation title (the dataset's title), isPublic true,
//     members = its authors in order (role "author", person {id
//     "<doi>/author-<i>", fullName}), parameters []}, "record" = the first
//     dataset naming it.
//
// CryoET Data Portal (source cryoet), where the model fits:
//   a dataset -> a Document: pid = the record id, type "collection", title,
//     summary = description, releaseDate, doi if the record has one,
//     isPublic true, members = its authors as above, parameters [].
//   a run -> a Dataset: pid = the record id, title "<dataset title> — <run>",
//     isPublic true, creationDate = its dataset's release_date (the run's own
//     if it ever has one), documents = [its dataset's record id], instrumentId
//     = "cryoet:microscope:<microscope, lower-cased>"; parameters named by
//     their fields: first the run's numbers (kCryoetRunParameters: voxel and
//     pixel spacing, acceleration voltage, dose rate, quality; its own and
//     those the adapter rolls up from its tilt series and tomograms), then its
//     tilt series' (kCryoetTiltSeriesParameters: tilt min, max, range, axis
//     and step, total flux, spherical aberration, binning), a name, value and
//     unit listed once however many tilt series give it; samples = [{pid
//     "<run id>/sample", name = organism, description = sample type, tissue,
//     cell type}]; techniques = [cryo-electron tomography]; files = [].
//   each microscope -> an Instrument {pid, name}, once, with "record": "".
//   Depositions, tilt series, tomograms and annotations are not objects of
//   their own: the model has no place for them beside a run (its Dataset),
//   and a tilt series' numbers are its run's parameters.
//
//   A run's line waits for its tilt series.  The adapter gives a run's tilt
//   series, tomograms and annotations right after the run, so the exporter
//   holds one run (a copy of its record and its tilt series' values) and
//   writes it when a record not below it comes, or at finish().  The release
//   dates of the CryoET datasets seen are remembered (a few hundred), as each
//   dataset comes before its runs.  Records carried over from the previous
//   generation may come in another order: a tilt series whose run is not the
//   one held adds nothing (its run's line is written without it, or was), and
//   a run whose dataset has not been seen has no creationDate.  Neither is an
//   error.
//
// HTAN and Minerva: not exported.  Their records are clinical and imaging
// metadata of participants, biospecimens, files and atlases, not the
// experiments at a facility's instrument the PaNOSC model describes; a
// Dataset without instrument, technique or parameters would say nothing.
//
// Parameters of the mapped portals: ids 1..n in the tables' order (a field
// with several values gives several; a name, value and unit already listed is
// not listed again), "datasetId" = the Dataset's pid; a number's "value" is a
// JSON number in the unit the source wrote and "unit" that unit's symbol (the
// field's canonical unit when the source wrote none); other values are their
// text with "unit" "".
#pragma once

#include <filesystem>
#include <memory>

#include "atlas/error.h"
#include "schema/record.h"

namespace atlas::detail {

class PanoscExport {
  public:
    // Creates (or empties) the file.  Errors: io.
    static Result<std::unique_ptr<PanoscExport>> create(const std::filesystem::path& path);
    ~PanoscExport();

    // Writes the record's lines, if it is a PaNOSC object, after the CryoET
    // run held back if the record is not below it.  Errors: io (the
    // file cannot be written: the build fails), corrupt (the record's own
    // Record::panosc is no line of the format: nothing written, the file is
    // still good).
    Status add(const Record& record);
    // Writes the CryoET run held back, flushes and closes the file.  Errors: io.
    Status finish();

    struct Lines;  // the file and the pids written (panosc_export.cpp)

  private:
    explicit PanoscExport(std::unique_ptr<Lines> lines);
    std::unique_ptr<Lines> lines_;
};

}  // namespace atlas::detail
