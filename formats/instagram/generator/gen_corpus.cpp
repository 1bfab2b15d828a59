#include "gen_corpus.hpp"

#include <array>

namespace dmvault::formats::instagram::generator {
namespace {

using namespace std::string_view_literals;

// --- Names ---------------------------------------------------------------------------------

constexpr std::array<NamePart, 14> kEnglishGiven{{{"Emma", "emma"},
                                                  {"Liam", "liam"},
                                                  {"Olivia", "olivia"},
                                                  {"Noah", "noah"},
                                                  {"Ava", "ava"},
                                                  {"James", "james"},
                                                  {"Mia", "mia"},
                                                  {"Lucas", "lucas"},
                                                  {"Chloe", "chloe"},
                                                  {"Ethan", "ethan"},
                                                  {"Grace", "grace"},
                                                  {"Jack", "jack"},
                                                  {"Sam", "sam"},
                                                  {"Alex", "alex"}}};
constexpr std::array<NamePart, 10> kEnglishFamily{{{"Smith", "smith"},
                                                   {"Johnson", "johnson"},
                                                   {"Brown", "brown"},
                                                   {"Taylor", "taylor"},
                                                   {"Walker", "walker"},
                                                   {"Harris", "harris"},
                                                   {"O\u2019Connor", "oconnor"},
                                                   {"Clarke", "clarke"},
                                                   {"Evans", "evans"},
                                                   {"Murphy", "murphy"}}};

constexpr std::array<NamePart, 10> kSpanishGiven{{{"Jos\u00e9", "jose"},
                                                  {"Mar\u00eda", "maria"},
                                                  {"Luc\u00eda", "lucia"},
                                                  {"\u00c1lvaro", "alvaro"},
                                                  {"Mart\u00edn", "martin"},
                                                  {"Sof\u00eda", "sofia"},
                                                  {"I\u00f1aki", "inaki"},
                                                  {"Nuria", "nuria"},
                                                  {"Ra\u00fal", "raul"},
                                                  {"Bego\u00f1a", "begona"}}};
constexpr std::array<NamePart, 8> kSpanishFamily{{{"P\u00e9rez", "perez"},
                                                  {"Garc\u00eda", "garcia"},
                                                  {"N\u00fa\u00f1ez", "nunez"},
                                                  {"\u00c1lvarez", "alvarez"},
                                                  {"Mu\u00f1oz", "munoz"},
                                                  {"Fern\u00e1ndez", "fernandez"},
                                                  {"Ib\u00e1\u00f1ez", "ibanez"},
                                                  {"G\u00f3mez", "gomez"}}};

constexpr std::array<NamePart, 8> kPortugueseGiven{{{"Jo\u00e3o", "joao"},
                                                    {"Concei\u00e7\u00e3o", "conceicao"},
                                                    {"In\u00eas", "ines"},
                                                    {"Gon\u00e7alo", "goncalo"},
                                                    {"Lu\u00edza", "luiza"},
                                                    {"Tiago", "tiago"},
                                                    {"M\u00f4nica", "monica"},
                                                    {"Sebasti\u00e3o", "sebastiao"}}};
constexpr std::array<NamePart, 7> kPortugueseFamily{{{"Gon\u00e7alves", "goncalves"},
                                                     {"Ara\u00fajo", "araujo"},
                                                     {"Sim\u00f5es", "simoes"},
                                                     {"Brand\u00e3o", "brandao"},
                                                     {"Magalh\u00e3es", "magalhaes"},
                                                     {"Assun\u00e7\u00e3o", "assuncao"},
                                                     {"Lopes", "lopes"}}};

constexpr std::array<NamePart, 8> kFrenchGiven{{{"Fran\u00e7ois", "francois"},
                                                {"Chlo\u00e9", "chloe"},
                                                {"H\u00e9l\u00e8ne", "helene"},
                                                {"Lo\u00efc", "loic"},
                                                {"Ana\u00efs", "anais"},
                                                {"J\u00e9r\u00f4me", "jerome"},
                                                {"L\u00e9a", "lea"},
                                                {"Beno\u00eet", "benoit"}}};
constexpr std::array<NamePart, 7> kFrenchFamily{{{"Lef\u00e8vre", "lefevre"},
                                                 {"Dubois", "dubois"},
                                                 {"B\u00e9renger", "berenger"},
                                                 {"Mercier", "mercier"},
                                                 {"Lema\u00eetre", "lemaitre"},
                                                 {"Faure", "faure"},
                                                 {"Rousseau", "rousseau"}}};

constexpr std::array<NamePart, 8> kGermanGiven{{{"Lena", "lena"},
                                                {"J\u00fcrgen", "juergen"},
                                                {"Bj\u00f6rn", "bjoern"},
                                                {"Zo\u00eb", "zoe"},
                                                {"K\u00e4the", "kaethe"},
                                                {"Lukas", "lukas"},
                                                {"S\u00f6ren", "soeren"},
                                                {"Anja", "anja"}}};
constexpr std::array<NamePart, 7> kGermanFamily{{{"M\u00fcller", "mueller"},
                                                 {"Sch\u00e4fer", "schaefer"},
                                                 {"Gro\u00df", "gross"},
                                                 {"K\u00f6hler", "koehler"},
                                                 {"Wei\u00df", "weiss"},
                                                 {"Hoffmann", "hoffmann"},
                                                 {"B\u00f6hm", "boehm"}}};

constexpr std::array<NamePart, 8> kVietnameseGiven{{{"Hoa", "hoa"},
                                                    {"Minh", "minh"},
                                                    {"Linh", "linh"},
                                                    {"Tu\u1ea5n", "tuan"},
                                                    {"Th\u1ea3o", "thao"},
                                                    {"D\u0169ng", "dung"},
                                                    {"Ng\u1ecdc", "ngoc"},
                                                    {"Th\u1ecb H\u01b0\u01a1ng", "huong"}}};
constexpr std::array<NamePart, 6> kVietnameseFamily{{{"Nguy\u1ec5n", "nguyen"},
                                                     {"Tr\u1ea7n", "tran"},
                                                     {"L\u00ea", "le"},
                                                     {"Ph\u1ea1m", "pham"},
                                                     {"Ho\u00e0ng", "hoang"},
                                                     {"\u0110\u1eb7ng", "dang"}}};

constexpr std::array<NamePart, 6> kRussianGiven{{{"Дмитрий", "dmitry"},
                                                 {"Сергей", "sergey"},
                                                 {"Иван", "ivan"},
                                                 {"Алексей", "alexey"},
                                                 {"Никита", "nikita"},
                                                 {"Павел", "pavel"}}};
constexpr std::array<NamePart, 5> kRussianFamily{{{"Соколов", "sokolov"},
                                                  {"Смирнов", "smirnov"},
                                                  {"Кузнецов", "kuznetsov"},
                                                  {"Попов", "popov"},
                                                  {"Волков", "volkov"}}};

constexpr std::array<NamePart, 5> kGreekGiven{{{"Ελένη", "eleni"},
                                               {"Γιώργος", "giorgos"},
                                               {"Κατερίνα", "katerina"},
                                               {"Νίκος", "nikos"},
                                               {"Δήμητρα", "dimitra"}}};
constexpr std::array<NamePart, 4> kGreekFamily{{{"Οικονόμου", "oikonomou"},
                                                {"Γεωργίου", "georgiou"},
                                                {"Παπαδάκη", "papadaki"},
                                                {"Αλεξίου", "alexiou"}}};

constexpr std::array<NamePart, 5> kBengaliGiven{{{"শাহরিয়ার", "shahriar"},
                                                 {"তানিয়া", "tania"},
                                                 {"রাহুল", "rahul"},
                                                 {"অদিতি", "aditi"},
                                                 {"ফারহান", "farhan"}}};
constexpr std::array<NamePart, 4> kBengaliFamily{
    {{"সোহান", "sohan"}, {"রহমান", "rahman"}, {"চৌধুরী", "chowdhury"}, {"দাস", "das"}}};

constexpr std::array<NamePart, 5> kHindiGiven{{{"श्रेया", "shreya"},
                                               {"अर्जुन", "arjun"},
                                               {"प्रिया", "priya"},
                                               {"रोहित", "rohit"},
                                               {"अनन्या", "ananya"}}};
constexpr std::array<NamePart, 4> kHindiFamily{
    {{"शर्मा", "sharma"}, {"वर्मा", "verma"}, {"पटेल", "patel"}, {"गुप्ता", "gupta"}}};

constexpr std::array<NamePart, 5> kArabicGiven{{{"محمد", "mohammed"},
                                                {"فاطمة", "fatima"},
                                                {"ليلى", "layla"},
                                                {"عمر", "omar"},
                                                {"يوسف", "youssef"}}};
constexpr std::array<NamePart, 4> kArabicFamily{
    {{"الأحمد", "alahmad"}, {"حداد", "haddad"}, {"منصور", "mansour"}, {"خليل", "khalil"}}};

constexpr std::array<NamePart, 5> kJapaneseGiven{
    {{"花子", "hanako"}, {"翔太", "shota"}, {"美咲", "misaki"}, {"健", "ken"}, {"結衣", "yui"}}};
constexpr std::array<NamePart, 4> kJapaneseFamily{
    {{"山田", "yamada"}, {"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"}}};

constexpr std::array<NamePart, 5> kKoreanGiven{{{"민준", "minjun"},
                                                {"서연", "seoyeon"},
                                                {"지호", "jiho"},
                                                {"하은", "haeun"},
                                                {"도윤", "doyun"}}};
constexpr std::array<NamePart, 4> kKoreanFamily{
    {{"김", "kim"}, {"이", "lee"}, {"박", "park"}, {"최", "choi"}}};

constexpr std::array<NamePart, 6> kTurkishGiven{{{"Ay\u015fe", "ayse"},
                                                 {"Mehmet", "mehmet"},
                                                 {"Elif", "elif"},
                                                 {"\u00c7a\u011fla", "cagla"},
                                                 {"O\u011fuz", "oguz"},
                                                 {"\u0130brahim", "ibrahim"}}};
constexpr std::array<NamePart, 5> kTurkishFamily{{{"Y\u0131lmaz", "yilmaz"},
                                                  {"Kaya", "kaya"},
                                                  {"Demir", "demir"},
                                                  {"\u015eahin", "sahin"},
                                                  {"\u00d6zt\u00fcrk", "ozturk"}}};

constexpr std::array<NamePart, 5> kPolishGiven{{{"\u0141ukasz", "lukasz"},
                                                {"Zofia", "zofia"},
                                                {"Pawe\u0142", "pawel"},
                                                {"Ma\u0142gorzata", "malgorzata"},
                                                {"Kasia", "kasia"}}};
constexpr std::array<NamePart, 4> kPolishFamily{{{"Wi\u015bniewska", "wisniewska"},
                                                 {"Kowalczyk", "kowalczyk"},
                                                 {"W\u00f3jcik", "wojcik"},
                                                 {"Zieli\u0144ska", "zielinska"}}};

// --- Chat words per language -----------------------------------------------------------------

constexpr std::array kEnglish{
    "hey"sv,    "lol"sv,      "omg"sv,        "yeah"sv,       "ok"sv,        "sure"sv,
    "haha"sv,   "tonight"sv,  "tomorrow"sv,   "dinner"sv,     "coffee"sv,    "movie"sv,
    "class"sv,  "exam"sv,     "work"sv,       "gym"sv,        "weekend"sv,   "beach"sv,
    "trip"sv,   "photo"sv,    "birthday"sv,   "party"sv,      "game"sv,      "music"sv,
    "song"sv,   "later"sv,    "soon"sv,       "miss"sv,       "you"sv,       "love"sv,
    "this"sv,   "that"sv,     "what"sv,       "time"sv,       "where"sv,     "are"sv,
    "we"sv,     "going"sv,    "did"sv,        "see"sv,        "it"sv,        "so"sv,
    "funny"sv,  "cute"sv,     "crazy"sv,      "sorry"sv,      "thanks"sv,    "good"sv,
    "night"sv,  "morning"sv,  "the"sv,        "a"sv,          "to"sv,        "and"sv,
    "I"sv,      "I\u2019m"sv, "don\u2019t"sv, "can\u2019t"sv, "it\u2019s"sv, "gonna"sv,
    "wanna"sv,  "bro"sv,      "dude"sv,       "literally"sv,  "honestly"sv,  "btw"sv,
    "idk"sv,    "tbh"sv,      "wait"sv,       "really"sv,     "same"sv,      "mood"sv,
    "vibes"sv,  "train"sv,    "bus"sv,        "late"sv,       "early"sv,     "pizza"sv,
    "sushi"sv,  "rain"sv,     "sun"sv,        "snow"sv,       "home"sv,      "now"sv,
    "just"sv,   "got"sv,      "here"sv,       "outside"sv,    "call"sv,      "me"sv,
    "when"sv,   "free"sv,     "maybe"sv,      "definitely"sv, "nope"sv,      "yes"sv,
    "cafe"sv,   "tickets"sv,  "concert"sv,    "flight"sv,     "landed"sv,    "cat"sv,
    "dog"sv,    "puppy"sv,    "recipe"sv,     "cake"sv,       "tired"sv,     "sleepy"sv,
    "hungry"sv, "awesome"sv,  "amazing"sv,    "wow"sv,        "nice"sv,      "cool"sv,
    "lmao"sv,   "fr"sv,       "ngl"sv,        "ikr"sv,        "pls"sv,       "thx"sv};

constexpr std::array kSpanish{"hola"sv,
                              "qu\u00e9"sv,
                              "tal"sv,
                              "ma\u00f1ana"sv,
                              "est\u00e1"sv,
                              "bien"sv,
                              "jajaja"sv,
                              "vamos"sv,
                              "cumplea\u00f1os"sv,
                              "tambi\u00e9n"sv,
                              "ni\u00f1o"sv,
                              "a\u00f1o"sv,
                              "por"sv,
                              "favor"sv,
                              "gracias"sv,
                              "coraz\u00f3n"sv,
                              "fiesta"sv,
                              "playa"sv,
                              "despu\u00e9s"sv,
                              "ahora"sv,
                              "cari\u00f1o"sv,
                              "qu\u00e9 tal"sv,
                              "nos vemos"sv,
                              "oye"sv,
                              "vale"sv,
                              "genial"sv,
                              "\u00bfd\u00f3nde"sv,
                              "est\u00e1s?"sv,
                              "\u00a1qu\u00e9"sv,
                              "guay!"sv,
                              "la"sv,
                              "el"sv,
                              "de"sv,
                              "que"sv,
                              "mi"sv,
                              "amiga"sv,
                              "peque\u00f1o"sv,
                              "se\u00f1ora"sv,
                              "caf\u00e9"sv,
                              "tarde"sv};

constexpr std::array kPortuguese{"oi"sv,
                                 "tudo"sv,
                                 "bem"sv,
                                 "voc\u00ea"sv,
                                 "amanh\u00e3"sv,
                                 "n\u00e3o"sv,
                                 "obrigada"sv,
                                 "saudade"sv,
                                 "kkkk"sv,
                                 "ent\u00e3o"sv,
                                 "cora\u00e7\u00e3o"sv,
                                 "\u00f4nibus"sv,
                                 "praia"sv,
                                 "tamb\u00e9m"sv,
                                 "a\u00e7a\u00ed"sv,
                                 "p\u00e3o"sv,
                                 "de"sv,
                                 "queijo"sv,
                                 "beleza"sv,
                                 "vamos"sv,
                                 "hoje"sv,
                                 "noite"sv,
                                 "festa"sv,
                                 "m\u00e3e"sv,
                                 "irm\u00e3o"sv,
                                 "s\u00f3"sv,
                                 "j\u00e1"sv,
                                 "at\u00e9"sv,
                                 "logo"sv,
                                 "valeu"sv,
                                 "gostei"sv,
                                 "muito"sv,
                                 "caf\u00e9"sv,
                                 "cora\u00e7\u00f5es"sv,
                                 "li\u00e7\u00e3o"sv};

constexpr std::array kFrench{"salut"sv,
                             "\u00e7a"sv,
                             "va"sv,
                             "tr\u00e8s"sv,
                             "d\u00e9j\u00e0"sv,
                             "o\u00f9"sv,
                             "\u00e9t\u00e9"sv,
                             "f\u00eate"sv,
                             "bient\u00f4t"sv,
                             "\u00e0"sv,
                             "demain"sv,
                             "soir\u00e9e"sv,
                             "g\u00e9nial"sv,
                             "merci"sv,
                             "bisous"sv,
                             "caf\u00e9"sv,
                             "cr\u00e8me"sv,
                             "ouais"sv,
                             "grave"sv,
                             "trop"sv,
                             "bien"sv,
                             "on"sv,
                             "se"sv,
                             "voit"sv,
                             "ce"sv,
                             "soir"sv,
                             "c\u2019est"sv,
                             "n\u2019importe"sv,
                             "quoi"sv,
                             "mdr"sv,
                             "na\u00eff"sv,
                             "no\u00ebl"sv,
                             "gar\u00e7on"sv,
                             "\u0153uvre"sv,
                             "s\u0153ur"sv};

constexpr std::array kGerman{"hallo"sv,
                             "sch\u00f6n"sv,
                             "\u00fcber"sv,
                             "m\u00fcde"sv,
                             "gr\u00fc\u00dfe"sv,
                             "bis"sv,
                             "sp\u00e4ter"sv,
                             "danke"sv,
                             "Stra\u00dfe"sv,
                             "Br\u00f6tchen"sv,
                             "genau"sv,
                             "doch"sv,
                             "heute"sv,
                             "morgen"sv,
                             "ja"sv,
                             "nein"sv,
                             "na"sv,
                             "klar"sv,
                             "S\u00fc\u00dfe"sv,
                             "fr\u00fch"sv,
                             "Gl\u00fcck"sv,
                             "sp\u00e4t"sv,
                             "M\u00e4dels"sv,
                             "Bier"sv,
                             "gern"sv,
                             "geht"sv,
                             "es"sv,
                             "dir"sv,
                             "gut"sv,
                             "Gr\u00f6\u00dfe"sv};

constexpr std::array kVietnamese{"ch\u00e0o"sv,
                                 "b\u1ea1n"sv,
                                 "kh\u1ecfe"sv,
                                 "kh\u00f4ng"sv,
                                 "c\u1ea3m"sv,
                                 "\u01a1n"sv,
                                 "nhi\u1ec1u"sv,
                                 "h\u00f4m"sv,
                                 "nay"sv,
                                 "\u0111i"sv,
                                 "\u0103n"sv,
                                 "c\u01a1m"sv,
                                 "ch\u01b0a"sv,
                                 "ng\u00e0y"sv,
                                 "mai"sv,
                                 "nh\u00e9"sv,
                                 "vui"sv,
                                 "qu\u00e1"sv,
                                 "\u0111\u01b0\u1ee3c"sv,
                                 "r\u1ed3i"sv,
                                 "\u1edf"sv,
                                 "\u0111\u00e2u"sv,
                                 "th\u1ebf"sv,
                                 "n\u00e0o"sv,
                                 "y\u00eau"sv};

constexpr std::array kRussian{"привет"sv, "как"sv,     "дела"sv,    "хорошо"sv,     "спасибо"sv,
                              "завтра"sv, "сегодня"sv, "давай"sv,   "встретимся"sv, "пока"sv,
                              "да"sv,     "нет"sv,     "конечно"sv, "люблю"sv,      "вечером"sv,
                              "ёлка"sv,   "ещё"sv,     "круто"sv,   "ну"sv,         "ладно"sv,
                              "смотри"sv, "фото"sv,    "чай"sv,     "пиццу"sv};

constexpr std::array kGreek{"γεια"sv,  "τι"sv,     "κάνεις"sv, "καλά"sv,    "ευχαριστώ"sv,
                            "αύριο"sv, "σήμερα"sv, "φίλε"sv,   "ναι"sv,     "όχι"sv,
                            "έλα"sv,   "τέλεια"sv, "πάμε"sv,   "θάλασσα"sv, "καφέ"sv};

constexpr std::array kBengali{"শুভ"sv,    "নববর্ষ"sv,     "কেমন"sv, "আছো"sv,    "ভালো"sv,   "আমি"sv,
                              "তুমি"sv,   "কাল"sv,       "আজ"sv,   "ধন্যবাদ"sv, "ami"sv,    "jani"sv,
                              "keno"sv,  "bolchilam"sv, "mone"sv, "nai"sv,    "kothay"sv, "bhai"sv,
                              "accha"sv, "shobai"sv,    "dekhi"sv};

constexpr std::array kHindi{"नमस्ते"sv,   "कैसे"sv,    "हो"sv,    "ठीक"sv, "है"sv,     "कल"sv,  "आज"sv,
                            "धन्यवाद"sv, "यार"sv,   "चलो"sv,   "kya"sv, "haal"sv,  "hai"sv, "bhai"sv,
                            "chalo"sv,  "accha"sv, "theek"sv, "kal"sv, "milte"sv, "hain"sv};

constexpr std::array kArabic{"مرحبا"sv, "كيف"sv,   "حالك"sv, "شكرا"sv, "غدا"sv,
                             "اليوم"sv, "حبيبي"sv, "تمام"sv, "يلا"sv,  "إن شاء الله"sv,
                             "صباح"sv,  "الخير"sv, "مساء"sv, "أكيد"sv, "طيب"sv};

constexpr std::array kJapanese{"おはよう"sv, "ありがとう"sv, "今日"sv,       "明日"sv,
                               "また"sv,     "ね"sv,         "楽しかった"sv, "了解"sv,
                               "お疲れ様"sv, "です"sv,       "！"sv,         "ラーメン"sv,
                               "行こう"sv,   "写真"sv,       "かわいい"sv,   "笑"sv};

constexpr std::array kKorean{"안녕"sv, "고마워"sv, "오늘"sv,     "내일"sv, "진짜"sv,
                             "대박"sv, "ㅋㅋㅋ"sv, "보고싶어"sv, "밥"sv,   "먹었어?"sv,
                             "좋아"sv, "사진"sv,   "카페"sv,     "가자"sv};

constexpr std::array kTurkish{"merhaba"sv,
                              "nas\u0131ls\u0131n"sv,
                              "te\u015fekk\u00fcrler"sv,
                              "yar\u0131n"sv,
                              "bug\u00fcn"sv,
                              "g\u00fczel"sv,
                              "\u00e7ok"sv,
                              "\u015fimdi"sv,
                              "tamam"sv,
                              "hadi"sv,
                              "g\u00f6r\u00fc\u015f\u00fcr\u00fcz"sv,
                              "\u0131s\u0131r"sv,
                              "kahve"sv,
                              "i\u00e7elim"sv};

constexpr std::array kPolish{"cze\u015b\u0107"sv,
                             "dzi\u0119ki"sv,
                             "jutro"sv,
                             "dzi\u015b"sv,
                             "\u015bwietnie"sv,
                             "mo\u017ce"sv,
                             "ju\u017c"sv,
                             "\u017cart"sv,
                             "kawa"sv,
                             "spotkamy"sv,
                             "si\u0119"sv,
                             "wieczorem"sv,
                             "\u017ar\u00f3d\u0142o"sv};

constexpr std::array kEmoji{
    "\U0001F602"sv, "\u2764\ufe0f"sv, "\U0001F62D"sv, "\U0001F64F"sv, "\U0001F525"sv,
    "\U0001F60D"sv, "\U0001F44D"sv, "\U0001F97A"sv, "\u2728"sv, "\U0001F389"sv, "\U0001F605"sv,
    "\U0001F64C"sv, "\U0001F923"sv, "\U0001F60A"sv, "\U0001F480"sv, "\U0001F932"sv, "\U0001F440"sv,
    "\U0001F970"sv, "\U0001F60E"sv, "\U0001F338"sv, "\U0001F3DD\ufe0f"sv, "\u26bd"sv,
    "\U0001F355"sv, "\u2615"sv,
    // family (ZWJ sequence), rainbow flag (ZWJ + VS16), thumbs up with skin tone, flags
    "\U0001F468\u200d\U0001F469\u200d\U0001F467"sv, "\U0001F3F3\ufe0f\u200d\U0001F308"sv,
    "\U0001F44D\U0001F3FD"sv, "\U0001F1E7\U0001F1F7"sv, "\U0001F1EB\U0001F1F7"sv, "\U0001F4AF"sv};

constexpr std::array kReactions{"\u2764"sv,     "\U0001F602"sv, "\U0001F62E"sv,
                                "\U0001F622"sv, "\U0001F621"sv, "\U0001F44D"sv,
                                "\U0001F525"sv, "\U0001F60D"sv, "\u2764\ufe0f"sv};

constexpr std::array kNameEmoji{"\U0001F338"sv, "\u2728"sv,     "\U0001F98B"sv, "\U0001F319"sv,
                                "\u26a1"sv,     "\U0001F30A"sv, "\U0001F497"sv};

constexpr std::array kGroupTitles{"Trip 2019 \U0001F3DD\ufe0f"sv,
                                  "Famille Lef\u00e8vre \u2764\ufe0f"sv,
                                  "Книжный клуб"sv,
                                  "5-a-side \u26bd"sv,
                                  "Uni besties \U0001F485"sv,
                                  "Projet Z\u00fcrich"sv,
                                  "家族グループ"sv,
                                  "\u03a8 study club"sv,
                                  "Cumplea\u00f1os de Bego\u00f1a \U0001F382"sv,
                                  "Roommates \U0001F3E0"sv,
                                  "Hochzeit Planung \U0001F48D"sv,
                                  "\u0110\u00e0 L\u1ea1t 2023"sv,
                                  "Team A\u00e7a\u00ed"sv,
                                  "Noite de jogos \U0001F3B2"sv,
                                  "Sunday brunch \u2615"sv,
                                  "Band practice \U0001F3B8"sv};

constexpr std::array kShareOwners{"memes.daily"sv,    "chef_ana"sv,          "travel.with.leo"sv,
                                  "cats_of_lisbon"sv, "the.footy.page"sv,    "ghibli.fans"sv,
                                  "tiny_recipes"sv,   "urbansketchers.pt"sv, "kpop.moments"sv,
                                  "desi_memes_hub"sv, "astro.daily"sv,       "bookstagram.lea"sv};

constexpr std::array kShareCaptions{
    "When the weekend finally arrives \U0001F602 #relatable"sv,
    "Receta f\u00e1cil de arroz con leche \U0001F35A"sv,
    "Ce coucher de soleil\u2026 \U0001F305"sv,
    "POV: you said \u2018one more episode\u2019"sv,
    "Bom dia com caf\u00e9 \u2615\u00a0\u00a0\u00a0#lisboa #portugal"sv,
    "Wait for the end \U0001F440"sv,
    "3 ingredient pancakes\u00a0\u2022\u00a0save this for later"sv,
    "Tag someone who needs this \U0001F64F\u2728"sv,
    "Unser neues Album ist da! \U0001F3B6"sv,
    "Новый выпуск уже на канале"sv,
    "今日のお弁当 \U0001F371"sv,
    "Goal of the season?? \u26bd\U0001F525"sv};

constexpr std::array kCallsAnswered{"Video chat ended"sv, "Audio call ended"sv};
constexpr std::array kCallsMissed{"Missed video chat"sv, "Missed audio call"sv};

// Rare tokens that the vocabulary above can never produce, in several scripts, so that search
// tests cover ASCII, Latin with diacritics (NFC), Cyrillic and CJK.
constexpr std::array kPlanted{"zanzibar-quokka"sv,
                              "marzipan-tachyon"sv,
                              "obsidianflamingo"sv,
                              "kumquatvortex"sv,
                              "p\u00e9tanque-z\u00e9phyr"sv,
                              "snorkelbr\u00f6tchen"sv,
                              "квокказанзибар"sv,
                              "量子カモノハシ"sv};

constexpr std::array<Language, 15> kLanguages{{{kEnglish, true},
                                               {kSpanish, true},
                                               {kPortuguese, true},
                                               {kFrench, true},
                                               {kGerman, true},
                                               {kVietnamese, true},
                                               {kRussian, true},
                                               {kGreek, true},
                                               {kBengali, true},
                                               {kHindi, true},
                                               {kArabic, true},
                                               {kJapanese, false},
                                               {kKorean, true},
                                               {kTurkish, true},
                                               {kPolish, true}}};

constexpr std::array<Culture, 15> kCultures{{
    {kEnglishGiven, kEnglishFamily, NameOrder::given_family, 0},
    {kSpanishGiven, kSpanishFamily, NameOrder::given_family, 1},
    {kPortugueseGiven, kPortugueseFamily, NameOrder::given_family, 2},
    {kFrenchGiven, kFrenchFamily, NameOrder::given_family, 3},
    {kGermanGiven, kGermanFamily, NameOrder::given_family, 4},
    {kVietnameseGiven, kVietnameseFamily, NameOrder::family_given, 5},
    {kRussianGiven, kRussianFamily, NameOrder::given_family, 6},
    {kGreekGiven, kGreekFamily, NameOrder::given_family, 7},
    {kBengaliGiven, kBengaliFamily, NameOrder::given_family, 8},
    {kHindiGiven, kHindiFamily, NameOrder::given_family, 9},
    {kArabicGiven, kArabicFamily, NameOrder::given_family, 10},
    {kJapaneseGiven, kJapaneseFamily, NameOrder::family_given_joined, 11},
    {kKoreanGiven, kKoreanFamily, NameOrder::family_given_joined, 12},
    {kTurkishGiven, kTurkishFamily, NameOrder::given_family, 13},
    {kPolishGiven, kPolishFamily, NameOrder::given_family, 14},
}};

}  // namespace

std::span<const Culture> cultures() { return kCultures; }
std::span<const Language> languages() { return kLanguages; }
std::span<const std::string_view> english_words() { return kEnglish; }
std::span<const std::string_view> emoji() { return kEmoji; }
std::span<const std::string_view> reactions() { return kReactions; }
std::span<const std::string_view> name_emoji() { return kNameEmoji; }
std::span<const std::string_view> group_titles() { return kGroupTitles; }
std::span<const std::string_view> share_owners() { return kShareOwners; }
std::span<const std::string_view> share_captions() { return kShareCaptions; }
std::span<const std::string_view> calls_answered() { return kCallsAnswered; }
std::span<const std::string_view> calls_missed() { return kCallsMissed; }
std::span<const std::string_view> planted_words() { return kPlanted; }

}  // namespace dmvault::formats::instagram::generator
