// minerva_mapping.h - a Minerva exhibit's JSON -> a story record, markdown reduced to text.
//
// minerva_adapter.cpp finds the exhibits and the story mapping and loads them;
// the functions here turn what they hold into values: the mapping into the
// HTAN files each story shows and the folder each site publishes stories in,
// an exhibit into a story's title, description, markers, links and files.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "json_reader.h"
#include "schema/record.h"

namespace atlas::detail::minerva {

inline constexpr std::string_view kSource = "minerva";

// What the HTAN portal's minerva-story-mappings.json (file name -> story URL)
// says about stories.
struct StoryLinks {
    // A story URL (as url_key() compares it) -> the names of the files it shows.
    std::map<std::string, std::vector<std::string>> files_of_url;
    // A repository -> the folder its site publishes stories in, where that is known.
    std::map<std::string, std::string> viewer_folder;
};

// Reads the mapping's object; a URL that is not a string is reported (through
// `ctx`, the mapping file) and left out.
StoryLinks read_story_links(const rapidjson::Value& mapping, const IssueContext& ctx);

// Fills the story record `rec` (id, source, kind and file set) from its
// exhibit's JSON: `exhibit` is the exhibit's name, `repo` the repository it
// belongs to.
void map_exhibit(const FieldReader& r, std::string_view exhibit, const std::string& repo,
                 const StoryLinks& links, Record& rec);

}  // namespace atlas::detail::minerva
