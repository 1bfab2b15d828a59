#include "gen_export.hpp"

#include "gen_corpus.hpp"
#include "gen_meta_json.hpp"
#include "gen_random.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <span>
#include <stdexcept>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace dmvault::formats::instagram::generator {
namespace {

using namespace std::string_view_literals;

constexpr std::int64_t kFirstMs = 1420070400000;  // 2015-01-01T00:00:00Z
constexpr std::int64_t kLastMs = 1772236800000;   // 2026-02-28T00:00:00Z
constexpr std::int64_t kExportTime = 1772442840;  // 2026-03-02T09:14:00Z, every file's mtime
constexpr std::int64_t kDayMs = 86400000;
constexpr std::uint64_t kMinFileBytes = 256;
constexpr std::uint64_t kMaxFileBytes = 1ULL << 30;
constexpr std::size_t kChunk = 1 << 20;

// One independent random stream per kind of decision, so that changing how one thing is drawn
// does not shift everything else.
enum Tag : std::uint64_t {
  kTagPeople = 1,
  kTagThreads,
  kTagMedia,
  kTagPlanted,
  kTagMessages,
  kTagBlob,
  kTagSide,
  kTagSideBlob,
};

enum class MediaKind : std::uint8_t { photo, video, audio };

enum class Kind : std::uint8_t {
  text,
  photos,
  videos,
  audio,
  share,
  story_reply,
  call,
  unsent,
  liked_message,
  reaction_notice,
  group_event,
};

constexpr bool is_system(Kind kind) {
  return kind == Kind::liked_message || kind == Kind::reaction_notice || kind == Kind::group_event;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::text:
      return "text";
    case Kind::photos:
      return "photos";
    case Kind::videos:
      return "videos";
    case Kind::audio:
      return "audio";
    case Kind::share:
      return "share";
    case Kind::story_reply:
      return "story_reply";
    case Kind::call:
      return "call";
    case Kind::unsent:
      return "unsent";
    case Kind::liked_message:
      return "liked_message";
    case Kind::reaction_notice:
      return "reaction_notice";
    case Kind::group_event:
      return "group_event";
  }
  return "text";
}

constexpr std::array kAllKinds{
    Kind::text,          Kind::photos,          Kind::videos,     Kind::audio,
    Kind::share,         Kind::story_reply,     Kind::call,       Kind::unsent,
    Kind::liked_message, Kind::reaction_notice, Kind::group_event};

// --- Small text helpers -----------------------------------------------------------------------

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// ASCII letters and digits, lowercased: how Meta turns a name into a folder name.
std::string slug(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (c >= '0' && c <= '9') {
      out.push_back(c);
    }
  }
  return out;
}

std::string random_digits(Rng& rng, std::size_t count) {
  std::string out;
  out.reserve(count);
  out.push_back(static_cast<char>('1' + rng.below(9)));
  for (std::size_t i = 1; i < count; ++i) {
    out.push_back(static_cast<char>('0' + rng.below(10)));
  }
  return out;
}

std::string random_from(Rng& rng, std::string_view alphabet, std::size_t count) {
  std::string out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(alphabet[static_cast<std::size_t>(rng.below(alphabet.size()))]);
  }
  return out;
}

constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// "YYYYMM" of a Unix time (Hinnant's civil_from_days), for media/posts/<YYYYMM>/ folders.
std::string year_month(std::int64_t unix_seconds) {
  const std::int64_t z = unix_seconds / 86400 + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  std::string out = std::to_string(year);
  if (month < 10) {
    out.push_back('0');
  }
  out += std::to_string(month);
  return out;
}

// --- The plan ---------------------------------------------------------------------------------

struct Person {
  std::string display;
  std::string username;
  bool deleted = false;
  std::size_t language = 0;
};

struct MediaFile {
  MediaKind kind = MediaKind::photo;
  std::uint32_t thread = 0;
  std::uint64_t size = 0;
  std::uint64_t blob = 0;    // equal blobs have identical bytes
  std::int64_t dup_of = -1;  // the file whose bytes this one repeats
  bool is_source = false;    // some file repeats this one's bytes, so its size is fixed
  bool referenced = true;    // planned to be referenced by a message
  std::string name;
};

struct MediaRef {
  std::int64_t file = -1;  // index into Plan::files, or -1 when the export lacks the file
  std::string uri;         // the uri of a missing file (a path or an expired CDN URL)
};

struct MediaMessage {
  MediaKind kind = MediaKind::photo;
  std::vector<MediaRef> refs;
};

enum class EventType : std::uint8_t { named, added, owner_left };

// A message whose position in the thread was fixed by the plan.
struct Reserved {
  std::uint64_t index = 0;  // 0 = newest
  bool planted = false;
  std::string_view word;  // planted
  EventType event = EventType::named;
  std::uint32_t actor = 0;   // member position
  std::uint32_t object = 0;  // member position (added)
};

struct Thread {
  std::string section;  // "inbox" or "message_requests"
  std::string folder;
  std::string title;
  bool group = false;
  bool request = false;
  bool custom_title = false;
  bool owner_left = false;
  std::vector<std::uint32_t> members;  // person indices, in `participants` order
  std::uint32_t owner_pos = 0;
  std::vector<double> activity;  // how much each member writes
  std::uint64_t messages = 0;
  std::int64_t end_ms = 0;
  double avg_gap_ms = 0;
  std::size_t language = 0;
  std::string joinable_link;
  std::uint64_t media_capacity = 0;
  std::vector<std::uint32_t> files;
  std::vector<MediaMessage> media;
  std::vector<Reserved> reserved;
};

struct Plan {
  std::vector<Person> people;  // [0] is the owner of the export
  std::vector<Thread> threads;
  std::vector<MediaFile> files;
};

std::string messages_root(Layout layout) {
  return layout == Layout::y2025 ? "your_instagram_activity/messages" : "messages";
}

std::string media_subdir(MediaKind kind) {
  switch (kind) {
    case MediaKind::photo:
      return "photos";
    case MediaKind::video:
      return "videos";
    case MediaKind::audio:
      return "audio";
  }
  return "photos";
}

std::string thread_dir(Layout layout, const Thread& thread) {
  return messages_root(layout) + "/" + thread.section + "/" + thread.folder;
}

// Meta's media file names: "<9>_<16>_<19>_n_<16>.jpg", voice notes "audioclip<16>_<16>.<ext>".
std::string media_name(Rng& rng, MediaKind kind, Layout layout) {
  if (kind == MediaKind::audio) {
    return "audioclip" + random_digits(rng, 16) + "_" + random_digits(rng, 16) +
           (layout == Layout::y2025 ? ".aac" : ".mp4");
  }
  return random_digits(rng, 9) + "_" + random_digits(rng, 16) + "_" + random_digits(rng, 19) +
         "_n_" + random_digits(rng, static_cast<std::size_t>(rng.between(15, 16))) +
         (kind == MediaKind::photo ? ".jpg" : ".mp4");
}

class PeopleFactory {
 public:
  PeopleFactory(std::vector<Person>& people, std::uint64_t seed)
      : m_people(people), m_rng(Rng::derive(seed, kTagPeople, 0)) {}

  std::uint32_t make(bool plain) {
    static constexpr std::array<double, 15> kCultureWeights{20, 10, 10, 8, 7, 5, 6, 3,
                                                            6,  6,  5,  4, 4, 3, 3};
    // Namesakes exist, but rarely: redraw a name already taken a few times.
    const Culture* culture = nullptr;
    const NamePart* given = nullptr;
    const NamePart* family = nullptr;
    for (int attempt = 0; attempt < 16; ++attempt) {
      culture = &cultures()[m_rng.weighted(kCultureWeights)];
      given = &m_rng.pick(culture->given);
      family = &m_rng.pick(culture->family);
      if (!m_names.contains(std::string(given->roman) + " " + std::string(family->roman))) {
        break;
      }
    }
    m_names.insert(std::string(given->roman) + " " + std::string(family->roman));

    Person person;
    person.language = culture->language;
    static constexpr std::array kSeparators{"."sv, "_"sv, ""sv};
    std::string username = std::string(given->roman) +
                           std::string(m_rng.pick<std::string_view>(kSeparators)) +
                           std::string(family->roman);
    if (m_rng.chance(0.4)) {
      username += std::to_string(m_rng.between(1, 99));
    }
    while (!m_usernames.insert(username).second) {
      username += std::to_string(m_rng.below(10));
    }
    person.username = username;

    std::string full;
    switch (culture->order) {
      case NameOrder::given_family:
        full = std::string(given->display) + " " + std::string(family->display);
        break;
      case NameOrder::family_given:
        full = std::string(family->display) + " " + std::string(given->display);
        break;
      case NameOrder::family_given_joined:
        full = std::string(family->display) + std::string(given->display);
        break;
    }
    const double style = plain ? 0.0 : m_rng.unit();
    if (style < 0.72) {
      person.display = full;
    } else if (style < 0.86) {
      person.display = username;  // Instagram shows the username when there is no name
    } else if (style < 0.96) {
      person.display = std::string(given->display) + " " + std::string(m_rng.pick(name_emoji()));
    } else {
      // "Fancy font" names in Mathematical Alphanumeric Symbols (4-byte UTF-8, 8 escapes).
      bool first = true;
      for (const char c : given->roman) {
        const char32_t base = first ? 0x1D4D0 + static_cast<char32_t>(c - 'a')
                                    : 0x1D4EA + static_cast<char32_t>(c - 'a');
        append_utf8(person.display, base);
        first = false;
      }
    }
    m_people.push_back(std::move(person));
    return static_cast<std::uint32_t>(m_people.size() - 1);
  }

