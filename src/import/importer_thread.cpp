#include "import/importer_thread.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dmvault::import {

namespace {

struct Event {
  enum class Kind { conversation, message, warning };
  Kind kind = Kind::message;
  Conversation conversation;
  std::string thread_id;  // a message's
  Message message;
  std::string path, what;  // a warning's
};

// Thrown on the importer's thread to unwind it once the sink has failed.
struct Cancelled {};

// The importer's sink: queues what it emits, in batches, for the calling thread.
class Relay final : public ImportSink {
 public:
  void conversation(const Conversation& conversation) override {
    Event event;
    event.kind = Event::Kind::conversation;
    event.conversation = conversation;
    push(std::move(event));
  }
  void message(const std::string& thread_id, Message message) override {
    Event event;
    event.thread_id = thread_id;
    event.message = std::move(message);
    push(std::move(event));
  }
  void warning(const std::string& path, const std::string& what) override {
    Event event;
    event.kind = Event::Kind::warning;
    event.path = path;
    event.what = what;
    push(std::move(event));
  }

  // The importer's thread, once the importer has returned or thrown `error`.
  void finish(std::exception_ptr error) {
    {
      const std::lock_guard lock(m_mutex);
      // Past the bound by one batch at most: the events before an error must reach the sink.
      if (!m_cancelled && !m_batch.empty()) m_queue.push_back(std::exchange(m_batch, {}));
      m_error = std::move(error);
      m_done = true;
    }
    m_changed.notify_all();
  }

  // The calling thread: the next batch, or false once the importer is done and all is taken.
  bool next(std::vector<Event>& batch) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_queue.empty() || m_done; });
    if (m_queue.empty()) return false;
    batch = std::move(m_queue.front());
    m_queue.pop_front();
    lock.unlock();
    m_changed.notify_all();  // room in the queue
    return true;
  }

  void cancel() {
    {
      const std::lock_guard lock(m_mutex);
      m_cancelled = true;
    }
    m_changed.notify_all();
  }

  std::exception_ptr error() const { return m_error; }  // after the thread has ended

 private:
  static constexpr std::size_t kBatchEvents = 512;
  static constexpr std::size_t kMaxBatches = 4;

  void push(Event event) {
    m_batch.push_back(std::move(event));
    if (m_batch.size() < kBatchEvents) return;
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return m_queue.size() < kMaxBatches || m_cancelled; });
      if (m_cancelled) throw Cancelled{};
      m_queue.push_back(std::exchange(m_batch, {}));
    }
    m_changed.notify_all();
  }

  std::vector<Event> m_batch;  // the importer's thread only
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::vector<Event>> m_queue;  // guarded by m_mutex, like the flags below
  bool m_done = false;
  bool m_cancelled = false;
  std::exception_ptr m_error;
};

void apply(Event& event, ImportSink& sink) {
  switch (event.kind) {
    case Event::Kind::conversation:
      sink.conversation(event.conversation);
      return;
    case Event::Kind::message:
      sink.message(event.thread_id, std::move(event.message));
      return;
    case Event::Kind::warning:
      sink.warning(event.path, event.what);
      return;
  }
}

}  // namespace

void run_importer_on_own_thread(const Importer& importer, const ExportFiles& files,
                                const ImportOptions& options, ImportSink& sink) {
  Relay relay;
  std::thread thread([&] {
    std::exception_ptr error;
    try {
      importer.import(files, relay, options);
    } catch (const Cancelled&) {
    } catch (...) {
      error = std::current_exception();
    }
    relay.finish(std::move(error));
  });
  try {
    std::vector<Event> batch;
    while (relay.next(batch)) {
      for (Event& event : batch) apply(event, sink);
    }
  } catch (...) {
    relay.cancel();
    thread.join();
    throw;
  }
  thread.join();
  if (relay.error()) std::rethrow_exception(relay.error());
}

}  // namespace dmvault::import
