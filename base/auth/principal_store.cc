#include "base/auth/principal_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/auth/string_util.h"
#include "base/file_system.h"

namespace rtai::auth {
namespace {

constexpr std::string_view kHeader = "rtai-principals 1";
constexpr size_t kMaxNameBytes = 128;
constexpr size_t kMaxRoles = 256;
constexpr size_t kMaxTokensPerPrincipal = 16;

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
}

std::string CredentialLine(std::string_view name, ScramMechanism m,
                           const ScramCredential& c) {
  return absl::StrCat("scram ", AV(name), " ", AV(MechanismName(m)), " ",
                      c.iterations, " ", Base64Encode(c.salt), " ",
                      Base64Encode(c.stored_key), " ",
                      Base64Encode(c.server_key), "\n");
}

absl::StatusOr<ScramCredential> ParseCredential(
    ScramMechanism m, const std::vector<std::string_view>& f) {
  ScramCredential c;
  if (!absl::SimpleAtoi(AV(f[3]), &c.iterations) ||
      c.iterations < kScramMinIterations ||
      c.iterations > kScramMaxIterations) {
    return absl::InvalidArgumentError("bad iteration count");
  }
  absl::StatusOr<std::string> salt = Base64Decode(f[4]);
  absl::StatusOr<std::string> stored = Base64Decode(f[5]);
  absl::StatusOr<std::string> server = Base64Decode(f[6]);
  const size_t digest = DigestBytes(MechanismHash(m));
  if (!salt.ok() || salt->empty() || !stored.ok() || stored->size() != digest ||
      !server.ok() || server->size() != digest) {
    return absl::InvalidArgumentError("bad salt or key");
  }
  c.salt = *salt;
  c.stored_key = *stored;
  c.server_key = *server;
  return c;
}

absl::Status ParseLine(std::string_view line,
                       std::map<std::string, Principal, std::less<>>* out) {
  std::vector<std::string_view> f = Split(line, ' ');
  if (f[0] == "principal" && f.size() == 3) {
    if (absl::Status s = ValidatePrincipalName(f[1]); !s.ok()) return s;
    Principal& p = (*out)[std::string(f[1])];
    p.name = std::string(f[1]);
    if (f[2] != "-") {
      for (std::string_view role : Split(f[2], ',')) {
        if (absl::Status s = ValidateRole(role); !s.ok()) return s;
        if (p.roles.size() >= kMaxRoles)
          return absl::InvalidArgumentError("too many roles");
        p.roles.emplace_back(role);
      }
    }
    return absl::OkStatus();
  }
  auto it = f.size() >= 2 ? out->find(f[1]) : out->end();
  if (it == out->end())
    return absl::InvalidArgumentError("unknown or missing principal");
  if (f[0] == "scram" && f.size() == 7) {
    std::optional<ScramMechanism> m = ParseMechanism(f[2]);
    if (!m) return absl::InvalidArgumentError("unknown SCRAM mechanism");
    absl::StatusOr<ScramCredential> c = ParseCredential(*m, f);
    if (!c.ok()) return c.status();
    (*m == ScramMechanism::kSha256 ? it->second.scram_sha256
                                   : it->second.scram_sha512) = *c;
    return absl::OkStatus();
  }
  if (f[0] == "token" && f.size() == 3 && f[2].size() == 64) {
    if (it->second.token_hashes.size() >= kMaxTokensPerPrincipal) {
      return absl::InvalidArgumentError("too many tokens");
    }
    it->second.token_hashes.emplace_back(f[2]);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("unknown line");
}

}  // namespace

absl::Status ValidatePrincipalName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes ||
      !std::all_of(name.begin(), name.end(), NameChar)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid principal name '", AV(name.substr(0, kMaxNameBytes)),
        "': use 1-128 characters of A-Z a-z 0-9 . _ @ -"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRole(std::string_view role) {
  if (role == "admin" || role == "submit-jobs") return absl::OkStatus();
  for (std::string_view prefix : {"produce:", "consume:"}) {
    if (!role.starts_with(prefix)) continue;
    std::string_view pattern = role.substr(prefix.size());
    if (pattern.ends_with('*')) pattern.remove_suffix(1);
    const bool ok = pattern.size() <= 249 &&
                    std::all_of(pattern.begin(), pattern.end(),
                                [](char c) { return NameChar(c) && c != '@'; });
    if (ok && (!pattern.empty() || role.ends_with('*')))
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("invalid role '", AV(role.substr(0, 300)),
                   "': use admin, submit-jobs, produce:TOPIC or consume:TOPIC "
                   "(TOPIC may end in '*', or be '*')"));
}

std::string HashToken(std::string_view token) {
  return HexEncode(Hash(HashAlgorithm::kSha256, token));
}

absl::StatusOr<PrincipalStore> PrincipalStore::Parse(std::string_view text) {
  PrincipalStore store;
  if (text.empty()) return store;
  int line_no = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_no;
    if (line_no == 1) {
      if (line != kHeader) {
        return absl::InvalidArgumentError(absl::StrCat(
            "principals file: expected header '", AV(kHeader), "'"));
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (absl::Status s = ParseLine(line, &store.principals_); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("principals file line ", line_no, ": ", s.message()));
    }
  }
  return store;
}

std::string PrincipalStore::Serialize() const {
  std::string out = absl::StrCat(AV(kHeader), "\n");
  for (const auto& [name, p] : principals_) {
    absl::StrAppend(&out, "principal ", name, " ",
                    p.roles.empty() ? "-" : absl::StrJoin(p.roles, ","), "\n");
    if (p.scram_sha256)
      out += CredentialLine(name, ScramMechanism::kSha256, *p.scram_sha256);
    if (p.scram_sha512)
      out += CredentialLine(name, ScramMechanism::kSha512, *p.scram_sha512);
    for (const std::string& t : p.token_hashes)
      absl::StrAppend(&out, "token ", name, " ", t, "\n");
  }
  return out;
}

absl::Status PrincipalStore::SetUser(std::string_view name,
                                     std::string_view password,
                                     const std::vector<std::string>& roles,
                                     const RandomBytes& random,
                                     int iterations) {
  if (absl::Status s = ValidatePrincipalName(name); !s.ok()) return s;
  for (const std::string& r : roles) {
    if (absl::Status s = ValidateRole(r); !s.ok()) return s;
  }
  if (password.empty())
    return absl::InvalidArgumentError("password must not be empty");
  absl::StatusOr<ScramCredential> c256 = MakeScramCredential(
      ScramMechanism::kSha256, password, random(16), iterations);
  if (!c256.ok()) return c256.status();
  absl::StatusOr<ScramCredential> c512 = MakeScramCredential(
      ScramMechanism::kSha512, password, random(16), iterations);
  if (!c512.ok()) return c512.status();
  Principal& p = principals_[std::string(name)];
  p.name = std::string(name);
  p.roles = roles;
  p.scram_sha256 = *c256;
  p.scram_sha512 = *c512;
  return absl::OkStatus();
}

absl::StatusOr<std::string> PrincipalStore::AddToken(
    std::string_view name, const std::vector<std::string>& roles,
    const RandomBytes& random) {
  if (absl::Status s = ValidatePrincipalName(name); !s.ok()) return s;
  for (const std::string& r : roles) {
    if (absl::Status s = ValidateRole(r); !s.ok()) return s;
  }
  Principal& p = principals_[std::string(name)];
  p.name = std::string(name);
  if (!roles.empty()) p.roles = roles;
  if (p.token_hashes.size() >= kMaxTokensPerPrincipal) {
    return absl::ResourceExhaustedError(
        "too many tokens for this principal; delete it first");
  }
  std::string token = absl::StrCat("rtai_", HexEncode(random(24)));
  p.token_hashes.push_back(HashToken(token));
  return token;
}

absl::Status PrincipalStore::Delete(std::string_view name) {
  auto it = principals_.find(name);
  if (it == principals_.end()) {
    return absl::NotFoundError(absl::StrCat("no principal '", AV(name), "'"));
  }
  principals_.erase(it);
  return absl::OkStatus();
}

const Principal* PrincipalStore::Find(std::string_view name) const {
  auto it = principals_.find(name);
  return it == principals_.end() ? nullptr : &it->second;
}

const Principal* PrincipalStore::FindByToken(std::string_view token) const {
  const std::string hash = HashToken(token);
  for (const auto& [name, p] : principals_) {
    for (const std::string& t : p.token_hashes) {
      if (ConstantTimeEquals(t, hash)) return &p;
    }
  }
  return nullptr;
}

std::vector<const Principal*> PrincipalStore::List() const {
  std::vector<const Principal*> out;
  for (const auto& [name, p] : principals_) out.push_back(&p);
  return out;
}

absl::Status PrincipalFile::LoadLocked() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return ErrnoToStatus(errno, absl::StrCat("stat ", path_));
    store_ = std::make_shared<PrincipalStore>();
    stamp_.clear();
    return absl::OkStatus();
  }
  std::string stamp = absl::StrCat(st.st_ino, ":", st.st_size, ":",
                                   st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
  if (stamp == stamp_) return absl::OkStatus();
  absl::StatusOr<std::string> text =
      DefaultFileSystem()->ReadFileToString(path_);
  if (!text.ok()) return text.status();
  absl::StatusOr<PrincipalStore> parsed = PrincipalStore::Parse(*text);
  if (!parsed.ok()) return parsed.status();
  store_ = std::make_shared<PrincipalStore>(*std::move(parsed));
  stamp_ = std::move(stamp);
  return absl::OkStatus();
}

