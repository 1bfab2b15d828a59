#include "cli/passphrase.hpp"

#include "cli/common_options.hpp"
#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace dmvault::cli {

namespace {

constexpr const char* kPassphraseFileVariable = "DMVAULT_PASSPHRASE_FILE";
constexpr const char* kPassphraseVariable = "DMVAULT_PASSPHRASE";

std::string errno_text(int error) { return std::strerror(error); }

// Closes a descriptor we opened, on every path out.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }

 private:
  int m_fd;
};

const char* non_empty(const char* value) {
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

// CLI11's own number validators word their errors with floating-point bounds.
const CLI::Validator kFileDescriptorNumber(
    [](std::string& text) -> std::string {
      int value = -1;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || value < 0) {
        return "'" + text + "' is not a file descriptor number";
      }
      return {};
    },
    "");

}  // namespace

void add_passphrase_options(CLI::App& command, PassphraseSource& source) {
  CLI::Option* file =
      command.add_option("--passphrase-file", source.file, "Read the passphrase from file F")
          ->type_name("F")
          ->check(non_empty_argument());
  CLI::Option* fd =
      command
          .add_option("--passphrase-fd", source.fd, "Read the passphrase from file descriptor N")
          ->type_name("N")
          ->check(kFileDescriptorNumber);
  file->excludes(fd);
}

void add_unlock_options(CLI::App& command, UnlockOptions& options) {
  add_passphrase_options(command, options.passphrase);
  CLI::Option* recovery = command
                              .add_option("--recovery-key-file", options.recovery_key_file,
                                          "Unlock with the recovery key in file F")
                              ->type_name("F")
                              ->check(non_empty_argument());
  recovery->excludes("--passphrase-file");
  recovery->excludes("--passphrase-fd");
  command.add_flag("--allow-expensive-kdf", options.allow_expensive_kdf,
                   "Accept Argon2id costs above the limits that protect from hostile files");
}

SecretBytes read_secret_fd(int fd, std::string_view name, std::string_view noun) {
  // One byte more than allowed, to tell "exactly the limit" from "too long".
  SecretBytes buffer(kMaxSecretBytes + 1);
  std::size_t length = 0;
  while (length < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + length, buffer.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      throw Error(
          error == EBADF || error == EISDIR || error == EINVAL ? ErrorCode::usage : ErrorCode::io,
          std::string(name) + ": cannot read " + std::string(noun) + ": " + errno_text(error));
    }
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
  }
  if (length > kMaxSecretBytes) {
    throw Error(ErrorCode::usage, std::string(name) + ": " + std::string(noun) +
                                      " is too long (more than 4096 bytes)");
  }
  const std::uint8_t* bytes = buffer.data();
  if (length > 0 && bytes[length - 1] == '\n') {
    --length;
    if (length > 0 && bytes[length - 1] == '\r') --length;
  }
  return SecretBytes::copy_of(std::span<const std::uint8_t>(bytes, length));
}

SecretBytes read_secret_file(const std::string& path, std::string_view noun, Output& output) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int error = errno;
    throw Error(ErrorCode::usage,
                path + ": cannot open " + std::string(noun) + ": " + errno_text(error));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) == 0 && S_ISREG(status.st_mode) &&
      (status.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    output.warning(path + ": " + std::string(noun) + " can be read by other users");
    output.hint("chmod 600 " + path);
  }
  return read_secret_fd(fd.get(), path, noun);
}

SecretBytes normalized_passphrase(const SecretBytes& raw, std::string_view source) {
  const std::string prefix = source.empty() ? std::string() : std::string(source) + ": ";
  if (raw.empty()) throw Error(ErrorCode::usage, prefix + "the passphrase is empty");
  try {
    return normalize_passphrase(raw.span());
  } catch (const Error& error) {
    if (error.code() != ErrorCode::usage) throw;
    throw Error(ErrorCode::usage, prefix + error.what(), error.hint());
  }
}

namespace {

// The passphrase from the first source that needs no one at a terminal, if any is given.
std::optional<SecretBytes> passphrase_without_prompt(const PassphraseSource& source,
                                                     bool use_environment, Context& context) {
  if (!source.file.empty()) {
    return normalized_passphrase(read_secret_file(source.file, "passphrase file", context.output),
                                 source.file);
  }
  if (source.fd >= 0) {
    const std::string name = "file descriptor " + std::to_string(source.fd);
    return normalized_passphrase(read_secret_fd(source.fd, name, "passphrase"), name);
  }
  if (!use_environment) return std::nullopt;
  if (const char* file = non_empty(context.getenv(kPassphraseFileVariable))) {
    return normalized_passphrase(read_secret_file(file, "passphrase file", context.output),
                                 std::string(kPassphraseFileVariable) + " (" + file + ")");
  }
  if (const char* value = non_empty(context.getenv(kPassphraseVariable))) {
    return normalized_passphrase(SecretBytes::copy_of(std::string_view(value)),
                                 kPassphraseVariable);
  }
  return std::nullopt;
}

}  // namespace

Credential read_credential(const UnlockOptions& options, std::string_view vault_name,
                           Context& context) {
  Credential credential;
  if (!options.recovery_key_file.empty()) {
    credential.kind = Credential::Kind::recovery_key;
    credential.secret =
        read_secret_file(options.recovery_key_file, "recovery key file", context.output);
    if (credential.secret.empty()) {
      throw Error(ErrorCode::usage, options.recovery_key_file + ": the recovery key file is empty");
    }
    return credential;
  }
  credential.kind = Credential::Kind::passphrase;
  if (auto passphrase = passphrase_without_prompt(options.passphrase, true, context)) {
    credential.secret = std::move(*passphrase);
    return credential;
  }
  if (!context.prompter.available()) {
    throw Error(ErrorCode::usage, "no passphrase given and no terminal to ask on",
                "use --passphrase-file F or --passphrase-fd N");
  }
  credential.secret = normalized_passphrase(
      context.prompter.ask_secret("Passphrase for " + std::string(vault_name) + ":"), {});
  return credential;
}

SecretBytes read_new_passphrase(const NewPassphraseRequest& request, Context& context) {
  if (auto passphrase =
          passphrase_without_prompt(request.source, request.use_environment, context)) {
    return std::move(*passphrase);
  }
  if (!context.prompter.available()) {
    throw Error(ErrorCode::usage,
                "no " + std::string(request.noun) + " given and no terminal to ask on",
                std::string(request.no_terminal_hint));
  }
  SecretBytes first = normalized_passphrase(context.prompter.ask_secret(request.prompt), {});
  // Not normalized_passphrase(): an empty repetition is a mismatch, not an empty passphrase.
  const SecretBytes second = normalize_passphrase(context.prompter.ask_secret("Repeat it:").span());
  if (first.size() != second.size() || !first.equals(second.span())) {
    throw Error(ErrorCode::usage, "the passphrases do not match", "nothing was changed; try again");
  }
  return first;
}

}  // namespace dmvault::cli
