// Where the threads of a Meta "Download your information" tree are (Instagram and Facebook
// Messenger share the exporter, its file names and its folder scheme), which app the tree comes
// from, and how a media uri maps to a stored file. The rules are in formats/instagram/FORMAT.md
// and formats/messenger/FORMAT.md ("Layouts", "Detection", "Media paths").
#pragma once

#include "dmvault/importer.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::meta {

// The folder a messages/ tree sits in.
enum class MetaRoot {
  bare,       // messages/ at the top (Instagram 2020-22, Facebook 2018-23)
  instagram,  // your_instagram_activity/messages/ (2023+)
  facebook,   // your_activity_across_facebook/messages/ (2024), your_facebook_activity/ (2025+)
};

struct ThreadFile {
  std::string path;
  std::uint64_t number = 0;  // N of message_N; 0 for an unnumbered message.json
};

// One thread folder: <root>messages/<section>/<folder>/message_N.{json,html}; Facebook's 2018-19
// exports also have message.{json,html} (one part, N = 0) and, early 2018,
// <root>messages/<folder>/ without a section.
struct ThreadGroup {
  std::string thread_id;    // the folder name: stable across exports of the account
  std::string section;      // "inbox", "archived_threads", ..., or "" (early 2018)
  std::string dir;          // export path of the folder
  std::string export_root;  // "" or "some/prefix/": what media uris are relative to
  MetaRoot root = MetaRoot::bare;
  std::vector<ThreadFile> json_files;  // by N (message_1 holds the newest messages)
  std::vector<ThreadFile> html_files;
};

// Every thread folder of the tree under any root, sorted by (thread_id, dir).
std::vector<ThreadGroup> find_thread_groups(const std::vector<ExportFile>& files);

// N of "message_N.json" / "message_N.html" (0 for "message.json" / "message.html"), and which
// of the two it is.
bool parse_message_file_name(std::string_view name, std::uint64_t& number, bool& html);

// Whether a path component is one of Facebook's roots of the 2024+ layouts.
bool is_facebook_root(std::string_view component);

// What a tree shows about the app it comes from (FORMAT.md, "Detection"). Each flag is evidence
// only that app's exports were seen or reported to carry.
struct PlatformEvidence {
  bool instagram = false;  // your_instagram_activity/, personal_information/personal_information
                           // .json, followers_and_following/, instagram.com links or ig.me
                           // invites in a thread file
  bool facebook = false;   // a Facebook root, messages/stickers_used/, profile_information/
                           // profile_information.json, a Messenger-only section (archived_threads,
                           // filtered_threads, e2ee_cutover), a mixed-case 2018-20 thread folder,
                           // a sticker or file attachment in a thread file
};

// Evidence from the paths alone.
PlatformEvidence path_evidence(const std::vector<ExportFile>& files,
                               const std::vector<ThreadGroup>& threads);

// Evidence from the bytes of one message_N.json (no parsing: a substring scan, so a damaged file
// still gives what it has). Reads nothing else.
PlatformEvidence content_evidence(std::string_view bytes);

// Path evidence, plus content evidence of the first JSON file of the first bare thread (in the
// order of find_thread_groups) when the paths say nothing either way and that file is at most
// `max_read` bytes. Never throws.
PlatformEvidence tree_evidence(const ExportFiles& files, const std::vector<ThreadGroup>& threads,
                               std::uint64_t max_read = std::uint64_t{16} << 20);

// The export path a media uri points to, trying the variants the exporter's eras and bugs
// produce (FORMAT.md, "Media paths"); the uri unchanged when no file matches.
std::string resolve_media(const ExportFiles& files, const ThreadGroup& thread,
                          std::string_view uri);

}  // namespace dmvault::formats::meta