absl::Status PrincipalFile::Refresh() {
  absl::MutexLock lock(&mu_);
  return LoadLocked();
}

std::shared_ptr<const PrincipalStore> PrincipalFile::Get() const {
  absl::MutexLock lock(&mu_);
  return store_;
}

absl::Status PrincipalFile::Update(
    const std::function<absl::Status(PrincipalStore*)>& edit) {
  absl::MutexLock lock(&mu_);
  const std::string dir = DirName(path_);
  if (absl::Status s = DefaultFileSystem()->CreateDirs(dir); !s.ok()) return s;
  chmod(dir.c_str(), 0700);
  const std::string lock_path = absl::StrCat(path_, ".lock");
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoToStatus(errno, absl::StrCat("open ", lock_path));
  absl::Status status;
  if (flock(fd, LOCK_EX) != 0)
    status = ErrnoToStatus(errno, absl::StrCat("flock ", lock_path));
  if (status.ok()) status = LoadLocked();
  PrincipalStore next = *store_;
  if (status.ok()) status = edit(&next);
  if (status.ok())
    status = DefaultFileSystem()->WriteFileAtomically(path_, next.Serialize());
  if (status.ok()) {
    chmod(path_.c_str(), 0600);
    store_ = std::make_shared<PrincipalStore>(std::move(next));
    stamp_.clear();  // next Refresh() re-stats
  }
  close(fd);  // releases the flock
  return status;
}

}  // namespace rtai::auth