  // A deleted account: every one is shown as "Instagram User", and each is a different person.
  std::uint32_t make_deleted() {
    Person person;
    person.display = "Instagram User";
    person.username = "instagramuser";
    person.deleted = true;
    m_people.push_back(std::move(person));
    return static_cast<std::uint32_t>(m_people.size() - 1);
  }

 private:
  std::vector<Person>& m_people;
  Rng m_rng;
  std::unordered_set<std::string> m_usernames;
  std::unordered_set<std::string> m_names;
};

enum class ThreadType : std::uint8_t { direct, deleted, group, request };

// Splits `total` messages over the threads: every thread gets at least one, message requests a
// handful, the rest by heavy-tailed weights (a few threads hold most of the messages, as in real
// accounts), with largest-remainder rounding so that the sum is exact.
void assign_message_counts(Plan& plan, const std::vector<ThreadType>& types, std::uint64_t total,
                           Rng& rng) {
  const std::size_t n = plan.threads.size();
  std::uint64_t remaining = total - n;
  std::vector<double> weights(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    plan.threads[i].messages = 1;
    if (types[i] == ThreadType::request) {
      const std::uint64_t extra = std::min(remaining, rng.below(6));
      plan.threads[i].messages += extra;
      remaining -= extra;
    } else {
      weights[i] = 1.0 / (rng.unit() + 0.02) * (types[i] == ThreadType::group ? 1.5 : 1.0);
    }
  }
  double weight_sum = 0.0;
  for (const double w : weights) {
    weight_sum += w;
  }
  if (remaining == 0 || weight_sum <= 0.0) {
    if (remaining > 0) {
      plan.threads[0].messages += remaining;
    }
    return;
  }
  std::vector<std::pair<double, std::size_t>> fractions;
  std::uint64_t given = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double share = static_cast<double>(remaining) * weights[i] / weight_sum;
    const auto whole = static_cast<std::uint64_t>(share);
    plan.threads[i].messages += whole;
    given += whole;
    fractions.emplace_back(share - static_cast<double>(whole), i);
  }
  std::sort(fractions.begin(), fractions.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t k = 0; given < remaining; k = (k + 1) % n) {
    if (weights[fractions[k].second] > 0.0) {
      ++plan.threads[fractions[k].second].messages;
      ++given;
    }
  }
}

void plan_threads(Plan& plan, const GeneratorOptions& options) {
  Rng rng = Rng::derive(options.seed, kTagThreads, 0);
  PeopleFactory factory(plan.people, options.seed);
  factory.make(true);  // the owner

  const std::uint64_t n = options.conversations;
  const std::uint64_t requests = n >= 5 ? std::max<std::uint64_t>(1, n / 12) : 0;
  const std::uint64_t inbox = n - requests;
  const std::uint64_t groups = inbox >= 3 ? std::max<std::uint64_t>(1, (inbox * 15 + 50) / 100) : 0;
  const std::uint64_t deleted =
      inbox - groups >= 6 ? std::max<std::uint64_t>(1, (inbox - groups) / 20) : 0;

  std::vector<ThreadType> types;
  types.reserve(n);
  types.insert(types.end(), requests, ThreadType::request);
  types.insert(types.end(), groups, ThreadType::group);
  types.insert(types.end(), deleted, ThreadType::deleted);
  types.resize(n, ThreadType::direct);
  for (std::size_t i = types.size(); i > 1; --i) {
    std::swap(types[i - 1], types[static_cast<std::size_t>(rng.below(i))]);
  }

  plan.threads.resize(n);
  assign_message_counts(plan, types, options.messages, rng);

  std::unordered_set<std::string> folders;
  std::size_t next_title = 0;
  std::vector<std::uint32_t> friends;  // people with a direct thread, who also join groups
  for (std::size_t i = 0; i < n; ++i) {
    Thread& t = plan.threads[i];
    const ThreadType type = types[i];
    t.request = type == ThreadType::request;
    t.group = type == ThreadType::group;
    t.section = t.request ? "message_requests" : "inbox";
    std::string base;
    if (!t.group) {
      const std::uint32_t peer =
          type == ThreadType::deleted ? factory.make_deleted() : factory.make(false);
      if (type == ThreadType::direct) {
        friends.push_back(peer);
      }
      // As in the real sample: the owner first, then the other person.
      t.members = {0, peer};
      t.owner_pos = 0;
      t.title = plan.people[peer].display;
      base = slug(plan.people[peer].username);
      t.language = rng.chance(0.7) ? plan.people[peer].language : plan.people[0].language;
      t.activity = {1.0, 0.8 + 0.4 * rng.unit()};
    } else {
      const auto others = static_cast<std::size_t>(rng.between(2, 7));
      std::vector<std::uint32_t> members{0};
      while (members.size() < others + 1) {
        std::uint32_t person = 0;
        if (!friends.empty() && rng.chance(0.5)) {
          person = friends[static_cast<std::size_t>(rng.below(friends.size()))];
        } else if (rng.chance(0.04)) {
          person = factory.make_deleted();
        } else {
          person = factory.make(false);
        }
        if (std::find(members.begin(), members.end(), person) == members.end()) {
          members.push_back(person);
        }
      }
      for (std::size_t k = members.size(); k > 1; --k) {
        std::swap(members[k - 1], members[static_cast<std::size_t>(rng.below(k))]);
      }
      t.members = members;
      t.owner_pos = static_cast<std::uint32_t>(std::find(members.begin(), members.end(), 0U) -
                                               members.begin());
      for (std::size_t k = 0; k < members.size(); ++k) {
        t.activity.push_back(1.0 / (rng.unit() + 0.1));
      }
      t.custom_title = rng.chance(0.75);
      if (t.custom_title) {
        const auto titles = group_titles();
        t.title = std::string(titles[next_title % titles.size()]);
        if (next_title >= titles.size()) {
          t.title += " " + std::to_string(next_title / titles.size() + 1);
        }
        ++next_title;
        base = slug(t.title);
      } else {
        // Meta names an untitled group after its members.
        std::vector<std::string> names;
        std::vector<std::string> usernames;
        for (const std::uint32_t m : members) {
          if (m != 0) {
            names.push_back(plan.people[m].display);
            usernames.push_back(slug(plan.people[m].username));
          }
        }
        for (std::size_t k = 0; k < names.size(); ++k) {
          t.title += (k == 0 ? "" : ", ") + names[k];
        }
        base = usernames[0] + "_" + usernames[1];
        if (usernames.size() > 2) {
          base += "_and" + std::to_string(usernames.size() - 2) + "others";
        }
      }
      if (base.empty()) {
        base = slug(plan.people[members[t.owner_pos == 0 ? 1 : 0]].username);
      }
      t.language =
          plan.people[members[static_cast<std::size_t>(rng.below(members.size()))]].language;
      t.owner_left = rng.chance(0.12);
      if (rng.chance(0.25)) {
        t.joinable_link = "https://ig.me/j/" + random_from(rng, kBase64Url, 16) + "/";
      }
    }
    for (;;) {
      t.folder = base + "_" +
                 (options.layout == Layout::y2025
                      ? random_digits(rng, static_cast<std::size_t>(rng.between(15, 17)))
                      : random_from(rng, kLowerAlnum, 10));
      if (folders.insert(t.folder).second) {
        break;
      }
    }

    // Time: the newest message, skewed towards recent years, and a mean gap between messages
    // from "chatty" (minutes) to "slow" (hours).
    const double u = rng.unit();
    t.end_ms = t.request ? kLastMs - static_cast<std::int64_t>(u * 200.0 * kDayMs)
                         : kLastMs - static_cast<std::int64_t>(
                                         static_cast<double>(kLastMs - kFirstMs) * 0.85 * u * u);
    const auto count = static_cast<std::int64_t>(t.messages);
    if (t.end_ms - kFirstMs < count + 1) {
      t.end_ms = kLastMs;
    }
    const double v = rng.unit();
    const double mean_gap = 300000.0 * (1.0 + 71.0 * v * v);
    const double span = std::min(mean_gap * static_cast<double>(count),
                                 static_cast<double>(t.end_ms - kFirstMs - count));
    t.avg_gap_ms = std::max(1.0, span / static_cast<double>(count));

    t.media_capacity = t.request ? t.messages / 5 : t.messages * 2 / 5;

    // Group notices at fixed places: naming and additions at the oldest end, the owner leaving
    // as the newest message. At most a third of the thread.
    if (t.group) {
      const std::uint64_t budget = t.messages / 3;
      std::uint64_t used = 0;
      const auto pick_actor = [&]() -> std::uint32_t {
        if (rng.chance(0.5)) {
          return t.owner_pos;
        }
        for (;;) {
          const auto m = static_cast<std::uint32_t>(rng.below(t.members.size()));
          if (!plan.people[t.members[m]].deleted) {
            return m;
          }
        }
      };
      if (t.owner_left && used < budget) {
        t.reserved.push_back({0, false, {}, EventType::owner_left, t.owner_pos, 0});
        ++used;
      } else {
        t.owner_left = false;
      }
      const std::uint32_t creator = pick_actor();
      if (t.custom_title && used < budget) {
        t.reserved.push_back({t.messages - 1 - used + (t.owner_left ? 1 : 0),
                              false,
                              {},
                              EventType::named,
                              creator,
                              0});
        ++used;
      }
      // Additions of people other than the owner and the creator, each once.
      std::vector<std::uint32_t> addable;
      for (std::uint32_t m = 0; m < t.members.size(); ++m) {
        if (m != creator && m != t.owner_pos && !plan.people[t.members[m]].deleted) {
          addable.push_back(m);
        }
      }
      const std::uint64_t additions = std::min<std::uint64_t>(rng.between(1, 2), addable.size());
      for (std::uint64_t k = 0; k < additions && used < budget; ++k) {
        const auto pick = static_cast<std::size_t>(rng.below(addable.size() - k));
        const std::uint32_t object = addable[pick];
        std::swap(addable[pick], addable[addable.size() - 1 - k]);
        t.reserved.push_back({t.messages - 1 - used + (t.owner_left ? 1 : 0),
                              false,
                              {},
                              EventType::added,
                              creator,
                              object});
        ++used;
      }
    }
  }
}

