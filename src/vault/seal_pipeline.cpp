#include "vault/seal_pipeline.hpp"

#include "crypto/crypto.hpp"

#include <string.h>  // explicit_bzero

namespace dmvault::vault {

SealPipeline::SealPipeline(const KeySet& keys, const ObjectId& vault_id, Committed committed)
    : m_keys(keys), m_vault_id(vault_id), m_committed(std::move(committed)) {
  for (std::size_t i = 0; i < kThreads; ++i) m_threads.emplace_back([this] { run(); });
}

SealPipeline::~SealPipeline() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  for (std::thread& thread : m_threads) thread.join();
  // m_todo's buffers wipe themselves (PlainBytes); the slots hold only ciphertext, or a
  // manifest (ids and sizes).
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
  while (m_outstanding >= kDepth) hand_back(apply);
  {
    std::lock_guard lock(m_mutex);
    Slot& slot = m_slots.emplace_back();
    const std::uint64_t sequence = m_next_sequence++;
    if (job.kind == ObjectKind::manifest) {
      slot.manifest.emplace(std::move(job));
      slot.sealed = true;  // nothing for the threads: sealed when handed back
    } else {
      slot.chunk_of = job.chunk_of;
      m_todo.emplace_back(sequence, std::move(job));
    }
    ++m_outstanding;
  }
  m_wake.notify_one();
}

void SealPipeline::settle(const Apply& apply) {
  while (m_outstanding > 0) hand_back(apply);
}

// Waits for the next result in submission order and hands over it and every one after it that
// is ready.
void SealPipeline::hand_back(const Apply& apply) {
  std::vector<Slot> ready;
  {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_slots.empty() && m_slots.front().sealed; });
    while (!m_slots.empty() && m_slots.front().sealed) {
      ready.push_back(std::move(m_slots.front()));
      m_slots.pop_front();
      ++m_first_slot;
    }
  }
  m_outstanding -= ready.size();
  for (Slot& slot : ready) {
    if (slot.manifest) {
      slot.result = seal(*slot.manifest);
    } else if (slot.chunk_of && !slot.result.error) {
      slot.chunk_of->chunks.emplace_back(slot.result.id,
                                         static_cast<std::uint32_t>(slot.result.size));
    }
    apply(slot.result);
    // Ciphertext only: its storage goes back for another frame.
    if (slot.result.frame.capacity() != 0) {
      std::lock_guard lock(m_mutex);
      if (m_spare_frames.size() < kSpareBuffers) {
        m_spare_frames.push_back(std::move(slot.result.frame));
      }
    }
  }
}

void SealPipeline::run() {
  for (;;) {
    std::pair<std::uint64_t, SealJob> job;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [&] { return m_stop || !m_todo.empty(); });
      if (m_stop) return;
      job = std::move(m_todo.front());
      m_todo.pop_front();
    }
    SealJob& sealing = job.second;
    SealedObject sealed = seal(sealing);
    if (sealing.buffer.size() == kChunkSize) {
      // Only the bytes the job held were ever written: the rest of the buffer is still zero.
      explicit_bzero(sealing.buffer.data(), sealing.size);
    } else {
      sealing.buffer.wipe();
    }
    {
      std::lock_guard lock(m_mutex);
      // The slot is still there: the caller takes slots only once they are sealed.
      Slot& slot = m_slots[static_cast<std::size_t>(job.first - m_first_slot)];
      slot.result = std::move(sealed);
      slot.sealed = true;
      if (sealing.buffer.size() == kChunkSize && m_spare.size() < kSpareBuffers) {
        m_spare.push_back(std::move(sealing.buffer));
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
