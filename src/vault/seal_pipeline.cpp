#include "vault/seal_pipeline.hpp"

#include "crypto/crypto.hpp"

#include <string.h>  // explicit_bzero

namespace dmvault::vault {

SealPipeline::SealPipeline(const KeySet& keys, const ObjectId& vault_id, Committed committed)
    : m_keys(keys), m_vault_id(vault_id), m_committed(std::move(committed)) {
  m_thread = std::thread([this] { run(); });
}

SealPipeline::~SealPipeline() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
  // m_todo's buffers wipe themselves (PlainBytes); m_done holds only ciphertext.
}

PlainBytes SealPipeline::buffer() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_spare.empty()) {
      PlainBytes spare = std::move(m_spare.back());
      m_spare.pop_back();
      return spare;
    }
  }
  return PlainBytes(kChunkSize);
}

void SealPipeline::submit(SealJob job, const Apply& apply) {
  for (;;) {
    {
      std::lock_guard lock(m_mutex);
      if (m_todo.size() + m_busy + m_done.size() < kDepth) {
        m_todo.push_back(std::move(job));
        ++m_outstanding;
        break;
      }
    }
    hand_back(apply);
  }
  m_wake.notify_one();
}

void SealPipeline::settle(const Apply& apply) {
  while (m_outstanding > 0) hand_back(apply);
}

// Waits for at least one result and hands over every result ready.
void SealPipeline::hand_back(const Apply& apply) {
  std::deque<SealedObject> ready;
  {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_done.empty(); });
    ready.swap(m_done);
  }
  m_outstanding -= ready.size();
  for (SealedObject& sealed : ready) {
    apply(sealed);
    // Ciphertext only: its storage goes back for another frame.
    if (sealed.frame.capacity() != 0) {
      std::lock_guard lock(m_mutex);
      if (m_spare_frames.size() < kSpareBuffers) m_spare_frames.push_back(std::move(sealed.frame));
    }
  }
}

void SealPipeline::run() {
  for (;;) {
    SealJob job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || !m_todo.empty(); });
      if (m_stop) return;
      job = std::move(m_todo.front());
      m_todo.pop_front();
      ++m_busy;
    }
    SealedObject sealed = seal(job);
    if (job.buffer.size() == kChunkSize) {
      // Only the bytes the job held were ever written: the rest of the buffer is still zero.
      explicit_bzero(job.buffer.data(), job.size);
    } else {
      job.buffer.wipe();
    }
    {
      std::lock_guard lock(m_mutex);
      --m_busy;
      m_done.push_back(std::move(sealed));
      if (job.buffer.size() == kChunkSize && m_spare.size() < kSpareBuffers) {
        m_spare.push_back(std::move(job.buffer));
      }
    }
    m_ready.notify_one();
  }
}

SealedObject SealPipeline::seal(SealJob& job) {
  SealedObject sealed;
  sealed.kind = job.kind;
  try {
    std::span<const std::uint8_t> content;
    std::vector<std::uint8_t> encoded;
    if (job.kind == ObjectKind::manifest) {
      encoded = encode_manifest(*job.manifest);
      content = encoded;
      sealed.id = job.id.value();
      sealed.size = job.manifest->total_size;
    } else {
      content = job.buffer.span().first(job.size);
      sealed.id = job.id ? *job.id : crypto::keyed_hash(m_keys.id(), content);
      sealed.size = job.size;
      if (job.chunk_of) {
        job.chunk_of->chunks.emplace_back(sealed.id, static_cast<std::uint32_t>(job.size));
      }
    }
    if (!m_committed(sealed.id)) {
      {
        std::lock_guard lock(m_mutex);
        if (!m_spare_frames.empty()) {
          sealed.frame = std::move(m_spare_frames.back());
          m_spare_frames.pop_back();
        }
      }
      seal_frame_into(sealed.frame, m_keys, m_vault_id, FrameType::object, job.kind, sealed.id,
                      content, true);
    }
  } catch (...) {
    sealed.frame.clear();
    sealed.error = std::current_exception();
  }
  return sealed;
}

}  // namespace dmvault::vault
