#pragma once
// PrincipalStore: the principals rtaid knows, with their roles, SCRAM
// credentials (salted; never a password) and hashed bearer tokens, as a
// value that parses from and serializes to the principals file
// (docs/formats/principals.md). PrincipalFile wraps the file on disk:
// atomic rewrites under an exclusive lock, and a reload when another
// process (rtai-cli user ...) changed it.
//
// Names: 1-128 characters of [A-Za-z0-9._@-]. Roles: "admin",
// "submit-jobs", "produce:PATTERN", "consume:PATTERN" where PATTERN is a
// topic name, a prefix ending in '*', or '*'.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/auth/crypto.h"
#include "base/auth/scram.h"

namespace rtai::auth {

struct Principal {
  std::string name;
  std::vector<std::string> roles;
  std::optional<ScramCredential> scram_sha256;
  std::optional<ScramCredential> scram_sha512;
  std::vector<std::string> token_hashes;  // hex SHA-256 of each token
};

// kInvalidArgument naming the problem when `name` / `role` is not valid.
absl::Status ValidatePrincipalName(std::string_view name);
absl::Status ValidateRole(std::string_view role);

// Hex SHA-256 of a bearer token (tokens carry 192 random bits, so an
// unsalted fast hash is enough to make a leaked file useless).
std::string HashToken(std::string_view token);

class PrincipalStore {
 public:
  // kInvalidArgument with the line number for malformed text.
  static absl::StatusOr<PrincipalStore> Parse(std::string_view text);
  std::string Serialize() const;

  // Creates or replaces `name`'s password credentials (both SCRAM
  // mechanisms, fresh salts from `random`) and roles.
  absl::Status SetUser(std::string_view name, std::string_view password,
                       const std::vector<std::string>& roles,
                       const RandomBytes& random,
                       int iterations = kScramMinIterations);
  // Adds a new bearer token for `name` (created with `roles` if missing);
  // returns the token, shown once.
  absl::StatusOr<std::string> AddToken(std::string_view name,
                                       const std::vector<std::string>& roles,
                                       const RandomBytes& random);
  // kNotFound when absent.
  absl::Status Delete(std::string_view name);

  const Principal* Find(std::string_view name) const;
  // The principal holding `token`, or nullptr.
  const Principal* FindByToken(std::string_view token) const;
  std::vector<const Principal*> List() const;

 private:
  std::map<std::string, Principal, std::less<>> principals_;
};

// The principals file at `path`, shared by rtaid and rtai-cli.
// Thread-safe.
class PrincipalFile {
 public:
  explicit PrincipalFile(std::string path) : path_(std::move(path)) {}

  // Reads the file when it changed on disk since the last read (stat: size,
  // mtime, inode), keeping the previous contents if the new ones do not
  // parse. A missing file is an empty store.
  absl::Status Refresh();
  // The current contents (Refresh() first for the latest).
  std::shared_ptr<const PrincipalStore> Get() const;
  // Applies `edit` to the latest contents under an exclusive flock on
  // PATH.lock and writes the result atomically (0600).
  absl::Status Update(const std::function<absl::Status(PrincipalStore*)>& edit);

  const std::string& path() const { return path_; }

 private:
  absl::Status LoadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const PrincipalStore> store_ ABSL_GUARDED_BY(mu_) =
      std::make_shared<PrincipalStore>();
  std::string stamp_ ABSL_GUARDED_BY(mu_);  // stat of the last read
};

}  // namespace rtai::auth