// Chooses the thread of a media message: by message count, among threads with room left.
class ThreadPicker {
 public:
  explicit ThreadPicker(const Plan& plan) {
    for (const Thread& t : plan.threads) {
      m_total += static_cast<double>(t.messages);
      m_cumulative.push_back(m_total);
      m_room.push_back(t.media_capacity > t.media.size() ? t.media_capacity - t.media.size() : 0);
    }
  }

  // Any thread, by message count.
  std::size_t any(Rng& rng) const {
    const double x = rng.unit() * m_total;
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), x);
    return std::min(static_cast<std::size_t>(it - m_cumulative.begin()), m_cumulative.size() - 1);
  }

  // A thread with room, other than `avoid` if another one has room; -1 when none has room.
  std::int64_t with_room(Rng& rng, std::int64_t avoid) const {
    for (int pass = 0; pass < 2; ++pass) {
      const auto ok = [&](std::size_t t) {
        return m_room[t] > 0 && (pass == 1 || static_cast<std::int64_t>(t) != avoid);
      };
      for (int attempt = 0; attempt < 64; ++attempt) {
        const std::size_t t = any(rng);
        if (ok(t)) {
          return static_cast<std::int64_t>(t);
        }
      }
      for (std::size_t t = 0; t < m_room.size(); ++t) {
        if (ok(t)) {
          return static_cast<std::int64_t>(t);
        }
      }
    }
    return -1;
  }

  void take(std::size_t t) { --m_room[t]; }

 private:
  double m_total = 0;
  std::vector<double> m_cumulative;
  std::vector<std::uint64_t> m_room;
};

