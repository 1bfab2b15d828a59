// Every localised string the WhatsApp importer recognises, in one table per purpose, with where
// each comes from:
//   [fixture]  seen in a real export under shared/fixtures/whatsapp (SOURCES.md there);
//   [notes]    listed in shared/notes/formats-other.md §1 (from parsers' placeholder lists);
//   [best]     best knowledge of WhatsApp's translations, not checked against a real export.
// Matching ignores ASCII case and WhatsApp's invisible marks (U+200E ...), and, for notices,
// a trailing full stop (iOS adds one). A string not in these tables is not lost: the message
// is kept as ordinary text (or a system line) with its raw line.
#include "common/format_text.hpp"
#include "whatsapp/whatsapp_internal.hpp"

#include <array>

namespace dmvault::formats::whatsapp {

namespace {

// Lower-case ASCII, marks removed, trimmed, without one trailing '.': the form all phrases are
// compared in.
std::string folded(std::string_view text) {
  std::string out = ascii_lower(trim(without_marks(text)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return std::string(trim(out));
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// File names: "<prefix><chat name>.txt" (Android) or the zip's "<prefix><chat name>.zip" (iOS).
constexpr std::array kFileNamePrefixes = {
    std::string_view("WhatsApp Chat with "),    // en, Android [notes]
    std::string_view("WhatsApp Chat - "),       // iOS zip/folder, every language [fixture notes]
    std::string_view("WhatsApp Chat mit "),     // de [notes]
    std::string_view("Chat de WhatsApp con "),  // es [best]
    std::string_view("Discussion WhatsApp avec "),  // fr [best]
    std::string_view("Conversa do WhatsApp com "),  // pt [best]
    std::string_view("Chat WhatsApp con "),         // it [best]
    std::string_view("WhatsApp-Chat mit "),         // de, some builds [best]
};

// The end-to-end encryption notice, compared as a prefix of the folded body.
constexpr std::array kEndToEndNotices = {
    std::string_view("messages and calls are end-to-end encrypted"),  // en [notes]
    std::string_view(
        "messages to this group are now secured with end-to-end encryption"),  // en [fixture]
    std::string_view(
        "messages to this chat and calls are now secured with end-to-end encryption"),  // en [best]
    std::string_view("messages you send to this chat and calls are now secured"),       // en [best]
    std::string_view("nachrichten und anrufe sind ende-zu-ende-verschlüsselt"),         // de [best]
    std::string_view(
        "los mensajes y las llamadas están cifrados de extremo a extremo"),        // es [best]
    std::string_view("les messages et les appels sont chiffrés de bout en bout"),  // fr [best]
    std::string_view(
        "as mensagens e as chamadas são protegidas com a criptografia de ponta a ponta"),  // pt
                                                                                           // [best]
    std::string_view("i messaggi e le chiamate sono crittografati end-to-end"),  // it [best]
};

// Deleted messages, someone else's and one's own.
constexpr std::array kDeletedNotices = {
    std::string_view("this message was deleted"),            // en [notes]
    std::string_view("you deleted this message"),            // en [notes]
    std::string_view("diese nachricht wurde gelöscht"),      // de [notes]
    std::string_view("du hast diese nachricht gelöscht"),    // de [notes]
    std::string_view("se eliminó este mensaje"),             // es [best]
    std::string_view("eliminaste este mensaje"),             // es [best]
    std::string_view("este mensaje fue eliminado"),          // es [best]
    std::string_view("ce message a été supprimé"),           // fr [best]
    std::string_view("vous avez supprimé ce message"),       // fr [best]
    std::string_view("esta mensagem foi apagada"),           // pt [best]
    std::string_view("você apagou esta mensagem"),           // pt [best]
    std::string_view("questo messaggio è stato eliminato"),  // it [best]
    std::string_view("hai eliminato questo messaggio"),      // it [best]
};

// The marker appended to an edited message's last line, folded, with its angle brackets.
constexpr std::array kEditedMarkers = {
    std::string_view("<this message was edited>"),              // en [notes]
    std::string_view("<diese nachricht wurde bearbeitet>"),     // de [notes]
    std::string_view("<se editó este mensaje>"),                // es [best]
    std::string_view("<ce message a été modifié>"),             // fr [best]
    std::string_view("<esta mensagem foi editada>"),            // pt [best]
    std::string_view("<questo messaggio è stato modificato>"),  // it [best]
};

struct Placeholder {
  std::string_view text;  // folded
  AttachmentKind kind;
};

// Media left out of an export made without media: the whole body is one of these.
constexpr std::array kPlaceholders = {
    Placeholder{"<media omitted>", AttachmentKind::file},            // en Android [notes]
    Placeholder{"image omitted", AttachmentKind::photo},             // en iOS [notes]
    Placeholder{"video omitted", AttachmentKind::video},             // en iOS [notes]
    Placeholder{"audio omitted", AttachmentKind::audio},             // en iOS [notes]
    Placeholder{"sticker omitted", AttachmentKind::sticker},         // en iOS [notes]
    Placeholder{"gif omitted", AttachmentKind::gif},                 // en iOS [notes]
    Placeholder{"contact card omitted", AttachmentKind::file},       // en iOS [notes]
    Placeholder{"<medien ausgeschlossen>", AttachmentKind::file},    // de Android [notes]
    Placeholder{"bild weggelassen", AttachmentKind::photo},          // de iOS [notes]
    Placeholder{"video weggelassen", AttachmentKind::video},         // de iOS [best]
    Placeholder{"audio weggelassen", AttachmentKind::audio},         // de iOS [best]
    Placeholder{"sticker weggelassen", AttachmentKind::sticker},     // de iOS [best]
    Placeholder{"gif weggelassen", AttachmentKind::gif},             // de iOS [best]
    Placeholder{"kontaktkarte ausgelassen", AttachmentKind::file},   // de iOS [best]
    Placeholder{"<multimedia omitido>", AttachmentKind::file},       // es Android [best]
    Placeholder{"imagen omitida", AttachmentKind::photo},            // es iOS [best]
    Placeholder{"video omitido", AttachmentKind::video},             // es iOS [best]
    Placeholder{"audio omitido", AttachmentKind::audio},             // es iOS [best]
    Placeholder{"sticker omitido", AttachmentKind::sticker},         // es iOS [best]
    Placeholder{"gif omitido", AttachmentKind::gif},                 // es iOS [best]
    Placeholder{"<médias omis>", AttachmentKind::file},              // fr Android [best]
    Placeholder{"<fichier omis>", AttachmentKind::file},             // fr Android [best]
    Placeholder{"image omise", AttachmentKind::photo},               // fr iOS [best]
    Placeholder{"vidéo omise", AttachmentKind::video},               // fr iOS [best]
    Placeholder{"audio omis", AttachmentKind::audio},                // fr iOS [best]
    Placeholder{"autocollant omis", AttachmentKind::sticker},        // fr iOS [best]
    Placeholder{"gif omis", AttachmentKind::gif},                    // fr iOS [best]
    Placeholder{"<arquivo de mídia oculto>", AttachmentKind::file},  // pt Android [best]
    Placeholder{"<mídia oculta>", AttachmentKind::file},             // pt Android [best]
    Placeholder{"imagem ocultada", AttachmentKind::photo},           // pt iOS [best]
    Placeholder{"vídeo omitido", AttachmentKind::video},             // pt iOS [best]
    Placeholder{"áudio ocultado", AttachmentKind::audio},            // pt iOS [best]
    Placeholder{"figurinha omitida", AttachmentKind::sticker},       // pt iOS [best]
    Placeholder{"<media omessi>", AttachmentKind::file},             // it Android [best]
    Placeholder{"immagine omessa", AttachmentKind::photo},           // it iOS [best]
    Placeholder{"video omesso", AttachmentKind::video},              // it iOS [best]
    Placeholder{"audio omesso", AttachmentKind::audio},              // it iOS [best]
    Placeholder{"sticker omesso", AttachmentKind::sticker},          // it iOS [best]
    Placeholder{"gif omessa", AttachmentKind::gif},                  // it iOS [best]
};

// iOS documents: "‎<name> • ‎N pages ‎document omitted": compared as a suffix.
constexpr std::array kDocumentOmitted = {
    std::string_view("document omitted"),      // en [notes]
    std::string_view("dokument weggelassen"),  // de [best]
    std::string_view("documento omitido"),     // es, pt [best]
    std::string_view("document omis"),         // fr [best]
    std::string_view("documento omesso"),      // it [best]
};

// Calls (iOS writes them as messages of the caller), compared as a prefix.
constexpr std::array kCallNotices = {
    std::string_view("missed voice call"),         // en [notes]
    std::string_view("missed video call"),         // en [notes]
    std::string_view("verpasster sprachanruf"),    // de [best]
    std::string_view("verpasster videoanruf"),     // de [best]
    std::string_view("llamada perdida"),           // es [best]
    std::string_view("videollamada perdida"),      // es [best]
    std::string_view("appel vocal manqué"),        // fr [best]
    std::string_view("appel vidéo manqué"),        // fr [best]
    std::string_view("chamada de voz perdida"),    // pt [best]
    std::string_view("chamada de vídeo perdida"),  // pt [best]
    std::string_view("chiamata vocale persa"),     // it [best]
    std::string_view("videochiamata persa"),       // it [best]
};

// A shared location: "<label>: https://maps.google.com/?q=..."; folded labels with the colon.
constexpr std::array kLocationLabels = {
    std::string_view("location:"),       // en [notes]
    std::string_view("standort:"),       // de [best]
    std::string_view("ubicación:"),      // es [best]
    std::string_view("localisation :"),  // fr [best]
    std::string_view("position :"),      // fr [best]
    std::string_view("localização:"),    // pt [best]
    std::string_view("posizione:"),      // it [best]
};

// iOS "<attached: NAME>", folded labels.
constexpr std::array kAttachedLabels = {
    std::string_view("attached"),      // en [fixture]
    std::string_view("anhang"),        // de [best]
    std::string_view("adjunto"),       // es [best]
    std::string_view("pièce jointe"),  // fr [best]
    std::string_view("anexado"),       // pt [best]
    std::string_view("allegato"),      // it [best]
};

// Android "NAME (file attached)", folded labels.
constexpr std::array kFileAttachedLabels = {
    std::string_view("file attached"),    // en [notes]
    std::string_view("datei angehängt"),  // de [best]
    std::string_view("archivo adjunto"),  // es [best]
    std::string_view("fichier joint"),    // fr [best]
    std::string_view("arquivo anexado"),  // pt [best]
    std::string_view("file allegato"),    // it [best]
};

// System lines only groups have, compared as substrings of the folded line.
constexpr std::array kGroupEvents = {
    std::string_view(" created group "),         // en [fixture]
    std::string_view(" added "),                 // en [fixture]
    std::string_view("you were added"),          // en [fixture]
    std::string_view(" left"),                   // en [notes]
    std::string_view(" removed "),               // en [notes]
    std::string_view("changed the subject"),     // en [notes]
    std::string_view("changed this group's"),    // en [notes]
    std::string_view("changed the group"),       // en [best]
    std::string_view("messages to this group"),  // en [fixture]
    std::string_view(" hat die gruppe "),        // de [best]
    std::string_view(" hinzugefügt"),            // de [best]
    std::string_view("gruppe verlassen"),        // de [best]
    std::string_view(" creó el grupo "),         // es [best]
    std::string_view(" añadió a "),              // es [best]
    std::string_view(" salió del grupo"),        // es [best]
    std::string_view(" a créé le groupe "),      // fr [best]
    std::string_view(" a ajouté "),              // fr [best]
    std::string_view(" est parti"),              // fr [best]
    std::string_view(" criou o grupo "),         // pt [best]
    std::string_view(" adicionou "),             // pt [best]
    std::string_view(" saiu"),                   // pt [best]
    std::string_view(" ha creato il gruppo "),   // it [best]
    std::string_view(" ha aggiunto "),           // it [best]
    std::string_view(" è uscito"),               // it [best]
};

// "X created group "Name"": the words before the quoted name, folded.
constexpr std::array kCreatedGroup = {
    std::string_view("created group "),        // en [fixture]
    std::string_view("hat die gruppe "),       // de [best] ("... „Name“ erstellt")
    std::string_view("creó el grupo "),        // es [best]
    std::string_view("a créé le groupe "),     // fr [best]
    std::string_view("criou o grupo "),        // pt [best]
    std::string_view("ha creato il gruppo "),  // it [best]
};

template <std::size_t N>
bool equals_any(std::string_view folded_text, const std::array<std::string_view, N>& table) {
  for (const std::string_view entry : table) {
    if (folded_text == entry) return true;
  }
  return false;
}

template <std::size_t N>
bool starts_with_any(std::string_view folded_text, const std::array<std::string_view, N>& table) {
  for (const std::string_view entry : table) {
    if (starts_with(folded_text, entry)) return true;
  }
  return false;
}

// The opening quote characters of a group name, and their closing partners.
struct Quote {
  std::string_view open;
  std::string_view close;
};
constexpr std::array kQuotes = {
    Quote{"\"", "\""}, Quote{"\xe2\x80\x9c", "\xe2\x80\x9d"},  // “ ”
    Quote{"\xe2\x80\x9e", "\xe2\x80\x9c"},                     // „ “ (German)
    Quote{"\xc2\xab", "\xc2\xbb"},                             // « » (French)
};

}  // namespace

std::optional<std::string> chat_name_from_file_stem(std::string_view stem) {
  for (const std::string_view prefix : kFileNamePrefixes) {
    if (starts_with(stem, prefix) && stem.size() > prefix.size()) {
      return std::string(trim(stem.substr(prefix.size())));
    }
  }
  return std::nullopt;
}

bool is_end_to_end_notice(std::string_view body) {
  return starts_with_any(folded(body), kEndToEndNotices);
}

bool is_deleted_notice(std::string_view body) { return equals_any(folded(body), kDeletedNotices); }

std::optional<std::string_view> without_edited_marker(std::string_view body) {
  std::string_view rest = body;
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r' || rest.back() == '\n')) {
    rest.remove_suffix(1);
  }
  if (rest.empty() || rest.back() != '>') return std::nullopt;
  const std::size_t open = rest.rfind('<');
  if (open == std::string_view::npos) return std::nullopt;
  std::string marker = folded(rest.substr(open));
  // "<Diese Nachricht wurde bearbeitet.>": the full stop sits inside the brackets.
  if (marker.size() >= 2 && marker[marker.size() - 2] == '.') marker.erase(marker.size() - 2, 1);
  if (!equals_any(marker, kEditedMarkers)) return std::nullopt;
  rest = rest.substr(0, open);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  return strip_leading_marks(rest).empty() ? std::string_view() : rest;
}

std::optional<AttachmentKind> placeholder_kind(std::string_view body) {
  const std::string text = folded(body);
  for (const Placeholder& p : kPlaceholders) {
    if (text == p.text) return p.kind;
  }
  for (const std::string_view suffix : kDocumentOmitted) {
    if (ends_with(text, suffix)) return AttachmentKind::file;
  }
  // Android's other "<... omitted>" forms ("<View once voice message omitted>").
  if (starts_with(text, "<") && ends_with(text, " omitted>") &&
      text.find('\n') == std::string::npos) {
    return AttachmentKind::file;
  }
  return std::nullopt;
}

bool is_call_notice(std::string_view body) {
  const std::string text = folded(body);
  return text.find('\n') == std::string::npos && starts_with_any(text, kCallNotices);
}

std::string_view location_link(std::string_view body) {
  const std::string_view text = trim(strip_leading_marks(body));
  const std::string lower = ascii_lower(text);
  for (const std::string_view label : kLocationLabels) {
    if (!starts_with(lower, label)) continue;
    std::string_view link = trim(text.substr(label.size()));
    const std::size_t end = link.find_first_of(" \n\r");
    if (end != std::string_view::npos) link = link.substr(0, end);
    if (starts_with(link, "https://") || starts_with(link, "http://")) return link;
  }
  return {};
}

bool is_attached_label(std::string_view label) {
  return equals_any(folded(label), kAttachedLabels);
}

bool is_file_attached_label(std::string_view label) {
  return equals_any(folded(label), kFileAttachedLabels);
}

bool is_group_event(std::string_view system_text) {
  const std::string text = " " + folded(system_text);
  for (const std::string_view marker : kGroupEvents) {
    if (text.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string created_group_name(std::string_view system_text) {
  const std::string text = without_marks(system_text);
  const std::string lower = ascii_lower(text);
  for (const std::string_view words : kCreatedGroup) {
    const std::size_t at = lower.find(words);
    if (at == std::string::npos) continue;
    const std::string_view after = std::string_view(text).substr(at + words.size());
    for (const Quote& q : kQuotes) {
      if (!starts_with(after, q.open)) continue;
      const std::string_view inside = after.substr(q.open.size());
      const std::size_t close = inside.rfind(q.close);
      if (close != std::string_view::npos && close > 0) {
        return std::string(trim(inside.substr(0, close)));
      }
    }
  }
  return {};
}

AttachmentKind attachment_kind_of(std::string_view file_name) {
  // iOS: "00000012-PHOTO-2019-06-20-16-00-15.jpg".
  struct Tag {
    std::string_view tag;
    AttachmentKind kind;
  };
  static constexpr Tag kIosTags[] = {
      {"-PHOTO-", AttachmentKind::photo},   {"-VIDEO-", AttachmentKind::video},
      {"-AUDIO-", AttachmentKind::audio},   {"-STICKER-", AttachmentKind::sticker},
      {"-GIF-", AttachmentKind::gif},       {"-CONTACT-", AttachmentKind::file},
      {"-DOCUMENT-", AttachmentKind::file},
  };
  if (file_name.size() > 9 && file_name[8] == '-') {
    for (const Tag& t : kIosTags) {
      if (file_name.substr(8, t.tag.size()) == t.tag) return t.kind;
    }
  }
  // Android: "IMG-20240101-WA0001.jpg".
  static constexpr Tag kAndroidPrefixes[] = {
      {"IMG-", AttachmentKind::photo},   {"VID-", AttachmentKind::video},
      {"PTT-", AttachmentKind::audio},   {"AUD-", AttachmentKind::audio},
      {"STK-", AttachmentKind::sticker}, {"DOC-", AttachmentKind::file},
  };
  for (const Tag& t : kAndroidPrefixes) {
    if (starts_with(file_name, t.tag) && file_name.find("-WA") != std::string_view::npos) {
      return t.kind;
    }
  }
  const std::size_t dot = file_name.rfind('.');
  const std::string extension =
      dot == std::string_view::npos ? std::string() : ascii_lower(file_name.substr(dot + 1));
  for (const std::string_view e : {"jpg", "jpeg", "png", "heic", "heif", "webp", "bmp"}) {
    if (extension == e) return AttachmentKind::photo;
  }
  for (const std::string_view e : {"mp4", "mov", "3gp", "mkv", "webm", "m4v"}) {
    if (extension == e) return AttachmentKind::video;
  }
  for (const std::string_view e : {"opus", "mp3", "m4a", "ogg", "aac", "amr", "wav", "flac"}) {
    if (extension == e) return AttachmentKind::audio;
  }
  if (extension == "gif") return AttachmentKind::gif;
  return AttachmentKind::file;
}

}  // namespace dmvault::formats::whatsapp
