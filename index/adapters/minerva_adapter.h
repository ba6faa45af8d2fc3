// minerva_adapter.h - Minerva stories: the exhibit JSON files of labsyspharm's atlas sites.
//
// The root is a directory.  Every `exhibits/*.json` under it is a story
// (`<root>/<repo>/exhibits/*.json`, or `<root>/exhibits/*.json` when the root
// is one repository); other JSON (minerva-story's own exhibit.json example)
// is not.  A story's id is minerva:story:<exhibit name>, the file's stem
// (minerva:story:crc02-overview): the name its published page has, so ids
// stay stable as long as the site's URLs do.  Two repositories with an
// exhibit of the same name are an error for the second, naming both files.
//
// The repository (the exhibit folder's parent, without the corpus's
// "labsyspharm_" owner prefix) is the story's `tag` and gives its viewer link
//   https://labsyspharm.github.io/<repo>/<folder>/<exhibit name>.html
// where <folder> is "minerva" (HTA-CRCATLAS-1) unless the HTAN portal's
// minerva-story-mappings.json shows the repository publishing under another
// one (HTA-MELATLAS-1 uses "stories").  That mapping file (file name -> story
// URL), found anywhere under the root, also names the HTAN image files each
// story shows: they become the story's `file_name` values, and the HTAN
// adapter gives those files the `story` value this adapter gives the story,
// so story:crc02-overview finds both.
//
// Fields: title (the exhibit's Name, else its Header, else the exhibit
// name), description (Header, story and waypoint names and texts, image
// descriptions; markdown reduced to text), marker (channel groups and
// channels), story, tag, file_name; links to the image pyramids (https).
#pragma once

#include <filesystem>
#include <memory>

#include "adapter.h"

namespace atlas::detail {

std::unique_ptr<Adapter> make_minerva_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