// Media files whose sizes add up to exactly `options.media_bytes`: realistic sizes per kind,
// some files repeating another file's bytes in a different thread (a forwarded meme: exercises
// content dedup), some on disk but referenced by no message. Then the messages that reference
// them, plus references to files the export lacks (expired media, CDN URLs).
void plan_media(Plan& plan, const GeneratorOptions& options) {
  Rng rng = Rng::derive(options.seed, kTagMedia, 0);
  const std::uint64_t budget = options.media_bytes;
  std::uint64_t capacity = 0;
  for (const Thread& t : plan.threads) {
    capacity += t.media_capacity;
  }

  std::vector<MediaFile>& files = plan.files;
  if (budget > 0) {
    const std::uint64_t max_size =
        std::clamp<std::uint64_t>(budget / 6, kMinFileBytes, kMaxFileBytes);
    const std::uint64_t max_count = std::max<std::uint64_t>(1, capacity + capacity / 20 + 1);
    std::uint64_t sum = 0;
    while (sum < budget && files.size() < max_count) {
      MediaFile file;
      const double k = rng.unit();
      file.kind = k < 0.7 ? MediaKind::photo : (k < 0.8 ? MediaKind::video : MediaKind::audio);
      file.blob = files.size();
      if (files.size() >= 3 && file.kind != MediaKind::audio && rng.chance(0.06)) {
        // Repeat an earlier file's bytes (never file 0, which stays free for the size fix-up).
        const auto j = static_cast<std::size_t>(rng.between(1, files.size() - 1));
        if (files[j].kind == file.kind && files[j].dup_of < 0) {
          file.dup_of = static_cast<std::int64_t>(j);
          file.size = files[j].size;
          file.blob = files[j].blob;
          files[j].is_source = true;
        }
      }
      if (file.dup_of < 0) {
        const double s = rng.unit();
        double size = 0;
        switch (file.kind) {
          case MediaKind::photo:
            size = 40e3 + 560e3 * s * s;
            break;
          case MediaKind::video:
            size = 600e3 + 11.4e6 * s * s;
            break;
          case MediaKind::audio:
            size = 15e3 + 285e3 * s * s;
            break;
        }
        file.size =
            std::clamp<std::uint64_t>(static_cast<std::uint64_t>(size), kMinFileBytes, max_size);
      }
      sum += file.size;
      files.push_back(std::move(file));
    }
    const auto is_free = [](const MediaFile& f) { return f.dup_of < 0 && !f.is_source; };
    // At least one repeated file whenever there are a few, so that dedup is always exercised.
    const bool any_dup =
        std::any_of(files.begin(), files.end(), [](const MediaFile& f) { return f.dup_of >= 0; });
    if (!any_dup && files.size() >= 4) {
      for (std::size_t j = files.size(); j-- > 2;) {
        std::size_t i = 1;
        while (i < j && !(files[i].kind == files[j].kind && is_free(files[i]))) {
          ++i;
        }
        if (i < j && is_free(files[j]) && files[j].kind != MediaKind::audio) {
          sum = sum - files[j].size + files[i].size;
          files[j].dup_of = static_cast<std::int64_t>(i);
          files[j].size = files[i].size;
          files[j].blob = files[i].blob;
          files[i].is_source = true;
          break;
        }
      }
    }
    // Make the total exact by resizing files whose size nothing else depends on.
    if (sum < budget) {
      std::vector<std::size_t> free;
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (is_free(files[i])) {
          free.push_back(i);
        }
      }
      if (free.empty()) {
        throw std::logic_error("media plan: file 0 must never repeat another file");
      }
      const std::uint64_t deficit = budget - sum;
      for (const std::size_t i : free) {
        files[i].size += deficit / free.size();
      }
      files[free.front()].size += deficit % free.size();
    } else {
      while (sum > budget) {
        const std::uint64_t excess = sum - budget;
        bool fixed = false;
        for (std::size_t i = files.size(); i-- > 0;) {
          if (is_free(files[i]) && files[i].size >= excess + kMinFileBytes) {
            files[i].size -= excess;
            fixed = true;
            break;
          }
        }
        if (fixed) {
          break;
        }
        sum -= files.back().size;
        files.pop_back();
        if (sum < budget) {
          files[0].size += budget - sum;  // file 0 is never a source
          break;
        }
      }
    }
    for (MediaFile& f : files) {
      f.is_source = false;
    }
    for (const MediaFile& f : files) {
      if (f.dup_of >= 0) {
        files[static_cast<std::size_t>(f.dup_of)].is_source = true;
      }
    }
    // On disk, referenced by nothing: a few free files (never the only file).
    std::size_t unreferenced = 0;
    for (std::size_t i = 1; i < files.size(); ++i) {
      if (is_free(files[i]) && rng.chance(0.03)) {
        files[i].referenced = false;
        ++unreferenced;
      }
    }
    for (std::size_t i = files.size(); unreferenced == 0 && files.size() >= 4 && i-- > 1;) {
      if (is_free(files[i])) {
        files[i].referenced = false;
        ++unreferenced;
      }
    }
  }

  // Threads and names.
  {
    ThreadPicker picker(plan);
    std::unordered_set<std::string> names;
    for (std::size_t i = 0; i < files.size(); ++i) {
      MediaFile& file = files[i];
      do {
        file.name = media_name(rng, file.kind, options.layout);
      } while (!names.insert(file.name).second);
      std::int64_t thread = -1;
      if (file.referenced) {
        const std::int64_t avoid =
            file.dup_of >= 0
                ? static_cast<std::int64_t>(files[static_cast<std::size_t>(file.dup_of)].thread)
                : -1;
        thread = picker.with_room(rng, avoid);
        if (thread < 0) {
          file.referenced = false;  // no thread has room for another media message
        } else {
          picker.take(static_cast<std::size_t>(thread));
        }
      }
      if (thread < 0) {
        thread = static_cast<std::int64_t>(picker.any(rng));
      }
      file.thread = static_cast<std::uint32_t>(thread);
      plan.threads[file.thread].files.push_back(static_cast<std::uint32_t>(i));
    }
  }

  // Media messages: photos sometimes several per message (an album), other kinds one each.
  for (Thread& t : plan.threads) {
    std::vector<std::uint32_t> referenced;
    for (const std::uint32_t f : t.files) {
      if (files[f].referenced) {
        referenced.push_back(f);
      }
    }
    for (std::size_t i = 0; i < referenced.size();) {
      MediaMessage message;
      message.kind = files[referenced[i]].kind;
      const std::uint64_t album =
          message.kind == MediaKind::photo && rng.chance(0.25) ? rng.between(2, 4) : 1;
      while (i < referenced.size() && message.refs.size() < album &&
             files[referenced[i]].kind == message.kind) {
        message.refs.push_back({static_cast<std::int64_t>(referenced[i]), {}});
        ++i;
      }
      t.media.push_back(std::move(message));
    }
  }

  // The same file sent twice in a thread: two references, one file.
  bool any_repeat = false;
  for (Thread& t : plan.threads) {
    const std::size_t originals = t.media.size();
    for (std::size_t i = 0; i < originals && t.media.size() < t.media_capacity; ++i) {
      if (rng.chance(0.03) || (!any_repeat && i + 1 == originals)) {
        MediaMessage again;
        again.kind = t.media[i].kind;
        again.refs.push_back(t.media[i].refs.front());
        t.media.push_back(std::move(again));
        any_repeat = true;
      }
    }
  }

  // References to files the export does not hold: expired media and CDN URLs.
  std::uint64_t media_messages = 0;
  for (const Thread& t : plan.threads) {
    media_messages += t.media.size();
  }
  const std::uint64_t missing =
      options.messages >= 20 ? std::max<std::uint64_t>(1, media_messages * 3 / 100) : 0;
  {
    ThreadPicker picker(plan);
    for (std::uint64_t k = 0; k < missing; ++k) {
      const std::int64_t thread = picker.with_room(rng, -1);
      if (thread < 0) {
        break;
      }
      picker.take(static_cast<std::size_t>(thread));
      Thread& t = plan.threads[static_cast<std::size_t>(thread)];
      MediaMessage message;
      const double k_draw = rng.unit();
      message.kind =
          k_draw < 0.6 ? MediaKind::photo : (k_draw < 0.85 ? MediaKind::video : MediaKind::audio);
      MediaRef ref;
      if (message.kind != MediaKind::audio && rng.chance(0.3)) {
        ref.uri = message.kind == MediaKind::photo
                      ? "https://scontent.cdninstagram.com/v/t51.2885-15/" + random_digits(rng, 9) +
                            "_" + random_digits(rng, 17) +
                            "_n.jpg?_nc_ht=" + "scontent.cdninstagram.com&_nc_cat=" +
                            std::to_string(rng.between(1, 111))
                      : "https://video.xx.fbcdn.net/v/t42.3356-2/" + random_digits(rng, 9) + "_" +
                            random_digits(rng, 16) +
                            "_n.mp4?_nc_cat=" + std::to_string(rng.between(1, 111)) + "&ccb=1-7";
      } else {
        ref.uri = thread_dir(options.layout, t) + "/" + media_subdir(message.kind) + "/" +
                  media_name(rng, message.kind, options.layout);
      }
      message.refs.push_back(std::move(ref));
      t.media.push_back(std::move(message));
    }
  }

  for (Thread& t : plan.threads) {
    for (std::size_t i = t.media.size(); i > 1; --i) {
      std::swap(t.media[i - 1], t.media[static_cast<std::size_t>(rng.below(i))]);
    }
  }
}

// Each planted word goes into one to three text messages at free positions.
void plan_planted(Plan& plan, const GeneratorOptions& options) {
  Rng rng = Rng::derive(options.seed, kTagPlanted, 0);
  std::vector<std::set<std::uint64_t>> taken(plan.threads.size());
  for (std::size_t i = 0; i < plan.threads.size(); ++i) {
    for (const Reserved& r : plan.threads[i].reserved) {
      taken[i].insert(r.index);
    }
  }
  std::vector<double> free(plan.threads.size());
  for (const std::string_view word : planted_words()) {
    const std::uint64_t occurrences = rng.between(1, 3);
    for (std::uint64_t k = 0; k < occurrences; ++k) {
      double total = 0;
      for (std::size_t i = 0; i < plan.threads.size(); ++i) {
        const Thread& t = plan.threads[i];
        const std::uint64_t used = taken[i].size() + t.media.size();
        free[i] = t.messages > used ? static_cast<double>(t.messages - used) : 0.0;
        total += free[i];
      }
      if (total <= 0) {
        return;
      }
      const std::size_t ti = rng.weighted(free);
      Thread& t = plan.threads[ti];
      for (int attempt = 0; attempt < 256; ++attempt) {
        const std::uint64_t index = rng.below(t.messages);
        if (taken[ti].insert(index).second) {
          Reserved r;
          r.index = index;
          r.planted = true;
          r.word = word;
          t.reserved.push_back(r);
          break;
        }
      }
    }
  }
}

// --- Messages -----------------------------------------------------------------------------

// Text in the thread's language with English mixed in, of varied length, sometimes several
// lines, with emoji, punctuation and the odd link.
void make_text(Rng& rng, std::size_t language, std::string& out) {
  const Language& lang = languages()[language];
  const auto english = english_words();
  const double shape = rng.unit();
  if (shape < 0.04) {
    for (std::uint64_t k = rng.between(1, 3); k > 0; --k) {
      out += rng.pick(emoji());
    }
    return;
  }
  std::uint64_t lines = 1;
  std::uint64_t words = 0;
  if (shape < 0.58) {
    words = rng.between(1, 6);
  } else if (shape < 0.89) {
    words = rng.between(7, 16);
  } else if (shape < 0.97) {
    words = rng.between(17, 45);
  } else {
    lines = rng.between(2, 5);
  }
  for (std::uint64_t line = 0; line < lines; ++line) {
    if (line > 0) {
      out.push_back('\n');
    }
    const std::uint64_t count = lines > 1 ? rng.between(3, 12) : words;
    bool previous_unspaced = false;
    for (std::uint64_t k = 0; k < count; ++k) {
      const bool in_english = language == 0 || rng.chance(0.3);
      const std::string_view word = in_english ? rng.pick(english) : rng.pick(lang.words);
      const bool unspaced = !in_english && !lang.spaced;
      if (k > 0 && !(unspaced && previous_unspaced)) {
        out.push_back(' ');
      }
      out += word;
      previous_unspaced = unspaced;
    }
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z' && rng.chance(0.3)) {
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  }
  const double ending = rng.unit();
  if (ending < 0.10) {
    out += "?";
  } else if (ending < 0.18) {
    out += "!";
  } else if (ending < 0.22) {
    out += "...";
  }
  if (rng.chance(0.2)) {
    out.push_back(' ');
    out += rng.pick(emoji());
    if (rng.chance(0.3)) {
      out += rng.pick(emoji());
    }
  }
  if (rng.chance(0.02)) {
    out += " https://youtu.be/" + random_from(rng, kBase64Url, 11);
  }
}

