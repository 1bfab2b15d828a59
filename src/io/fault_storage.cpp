#include "io/fault_storage.hpp"

#include "io/crash_random.hpp"
#include "io/storage_errors.hpp"

#include <random>
#include <stdexcept>
#include <utility>

namespace dmvault::io {
namespace {

std::size_t index_of(StorageCall call) { return static_cast<std::size_t>(call); }

std::vector<Fault> checked(std::vector<Fault> faults) {
  for (const Fault& fault : faults) {
    if (fault.nth == 0) throw std::invalid_argument("Fault::nth counts from 1");
  }
  return faults;
}

}  // namespace

FaultStorage::FaultStorage(Storage& inner, std::vector<Fault> faults)
    : m_inner(inner), m_faults(checked(std::move(faults))) {}

FaultStorage::FaultStorage(std::unique_ptr<Storage> inner, std::vector<Fault> faults)
    : m_owned(std::move(inner)), m_inner(*m_owned), m_faults(checked(std::move(faults))) {}

const Fault* FaultStorage::count(StorageCall call) {
  const std::uint64_t number = ++m_calls[index_of(call)];
  for (const Fault& fault : m_faults) {
    if (fault.call == call && (number == fault.nth || (fault.from_then_on && number > fault.nth))) {
      ++m_failures;
      return &fault;
    }
  }
  return nullptr;
}

void FaultStorage::check_alive() const {
  if (m_dead) throw *m_dead;
}

std::uint64_t FaultStorage::size() {
  check_alive();
  return m_inner.size();
}

void FaultStorage::read_at(std::uint64_t offset, std::span<std::uint8_t> out) {
  check_alive();
  if (const Fault* fault = count(StorageCall::read)) {
    throw read_error(m_inner.describe(), fault->error_number);
  }
  m_inner.read_at(offset, out);
}

void FaultStorage::write_at(std::uint64_t offset, std::span<const std::uint8_t> data) {
  check_alive();
  if (const Fault* fault = count(StorageCall::write)) {
    if (fault->partial && data.size() > 1) m_inner.write_at(offset, data.first(data.size() / 2));
    throw write_error(m_inner.describe(), fault->error_number);
  }
  m_inner.write_at(offset, data);
}

void FaultStorage::sync() {
  check_alive();
  if (const Fault* fault = count(StorageCall::sync)) {
    m_dead = sync_error(m_inner.describe(), fault->error_number);
    throw *m_dead;
  }
  m_inner.sync();
}

void FaultStorage::truncate(std::uint64_t new_size) {
  check_alive();
  if (const Fault* fault = count(StorageCall::truncate)) {
    throw truncate_error(m_inner.describe(), fault->error_number);
  }
  m_inner.truncate(new_size);
}

std::string FaultStorage::describe() const { return m_inner.describe(); }

std::uint64_t FaultStorage::calls(StorageCall call) const { return m_calls[index_of(call)]; }

CrashingStorage::CrashingStorage(MemoryStorage& memory, std::uint64_t crash_at,
                                 CrashOptions options)
    : m_memory(memory), m_crash_at(crash_at), m_options(options) {
  if (crash_at == 0) throw std::invalid_argument("CrashingStorage: crash_at counts from 1");
  if (options.sector_size == 0)
    throw std::invalid_argument("CrashOptions::sector_size must be > 0");
}

void CrashingStorage::check_alive() const {
  if (m_crashed) throw SimulatedCrash{m_crash_at};
}

bool CrashingStorage::reaches_crash_point() {
  check_alive();
  if (++m_operations < m_crash_at) return false;
  m_crashed = true;
  return true;
}

std::uint64_t CrashingStorage::size() {
  check_alive();
  return m_memory.size();
}

void CrashingStorage::read_at(std::uint64_t offset, std::span<std::uint8_t> out) {
  check_alive();
  m_memory.read_at(offset, out);
}

void CrashingStorage::write_at(std::uint64_t offset, std::span<const std::uint8_t> data) {
  if (!reaches_crash_point()) {
    m_memory.write_at(offset, data);
    return;
  }
  if (m_options.torn_write) {
    std::mt19937_64 rng(m_options.seed);
    for (const detail::SectorPiece& piece :
         detail::sector_pieces(offset, data.size(), m_options.sector_size)) {
      if (detail::coin(rng))
        m_memory.write_at(piece.offset, data.subspan(piece.begin, piece.length));
    }
  }
  throw SimulatedCrash{m_crash_at};
}

void CrashingStorage::sync() {
  if (reaches_crash_point()) throw SimulatedCrash{m_crash_at};
  m_memory.sync();
}

void CrashingStorage::truncate(std::uint64_t new_size) {
  if (reaches_crash_point()) throw SimulatedCrash{m_crash_at};
  m_memory.truncate(new_size);
}

std::string CrashingStorage::describe() const { return m_memory.describe(); }

}  // namespace dmvault::io
