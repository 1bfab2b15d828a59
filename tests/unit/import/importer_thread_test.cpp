// run_importer_on_own_thread (src/import/importer_thread): the importer runs on a thread of its
// own, and its sink sees everything it emitted, in order, on the calling thread; an error on
// either side comes out, and the importer never runs far ahead of the sink.
#include "import/importer_thread.hpp"

#include "dmvault/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dmvault::import {
namespace {

class NoFiles final : public ExportFiles {
 public:
  const std::vector<ExportFile>& files() const override { return m_files; }
  bool exists(const std::string&) const override { return false; }
  PlainBytes read(const std::string& path, std::uint64_t) const override {
    throw Error(ErrorCode::bad_input, path + ": no such file in the export");
  }
  void read_stream(const std::string& path,
                   const std::function<bool(std::span<const std::uint8_t>)>&) const override {
    throw Error(ErrorCode::bad_input, path + ": no such file in the export");
  }

 private:
  std::vector<ExportFile> m_files;
};

// Emits `conversations` conversations of `per_conversation` messages, a warning after every
// 1000th message, then throws `fail_with` when it is not empty. Counts what it emitted, and
// records the thread it ran on.
class CountingImporter final : public Importer {
 public:
  CountingImporter(std::size_t conversations, std::size_t per_conversation, std::string fail_with)
      : m_conversations(conversations),
        m_per_conversation(per_conversation),
        m_fail_with(std::move(fail_with)) {}
  std::string name() const override { return "test"; }
  std::string description() const override { return "test importer"; }
  int detect(const ExportFiles&) const override { return 100; }
  void import(const ExportFiles&, ImportSink& sink, const ImportOptions&) const override {
    thread = std::this_thread::get_id();
    for (std::size_t c = 0; c < m_conversations; ++c) {
      Conversation conversation;
      conversation.platform = "test";
      conversation.thread_id = "t" + std::to_string(c);
      sink.conversation(conversation);
      ++emitted;
      for (std::size_t m = 0; m < m_per_conversation; ++m) {
        Message message;
        message.timestamp_ms = static_cast<std::int64_t>(c * m_per_conversation + m);
        message.text = "message " + std::to_string(message.timestamp_ms);
        sink.message(conversation.thread_id, std::move(message));
        ++emitted;
        if (m % 1000 == 999) {
          sink.warning(conversation.thread_id, "note " + std::to_string(m));
          ++emitted;
        }
      }
    }
    if (!m_fail_with.empty()) throw Error(ErrorCode::bad_input, m_fail_with);
  }

  mutable std::atomic<std::size_t> emitted{0};
  mutable std::thread::id thread;

 private:
  std::size_t m_conversations, m_per_conversation;
  std::string m_fail_with;
};

// Records what it is handed as lines, checks the thread it is called on and how far the
// importer has run ahead, and throws at the `fail_at`th call when asked.
class RecordingSink final : public ImportSink {
 public:
  explicit RecordingSink(const CountingImporter& importer, std::size_t fail_at = SIZE_MAX)
      : m_importer(importer), m_fail_at(fail_at) {}
  void conversation(const Conversation& conversation) override {
    record("conversation " + conversation.thread_id);
  }
  void message(const std::string& thread_id, Message message) override {
    record(thread_id + " " + message.text);
  }
  void warning(const std::string& path, const std::string& what) override {
    record("warning " + path + " " + what);
  }

  std::vector<std::string> lines;
  std::size_t most_ahead = 0;
  bool on_caller = true;

 private:
  void record(std::string line) {
    on_caller = on_caller && std::this_thread::get_id() == m_caller;
    const std::size_t emitted = m_importer.emitted.load();
    most_ahead = std::max(most_ahead, emitted - lines.size());
    if (lines.size() == m_fail_at) throw Error(ErrorCode::io, "test sink is full");
    lines.push_back(std::move(line));
  }

  const CountingImporter& m_importer;
  std::size_t m_fail_at;
  std::thread::id m_caller = std::this_thread::get_id();
};

std::vector<std::string> expected_lines(std::size_t conversations, std::size_t per_conversation) {
  std::vector<std::string> out;
  for (std::size_t c = 0; c < conversations; ++c) {
    const std::string thread = "t" + std::to_string(c);
    out.push_back("conversation " + thread);
    for (std::size_t m = 0; m < per_conversation; ++m) {
      out.push_back(thread + " message " + std::to_string(c * per_conversation + m));
      if (m % 1000 == 999) out.push_back("warning " + thread + " note " + std::to_string(m));
    }
  }
  return out;
}

TEST(ImporterThread, TheSinkGetsEverythingInOrderOnTheCallingThread) {
  const CountingImporter importer(7, 5000, "");
  RecordingSink sink(importer);
  run_importer_on_own_thread(importer, NoFiles(), {}, sink);
  EXPECT_EQ(sink.lines, expected_lines(7, 5000));
  EXPECT_TRUE(sink.on_caller);
  EXPECT_NE(importer.thread, std::this_thread::get_id());
  // The queue is bounded: the importer was never more than a few batches ahead.
  EXPECT_LE(sink.most_ahead, 4000u);
}

TEST(ImporterThread, AnImportersErrorComesAfterWhatItEmittedBefore) {
  const CountingImporter importer(3, 2500, "thread.json: not JSON");
  RecordingSink sink(importer);
  try {
    run_importer_on_own_thread(importer, NoFiles(), {}, sink);
    FAIL() << "the importer's error was lost";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_input);
    EXPECT_STREQ(error.what(), "thread.json: not JSON");
  }
  EXPECT_EQ(sink.lines, expected_lines(3, 2500));
}

TEST(ImporterThread, ASinksErrorStopsTheImporter) {
  const CountingImporter importer(10, 100'000, "");
  RecordingSink sink(importer, 1234);
  try {
    run_importer_on_own_thread(importer, NoFiles(), {}, sink);
    FAIL() << "the sink's error was lost";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_STREQ(error.what(), "test sink is full");
  }
  EXPECT_EQ(sink.lines.size(), 1234u);
  // Stopped at its next batch, far from the million events it would have emitted.
  EXPECT_LT(importer.emitted.load(), 10'000u);
}

}  // namespace
}  // namespace dmvault::import