struct ReactionItem {
  std::string_view reaction;
  std::uint32_t actor = 0;  // member position
};

struct MediaItem {
  std::string uri;
  std::int64_t creation = 0;
};

// One message record, reused from message to message to spare allocations.
struct Msg {
  Kind kind = Kind::text;
  std::uint32_t sender = 0;  // member position
  std::int64_t timestamp_ms = 0;
  bool has_content = false;
  std::string content;
  MediaKind media_kind = MediaKind::photo;
  std::vector<MediaItem> media;
  bool has_share = false;
  std::string share_link;
  std::string_view share_text;
  std::string_view share_owner;
  std::vector<ReactionItem> reactions;
  std::int64_t call_duration = -1;
  std::int64_t user = -1;  // member position, for the 2022 "users" list
  const char* type = "Generic";
  bool edited = false;
  std::string_view planted;  // the planted word this message carries

  void reset() {
    kind = Kind::text;
    has_content = false;
    content.clear();
    media.clear();
    has_share = false;
    share_link.clear();
    share_text = {};
    share_owner = {};
    reactions.clear();
    call_duration = -1;
    user = -1;
    type = "Generic";
    edited = false;
    planted = {};
  }
};

class ExportWriter {
 public:
  ExportWriter(const Plan& plan, const GeneratorOptions& options, ExportSink& sink, Truth& truth)
      : m_plan(plan),
        m_options(options),
        m_sink(sink),
        m_truth(truth),
        m_referenced(plan.files.size(), false),
        m_chunk(kChunk) {}

  void write_side_files();
  void write_thread(std::size_t index);
  void finish();

 private:
  struct ThreadState {
    std::int64_t timestamp_ms = 0;
    std::int64_t previous_timestamp_ms = 0;
    std::int64_t previous_sender = -1;
    std::size_t next_reserved = 0;
    std::size_t next_media = 0;
    std::vector<std::uint32_t> senders_in_ms;  // who wrote in the millisecond of previous_*
    std::vector<ReactionItem> pending;  // notices waiting for the owner's message they target
  };

  void generate(const Thread& t, std::uint64_t index, Rng& rng, ThreadState& state, Msg& m);
  void generate_ordinary(const Thread& t, Rng& rng, ThreadState& state, Msg& m);
  void serialize(MetaJsonWriter& w, const Thread& t, const Msg& m) const;
  const std::string& display(const Thread& t, std::uint32_t member) const {
    return m_plan.people[t.members[member]].display;
  }
  std::string actor_name(const Thread& t, std::uint32_t member) const {
    return member == t.owner_pos ? "You" : display(t, member);
  }
  std::uint32_t choose_sender(const Thread& t, Rng& rng, std::int64_t previous) const;
  void add_reactions(const Thread& t, Rng& rng, ThreadState& state, Msg& m) const;
  void write_file(const std::string& path, const std::string& content, bool compressible);
  void write_blob(const std::string& path, MediaKind kind, std::uint64_t size, std::uint64_t tag,
                  std::uint64_t blob);

  const Plan& m_plan;
  const GeneratorOptions& m_options;
  ExportSink& m_sink;
  Truth& m_truth;
  std::vector<bool> m_referenced;
  std::vector<char> m_chunk;
  std::string m_buffer;
};

std::uint32_t ExportWriter::choose_sender(const Thread& t, Rng& rng, std::int64_t previous) const {
  if (t.request) {
    return t.owner_pos == 0 ? 1 : 0;  // the owner has not accepted the request
  }
  if (previous >= 0 && rng.chance(t.group ? 0.45 : 0.6)) {
    return static_cast<std::uint32_t>(previous);
  }
  return static_cast<std::uint32_t>(rng.weighted(t.activity));
}

void ExportWriter::add_reactions(const Thread& t, Rng& rng, ThreadState& state, Msg& m) const {
  if (rng.chance(t.group ? 0.15 : 0.08)) {
    const std::uint64_t count = t.group ? rng.between(1, 3) : 1;
    for (std::uint64_t k = 0; k < count; ++k) {
      std::uint32_t actor = m.sender;
      if (!rng.chance(0.05)) {
        while (actor == m.sender) {
          actor = static_cast<std::uint32_t>(rng.below(t.members.size()));
        }
      }
      const std::string_view reaction = rng.pick(reactions());
      m.reactions.push_back({reaction, actor});
      if (rng.chance(0.02)) {
        m.reactions.push_back({reaction, actor});  // seen in real exports
      }
    }
  }
  if (m.sender == t.owner_pos && !state.pending.empty()) {
    m.reactions.insert(m.reactions.end(), state.pending.begin(), state.pending.end());
    state.pending.clear();
  }
}

void ExportWriter::generate_ordinary(const Thread& t, Rng& rng, ThreadState& state, Msg& m) {
  m.sender = choose_sender(t, rng, state.previous_sender);
  const bool other = m.sender != t.owner_pos;
  const double k = t.request ? (rng.chance(0.85) ? 1.0 : 0.05) : rng.unit();
  if (k < 0.025 && other) {
    m.kind = Kind::reaction_notice;
    const std::string_view reaction = rng.pick(reactions());
    m.has_content = true;
    m.content = "Reacted ";
    m.content += reaction;
    m.content += " to your message ";  // sic: Meta's trailing space
    state.pending.push_back({reaction, m.sender});
    return;
  }
  if (k >= 0.025 && k < 0.04) {
    m.kind = Kind::liked_message;
    m.has_content = true;
    m.content = "Liked a message";
    return;
  }
  if (k >= 0.04 && k < 0.10) {
    const bool peer_exists =
        !t.group && !m_plan.people[t.members[t.owner_pos == 0 ? 1 : 0]].deleted;
    m.has_share = true;
    m.type = "Share";
    m.has_content = true;
    if (peer_exists && rng.chance(0.3)) {
      // A reply to the other person's story: the text, and a link to the story.
      m.kind = Kind::story_reply;
      make_text(rng, t.language, m.content);
      const std::uint32_t story_owner = other ? t.owner_pos : (t.owner_pos == 0 ? 1 : 0);
      m.share_link = "https://instagram.com/stories/" +
                     m_plan.people[t.members[story_owner]].username + "/" + random_digits(rng, 19);
    } else {
      m.kind = Kind::share;
      m.content = other ? display(t, m.sender) + " sent an attachment." : "You sent an attachment.";
      m.share_link = std::string(rng.chance(0.5) ? "https://www.instagram.com/reel/"
                                                 : "https://www.instagram.com/p/") +
                     random_from(rng, kBase64Url, 11) + "/";
      if (rng.chance(0.6)) {
        m.share_text = rng.pick(share_captions());
      }
      if (rng.chance(0.9)) {
        m.share_owner = rng.pick(share_owners());
      }
    }
    add_reactions(t, rng, state, m);
    return;
  }
  if (k >= 0.10 && k < 0.108) {
    m.kind = Kind::call;
    m.type = "Call";
    m.has_content = true;
    if (rng.chance(0.6)) {
      m.content = rng.pick(calls_answered());
      m.call_duration = static_cast<std::int64_t>(rng.between(20, 5400));
    } else {
      m.content = rng.pick(calls_missed());
      m.call_duration = 0;
    }
    return;
  }
  if (k >= 0.108 && k < 0.115) {
    m.kind = Kind::unsent;
    return;
  }
  m.kind = Kind::text;
  m.has_content = true;
  make_text(rng, t.language, m.content);
  if (m_options.layout == Layout::y2025 && rng.chance(0.004)) {
    m.content += " (edited)";  // as in the real 2025 sample, which then lacks the kid key
    m.edited = true;
  }
  add_reactions(t, rng, state, m);
}

void ExportWriter::generate(const Thread& t, std::uint64_t index, Rng& rng, ThreadState& state,
                            Msg& m) {
  m.reset();
  if (index > 0) {
    const double avg = t.avg_gap_ms;
    const double short_mean = std::min(90000.0, avg / 2);
    constexpr double kLongShare = 0.12;
    const double long_mean = (avg - (1 - kLongShare) * short_mean) / kLongShare;
    std::int64_t gap = 0;
    if (!rng.chance(0.004)) {
      const double g = rng.chance(kLongShare) ? std::min(rng.exponential(long_mean), long_mean * 12)
                                              : short_mean * (0.05 + 1.9 * rng.unit());
      gap = std::max<std::int64_t>(1, static_cast<std::int64_t>(g));
    }
    // Leave at least a millisecond for each older message, above 2015-01-01.
    const std::int64_t floor_ms = kFirstMs + static_cast<std::int64_t>(t.messages - 1 - index);
    state.timestamp_ms = std::max(state.timestamp_ms - gap, floor_ms);
  }
  m.timestamp_ms = state.timestamp_ms;

  const std::size_t reserved_left = t.reserved.size() - state.next_reserved;
  const bool reserved = reserved_left > 0 && t.reserved[state.next_reserved].index == index;
  const std::size_t media_left = t.media.size() - state.next_media;
  if (reserved) {
    const Reserved& r = t.reserved[state.next_reserved++];
    if (r.planted) {
      m.kind = Kind::text;
      m.sender = choose_sender(t, rng, state.previous_sender);
      m.has_content = true;
      m.planted = r.word;
      make_text(rng, t.language, m.content);
      const std::string insert = " " + std::string(r.word);
      std::vector<std::size_t> spaces;
      for (std::size_t p = 0; p < m.content.size(); ++p) {
        if (m.content[p] == ' ') {
          spaces.push_back(p);
        }
      }
      if (spaces.empty()) {
        m.content += insert;
      } else {
        m.content.insert(spaces[static_cast<std::size_t>(rng.below(spaces.size()))], insert);
      }
      add_reactions(t, rng, state, m);
    } else {
      m.kind = Kind::group_event;
      m.sender = r.actor;
      m.has_content = true;
      switch (r.event) {
        case EventType::named:
          m.content = actor_name(t, r.actor) + " named the group " + t.title + ".";
          break;
        case EventType::added:
          m.content = actor_name(t, r.actor) + " added " + display(t, r.object) + " to the group.";
          m.user = r.object;
          m.type = "Subscribe";
          break;
        case EventType::owner_left:
          m.content = "You left the group.";
          m.user = t.owner_pos;
          m.type = "Unsubscribe";
          break;
      }
    }
  } else {
    const std::uint64_t available = (t.messages - index) - reserved_left;
    if (media_left > 0 && (media_left >= available || rng.below(available) < media_left)) {
      const MediaMessage& mm = t.media[state.next_media++];
      m.kind = mm.kind == MediaKind::photo   ? Kind::photos
               : mm.kind == MediaKind::video ? Kind::videos
                                             : Kind::audio;
      m.media_kind = mm.kind;
      m.sender = choose_sender(t, rng, state.previous_sender);
      for (const MediaRef& ref : mm.refs) {
        MediaItem item;
        if (ref.file >= 0) {
          const auto f = static_cast<std::size_t>(ref.file);
          const MediaFile& file = m_plan.files[f];
          item.uri = thread_dir(m_options.layout, m_plan.threads[file.thread]) + "/" +
                     media_subdir(file.kind) + "/" + file.name;
          m_referenced[f] = true;
        } else {
          item.uri = ref.uri;
          ++m_truth.missing_attachments;
        }
        item.creation = m.timestamp_ms / 1000 - static_cast<std::int64_t>(rng.below(21));
        m.media.push_back(std::move(item));
      }
      m_truth.attachments += mm.refs.size();
      add_reactions(t, rng, state, m);
    } else {
      generate_ordinary(t, rng, state, m);
    }
  }
  // Records in the same millisecond come from different people; otherwise a later import could
  // not tell them apart from one message seen twice.
  if (index > 0 && m.timestamp_ms == state.previous_timestamp_ms) {
    if (std::find(state.senders_in_ms.begin(), state.senders_in_ms.end(), m.sender) !=
        state.senders_in_ms.end()) {
      m.timestamp_ms -= 1;  // stays above the floor: the previous message was above its own
      state.senders_in_ms.clear();
    }
  } else {
    state.senders_in_ms.clear();
  }
  state.senders_in_ms.push_back(m.sender);
  state.timestamp_ms = m.timestamp_ms;
  state.previous_timestamp_ms = m.timestamp_ms;
  state.previous_sender = m.sender;
}

void ExportWriter::serialize(MetaJsonWriter& w, const Thread& t, const Msg& m) const {
  const bool y2025 = m_options.layout == Layout::y2025;
  w.begin_object();
  w.field("sender_name", display(t, m.sender));
  w.field("timestamp_ms", m.timestamp_ms);
  if (m.has_content) {
    w.field("content", m.content);
  }
  if (!m.media.empty()) {
    w.begin_array(m.media_kind == MediaKind::photo   ? "photos"
                  : m.media_kind == MediaKind::video ? "videos"
                                                     : "audio_files");
    for (const MediaItem& item : m.media) {
      w.begin_object();
      w.field("uri", item.uri);
      w.field("creation_timestamp", item.creation);
      w.end_object();
    }
    w.end_array();
  }
  if (m.has_share) {
    w.begin_object("share");
    w.field("link", m.share_link);
    if (!m.share_text.empty()) {
      w.field("share_text", m.share_text);
    }
    if (!m.share_owner.empty()) {
      w.field("original_content_owner", m.share_owner);
    }
    w.end_object();
  }
  if (!y2025 && m.user >= 0) {
    w.begin_array("users");
    w.begin_object();
    w.field("name", display(t, static_cast<std::uint32_t>(m.user)));
    w.end_object();
    w.end_array();
  }
  if (!m.reactions.empty()) {
    w.begin_array("reactions");
    for (const ReactionItem& r : m.reactions) {
      w.begin_object();
      w.field("reaction", r.reaction);
      w.field("actor", display(t, r.actor));
      w.end_object();
    }
    w.end_array();
  }
  if (m.call_duration >= 0) {
    w.field("call_duration", m.call_duration);
  }
  if (y2025) {
    if (m.kind == Kind::unsent) {
      w.field_bool("is_unsent", true);  // since 2024 the key appears only when true
    }
    w.field_bool("is_geoblocked_for_viewer", false);
    if (!m.edited) {
      w.field_bool("is_unsent_image_by_messenger_kid_parent", false);
    }
  } else {
    w.field("type", m.type);
    w.field_bool("is_unsent", m.kind == Kind::unsent);
    w.field_bool("is_taken_down", false);
    w.begin_object("bumped_message_metadata");
    w.field("bumped_message", m.has_content ? std::string_view(m.content) : std::string_view());
    w.field_bool("is_bumped", false);
    w.end_object();
  }
  w.end_object();
}

void ExportWriter::write_thread(std::size_t index) {
  const Thread& t = m_plan.threads[index];
  Rng rng = Rng::derive(m_options.seed, kTagMessages, index);
  const std::string dir = thread_dir(m_options.layout, t);
  const std::string thread_path = t.section + "/" + t.folder;
  const std::uint64_t per_file = m_options.messages_per_file;
  const std::uint64_t parts = (t.messages + per_file - 1) / per_file;

  ThreadTruth tt;
  tt.thread_path = thread_path;
  tt.title = t.title;
  tt.is_group = t.group;
  for (const std::uint32_t person : t.members) {
    tt.participants.push_back(m_plan.people[person].display);
  }
  tt.json_files = parts;

  ThreadState state;
  state.timestamp_ms = t.end_ms;
  Msg m;
  for (std::uint64_t part = 0; part < parts; ++part) {
    const std::string file = dir + "/message_" + std::to_string(part + 1) + ".json";
    m_buffer.clear();
    MetaJsonWriter w(m_buffer);
    w.begin_object();
    w.begin_array("participants");
    for (const std::uint32_t person : t.members) {
      w.begin_object();
      w.field("name", m_plan.people[person].display);
      w.end_object();
    }
    w.end_array();
    w.begin_array("messages");
    const std::uint64_t end = std::min(t.messages, (part + 1) * per_file);
    for (std::uint64_t i = part * per_file; i < end; ++i) {
      generate(t, i, rng, state, m);
      serialize(w, t, m);
      ++m_truth.kinds[kind_name(m.kind)];
      if (is_system(m.kind)) {
        ++tt.system_messages;
        ++m_truth.system_messages;
      } else {
        ++tt.messages;
        ++m_truth.messages;
      }
      if (i == 0) {
        tt.last_timestamp_ms = m.timestamp_ms;
      }
      tt.first_timestamp_ms = m.timestamp_ms;
      if (!m.planted.empty()) {
        m_truth.planted.push_back(
            {std::string(m.planted), thread_path, file, display(t, m.sender), m.timestamp_ms});
      }
    }
    w.end_array();
    w.field("title", t.title);
    w.field_bool("is_still_participant", !t.owner_left);
    if (m_options.layout == Layout::y2022) {
      w.field("thread_type", t.group ? (t.request ? "PendingGroup" : "RegularGroup")
                                     : (t.request ? "Pending" : "Regular"));
    }
    w.field("thread_path", thread_path);
    w.begin_array("magic_words");
    w.end_array();
    if (t.group) {
      w.begin_object("joinable_mode");
      w.field("mode", std::int64_t{1});
      w.field("link", t.joinable_link);
      w.end_object();
    }
    w.end_object();
    write_file(file, m_buffer, true);
  }
  if (state.next_media != t.media.size() || state.next_reserved != t.reserved.size()) {
    throw std::logic_error(thread_path + ": the plan was not fully placed");
  }
  m_truth.threads.push_back(std::move(tt));

  for (const std::uint32_t f : t.files) {
    const MediaFile& file = m_plan.files[f];
    write_blob(dir + "/" + media_subdir(file.kind) + "/" + file.name, file.kind, file.size,
               kTagBlob, file.blob);
    ++m_truth.thread_media_files;
    m_truth.thread_media_bytes += file.size;
  }
}

void ExportWriter::write_file(const std::string& path, const std::string& content,
                              bool compressible) {
  m_sink.begin_file(path, content.size(), compressible);
  m_sink.write(content.data(), content.size());
  m_sink.end_file();
  ++m_truth.files;
  m_truth.bytes += content.size();
}

// Incompressible bytes behind a header that file-type sniffers accept: JPEG (JFIF, ends with
// EOI), MP4 (ftyp + mdat), AAC (ADTS) or M4A. Equal (tag, blob) give identical files.
void ExportWriter::write_blob(const std::string& path, MediaKind kind, std::uint64_t size,
                              std::uint64_t tag, std::uint64_t blob) {
  static constexpr std::array<unsigned char, 20> kJpeg{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
                                                       'F',  'I',  'F',  0x00, 0x01, 0x01, 0x00,
                                                       0x00, 0x48, 0x00, 0x48, 0x00, 0x00};
  static constexpr std::array<unsigned char, 40> kMp4{
      0,   0,   0,   0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm',
      'i', 's', 'o', '2',  'a', 'v', 'c', '1', 'm', 'p', '4', '1', 0, 0, 0, 0, 'm', 'd', 'a', 't'};
  static constexpr std::array<unsigned char, 40> kM4a{
      0,   0,   0,   0x20, 'f', 't', 'y', 'p', 'M', '4', 'A', ' ', 0, 0, 2, 0, 'M', '4', 'A', ' ',
      'm', 'p', '4', '2',  'i', 's', 'o', 'm', 0,   0,   0,   0,   0, 0, 0, 0, 'm', 'd', 'a', 't'};
  static constexpr std::array<unsigned char, 7> kAdts{0xff, 0xf1, 0x50, 0x80, 0x2e, 0x7f, 0xfc};

  std::vector<unsigned char> header;
  switch (kind) {
    case MediaKind::photo:
      header.assign(kJpeg.begin(), kJpeg.end());
      break;
    case MediaKind::video:
      header.assign(kMp4.begin(), kMp4.end());
      break;
    case MediaKind::audio:
      if (m_options.layout == Layout::y2025) {
        header.assign(kAdts.begin(), kAdts.end());
      } else {
        header.assign(kM4a.begin(), kM4a.end());
      }
      break;
  }
  if (header.size() == 40) {
    // mdat runs to the end of the file; 0 says so when the size does not fit 32 bits.
    const std::uint64_t mdat = size - 32;
    const std::uint32_t field = mdat <= 0xffffffffULL ? static_cast<std::uint32_t>(mdat) : 0;
    for (std::size_t k = 0; k < 4; ++k) {
      header[32 + k] = static_cast<unsigned char>(field >> (24 - 8 * k));
    }
  }

  m_sink.begin_file(path, size, false);
  Rng rng = Rng::derive(m_options.seed, tag, blob);
  for (std::uint64_t offset = 0; offset < size;) {
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - offset));
    std::size_t k = 0;
    for (; k + 8 <= length; k += 8) {
      const std::uint64_t r = rng.next();
      for (std::size_t b = 0; b < 8; ++b) {
        m_chunk[k + b] = static_cast<char>(static_cast<unsigned char>(r >> (8 * b)));
      }
    }
    if (k < length) {
      const std::uint64_t r = rng.next();
      for (std::size_t b = 0; k < length; ++k, ++b) {
        m_chunk[k] = static_cast<char>(static_cast<unsigned char>(r >> (8 * b)));
      }
    }
    if (offset == 0) {
      for (std::size_t h = 0; h < header.size() && h < length; ++h) {
        m_chunk[h] = static_cast<char>(header[h]);
      }
    }
    if (kind == MediaKind::photo && offset + length == size && length >= 2) {
      m_chunk[length - 2] = static_cast<char>(0xff);  // EOI
      m_chunk[length - 1] = static_cast<char>(0xd9);
    }
    m_sink.write(m_chunk.data(), length);
    offset += length;
  }
  m_sink.end_file();
  ++m_truth.files;
  m_truth.bytes += size;
}

// Files next to the messages that a real export has, so that importers learn to skip them:
// the profile, the owner's posts with their media, and a non-thread JSON in messages/. Their
// shapes are plausible, not copied from a sample (none was available).
void ExportWriter::write_side_files() {
  Rng rng = Rng::derive(m_options.seed, kTagSide, 0);
  const Person& owner = m_plan.people[0];
  const bool y2025 = m_options.layout == Layout::y2025;
  std::uint64_t blob = 0;

  const std::int64_t profile_time =
      kLastMs / 1000 - static_cast<std::int64_t>(rng.below(3 * 365)) * 86400;
  const std::string profile_photo = "media/profile/" + year_month(profile_time) + "/" +
                                    media_name(rng, MediaKind::photo, m_options.layout);
  {
    m_buffer.clear();
    MetaJsonWriter w(m_buffer);
    w.begin_object();
    w.begin_array("profile_user");
    w.begin_object();
    w.field("title", "");
    w.begin_object("media_map_data");
    w.begin_object("Profile Photo");
    w.field("uri", profile_photo);
    w.field("creation_timestamp", profile_time);
    w.field("title", "");
    w.end_object();
    w.end_object();
    w.begin_object("string_map_data");
    const auto entry = [&](std::string_view key, std::string_view value) {
      w.begin_object(key);
      w.field("href", "");
      w.field("value", value);
      w.field("timestamp", std::int64_t{0});
      w.end_object();
    };
    entry("Email", owner.username + "@example.com");
    entry("Phone Confirmed", "False");
    entry("Username", owner.username);
    entry("Name", owner.display);
    entry("Bio", "caf\u00e9 \u2022 films \u2022 \U0001F30A");
    entry("Gender", rng.chance(0.5) ? "female" : "male");
    entry("Date of birth", std::to_string(rng.between(1975, 2005)) + "-0" +
                               std::to_string(rng.between(1, 9)) + "-1" +
                               std::to_string(rng.between(0, 9)));
    entry("Private Account", "True");
    w.end_object();
    w.end_object();
    w.end_array();
    w.end_object();
    write_file(y2025 ? "personal_information/personal_information/personal_information.json"
                     : "personal_information/personal_information.json",
               m_buffer, true);
  }
  write_blob(profile_photo, MediaKind::photo, rng.between(12000, 60000), kTagSideBlob, blob++);

  std::vector<std::pair<std::string, std::int64_t>> posts;
  for (std::uint64_t k = rng.between(2, 3); k > 0; --k) {
    const std::int64_t time = kLastMs / 1000 -
                              static_cast<std::int64_t>(rng.below(8 * 365)) * 86400 -
                              static_cast<std::int64_t>(rng.below(86400));
    posts.emplace_back("media/posts/" + year_month(time) + "/" +
                           media_name(rng, MediaKind::photo, m_options.layout),
                       time);
  }
  {
    m_buffer.clear();
    MetaJsonWriter w(m_buffer);
    w.begin_array();
    for (const auto& [uri, time] : posts) {
      w.begin_object();
      w.begin_array("media");
      w.begin_object();
      w.field("uri", uri);
      w.field("creation_timestamp", time);
      w.field("title", rng.pick(share_captions()));
      w.end_object();
      w.end_array();
      w.end_object();
    }
    w.end_array();
    write_file(y2025 ? "your_instagram_activity/media/posts_1.json" : "content/posts_1.json",
               m_buffer, true);
  }
  for (const auto& post : posts) {
    write_blob(post.first, MediaKind::photo, rng.between(12000, 60000), kTagSideBlob, blob++);
  }

  {
    m_buffer.clear();
    MetaJsonWriter w(m_buffer);
    w.begin_object();
    w.begin_object("ig_secret_conversations");
    w.begin_array("armadillo_devices");
    w.begin_object();
    const bool ios = rng.chance(0.6);
    w.field("device_type", ios ? "IOS" : "ANDROID");
    w.field("device_manufacturer", ios ? "Apple" : "samsung");
    w.field("device_model", ios ? "iPhone" + std::to_string(rng.between(12, 16)) + "," +
                                      std::to_string(rng.between(1, 8))
                                : "SM-S" + std::to_string(rng.between(901, 928)) + "B");
    w.field("device_os_version", ios ? std::to_string(rng.between(16, 18)) + "." +
                                           std::to_string(rng.between(0, 6)) + "." +
                                           std::to_string(rng.between(0, 3))
                                     : std::to_string(rng.between(12, 15)));
    w.field("last_connectivity_time",
            kLastMs / 1000 - static_cast<std::int64_t>(rng.between(600, 30 * 86400)));
    w.end_object();
    w.end_array();
    w.end_object();
    w.end_object();
    write_file(messages_root(m_options.layout) + "/secret_conversations.json", m_buffer, true);
  }
}

void ExportWriter::finish() {
  std::unordered_set<std::uint64_t> blobs;
  for (std::size_t i = 0; i < m_plan.files.size(); ++i) {
    const MediaFile& file = m_plan.files[i];
    if (m_referenced[i] != file.referenced) {
      throw std::logic_error(file.name + ": planned and written references disagree");
    }
    if (!m_referenced[i]) {
      ++m_truth.unreferenced_media_files;
      continue;
    }
    ++m_truth.media_paths;
    if (blobs.insert(file.blob).second) {
      ++m_truth.media_files;
      m_truth.media_bytes += file.size;
    }
  }
}

void append_number(std::string& out, std::uint64_t value) { out += std::to_string(value); }

}  // namespace

std::string validate_options(const GeneratorOptions& options) {
  if (options.conversations < 1 || options.conversations > kMaxConversations) {
    return "--conversations must be between 1 and " + std::to_string(kMaxConversations);
  }
  if (options.messages < options.conversations || options.messages > kMaxMessages) {
    return "--messages must be at least --conversations (every thread has a message) and at "
           "most " +
           std::to_string(kMaxMessages);
  }
  if (options.media_bytes != 0 && options.media_bytes < kMinMediaBytes) {
    return "--media-bytes must be 0 or at least " + std::to_string(kMinMediaBytes);
  }
  if (options.media_bytes > (1ULL << 40)) {
    return "--media-bytes must be at most 1 TiB";
  }
  if (options.messages_per_file < 1) {
    return "--messages-per-file must be at least 1";
  }
  return {};
}

Truth generate_export(const GeneratorOptions& options, ExportSink& sink) {
  if (const std::string problem = validate_options(options); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  Plan plan;
  plan_threads(plan, options);
  plan_media(plan, options);
  plan_planted(plan, options);
  for (Thread& t : plan.threads) {
    std::sort(t.reserved.begin(), t.reserved.end(),
              [](const Reserved& a, const Reserved& b) { return a.index < b.index; });
  }

  Truth truth;
  truth.owner = plan.people[0].display;
  truth.conversations = plan.threads.size();
  for (const Kind kind : kAllKinds) {
    truth.kinds[kind_name(kind)] = 0;
  }
  ExportWriter writer(plan, options, sink, truth);
  writer.write_side_files();
  for (std::size_t i = 0; i < plan.threads.size(); ++i) {
    writer.write_thread(i);
  }
  writer.finish();
  sink.finish();
  return truth;
}

std::string truth_to_json(const Truth& truth, const GeneratorOptions& options, unsigned zip_parts) {
  std::string out = "{\n";
  const auto number = [&](std::string_view key, std::uint64_t value, bool comma = true) {
    out += "  \"";
    out += key;
    out += "\": ";
    append_number(out, value);
    out += comma ? ",\n" : "\n";
  };
  out += "  \"generator\": \"dmvault-gen-instagram\",\n";
  out += "  \"layout\": \"";
  out += options.layout == Layout::y2025 ? "2025" : "2022";
  out += "\",\n";
  number("seed", options.seed);
  out += "  \"options\": {\"conversations\": " + std::to_string(options.conversations) +
         ", \"messages\": " + std::to_string(options.messages) +
         ", \"media_bytes\": " + std::to_string(options.media_bytes) +
         ", \"messages_per_file\": " + std::to_string(options.messages_per_file) +
         ", \"zip_parts\": " + std::to_string(zip_parts) + "},\n";
  out += "  \"owner\": ";
  append_plain_json_string(out, truth.owner);
  out += ",\n";
  number("conversations", truth.conversations);
  number("messages", truth.messages);
  number("system_messages", truth.system_messages);
  number("attachments", truth.attachments);
  number("missing_attachments", truth.missing_attachments);
  number("media_files", truth.media_files);
  number("media_bytes", truth.media_bytes);
  number("media_paths", truth.media_paths);
  number("unreferenced_media_files", truth.unreferenced_media_files);
  number("thread_media_files", truth.thread_media_files);
  number("thread_media_bytes", truth.thread_media_bytes);
  number("files", truth.files);
  number("bytes", truth.bytes);
  out += "  \"kinds\": {";
  bool first = true;
  for (const auto& [name, count] : truth.kinds) {
    out += first ? "" : ", ";
    first = false;
    append_plain_json_string(out, name);
    out += ": " + std::to_string(count);
  }
  out += "},\n  \"planted\": [";
  first = true;
  for (const PlantedOccurrence& p : truth.planted) {
    out += first ? "\n    {" : ",\n    {";
    first = false;
    out += "\"word\": ";
    append_plain_json_string(out, p.word);
    out += ", \"thread\": ";
    append_plain_json_string(out, p.thread);
    out += ", \"file\": ";
    append_plain_json_string(out, p.file);
    out += ", \"sender\": ";
    append_plain_json_string(out, p.sender);
    out += ", \"timestamp_ms\": " + std::to_string(p.timestamp_ms) + "}";
  }
  out += first ? "],\n" : "\n  ],\n";
  out += "  \"threads\": [";
  first = true;
  for (const ThreadTruth& t : truth.threads) {
    out += first ? "\n    {" : ",\n    {";
    first = false;
    out += "\"thread_path\": ";
    append_plain_json_string(out, t.thread_path);
    out += ", \"title\": ";
    append_plain_json_string(out, t.title);
    out += ", \"is_group\": ";
    out += t.is_group ? "true" : "false";
    out += ", \"participants\": [";
    for (std::size_t k = 0; k < t.participants.size(); ++k) {
      out += k == 0 ? "" : ", ";
      append_plain_json_string(out, t.participants[k]);
    }
    out += "], \"messages\": " + std::to_string(t.messages) +
           ", \"system_messages\": " + std::to_string(t.system_messages) +
           ", \"json_files\": " + std::to_string(t.json_files) +
           ", \"first_timestamp_ms\": " + std::to_string(t.first_timestamp_ms) +
           ", \"last_timestamp_ms\": " + std::to_string(t.last_timestamp_ms) + "}";
  }
  out += first ? "]\n" : "\n  ]\n";
  out += "}\n";
  return out;
}

std::int64_t export_mtime() { return kExportTime; }

}  // namespace dmvault::formats::instagram::generator
