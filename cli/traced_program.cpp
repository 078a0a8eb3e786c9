#include "traced_program.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "companions.hpp"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;

// The program as execvp would find it: a name with a slash is a path; a
// bare name is looked up in PATH, the first executable regular file winning
// (a match that is not one is remembered, to say why nothing ran).
std::string resolve_program(const std::string& program) {
  struct stat st {};
  if (program.find('/') != std::string::npos) {
    if (::stat(program.c_str(), &st) != 0) refuse(program + ": " + errno_text(errno));
    if (S_ISDIR(st.st_mode)) refuse(program + " is a directory, not a program");
    if (!S_ISREG(st.st_mode)) refuse(program + " is not a regular file, not a program");
    if (::access(program.c_str(), X_OK) != 0) refuse(program + " is not executable");
    return program;
  }
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env ? path_env : "/bin:/usr/bin";  // glibc's default
  std::string unusable;  // the first match that cannot run
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t colon = std::min(path.find(':', start), path.size());
    std::string dir = path.substr(start, colon - start);
    start = colon + 1;
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::stat(candidate.c_str(), &st) != 0) continue;
    if (S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (unusable.empty()) unusable = candidate;
  }
  if (!unusable.empty()) {
    if (::stat(unusable.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      refuse(program + " (found as " + unusable + ") is a directory, not a program");
    refuse(program + " (found as " + unusable + ") is not executable");
  }
  refuse(program + ": not found (looked in PATH)");
}

bool read_at(int fd, void* buf, std::size_t n, off_t offset) {
  return ::pread(fd, buf, n, offset) == static_cast<ssize_t>(n);
}

// A #! script runs (its interpreter is a dynamic program, presumably); an
// ELF executable needs a program interpreter (PT_INTERP, the dynamic
// loader), or nothing will load the preload library.
void check_loadable(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) refuse("cannot read " + path + ": " + errno_text(errno));
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_it{fd};
  unsigned char ident[EI_NIDENT] = {};
  const ssize_t got = ::pread(fd, ident, sizeof ident, 0);
  if (got >= 2 && ident[0] == '#' && ident[1] == '!') return;
  if (got < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    refuse(path + " is neither an ELF executable nor a #! script, so weft cannot run it");
  if (got != EI_NIDENT || ident[EI_DATA] != ELFDATA2LSB || (ident[EI_CLASS] != ELFCLASS64 && ident[EI_CLASS] != ELFCLASS32))
    refuse(path + " is not an ELF executable this machine runs (class or byte order)");
  const std::string damaged = path + " is a damaged ELF file (its program headers cannot be read)";
  std::uint16_t type = 0;
  std::uint64_t phoff = 0;
  std::size_t phentsize = 0, phnum = 0;
  if (ident[EI_CLASS] == ELFCLASS64) {
    Elf64_Ehdr h;
    if (!read_at(fd, &h, sizeof h, 0)) refuse(damaged);
    type = h.e_type, phoff = h.e_phoff, phentsize = h.e_phentsize, phnum = h.e_phnum;
    if (phentsize < sizeof(Elf64_Phdr)) refuse(damaged);
  } else {
    Elf32_Ehdr h;
    if (!read_at(fd, &h, sizeof h, 0)) refuse(damaged);
    type = h.e_type, phoff = h.e_phoff, phentsize = h.e_phentsize, phnum = h.e_phnum;
    if (phentsize < sizeof(Elf32_Phdr)) refuse(damaged);
  }
  if (type != ET_EXEC && type != ET_DYN) refuse(path + " is an ELF file but not an executable");
  bool interp = false;
  for (std::size_t i = 0; i < phnum && !interp; ++i) {
    const off_t at = static_cast<off_t>(phoff + i * phentsize);
    std::uint32_t p_type = 0;  // first field in both classes
    if (!read_at(fd, &p_type, sizeof p_type, at)) refuse(damaged);
    interp = p_type == PT_INTERP;
  }
  if (!interp) refuse(path + " is statically linked: preloading needs the dynamic loader, so weft cannot trace it");
}

// A setuid or setgid program that would change who it runs as makes the
// dynamic loader run in secure mode, which ignores LD_PRELOAD. (The bits
// count for nothing on a file system mounted nosuid, or when they name who
// we already are.)
void check_not_setuid(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_NOSUID)) return;
  if ((st.st_mode & S_ISUID) && st.st_uid != ::getuid())
    refuse(path + " is setuid: the dynamic loader ignores LD_PRELOAD for it");
  if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != ::getgid())
    refuse(path + " is setgid: the dynamic loader ignores LD_PRELOAD for it");
}

}  // namespace

void refuse(std::string what) { throw refusal{std::move(what)}; }

std::string errno_text(int e) { return std::strerror(e); }

TracedProgram locate_traced_program(const std::string& program) {
  if (program.empty()) refuse("the program's name is empty");
  TracedProgram p;
  p.resolved = resolve_program(program);
  check_loadable(p.resolved);
  check_not_setuid(p.resolved);
  return p;
}

std::string find_preload() {
  try {
    return fs::weakly_canonical(find_companion("libweft_preload.so", nullptr, "build the weft_preload target")).string();
  } catch (const std::runtime_error& e) {
    refuse(e.what());
  }
}


std::string preload_list(const TracedProgram& p) {
  std::string list = p.preload;
  if (const char* existing = std::getenv("LD_PRELOAD"); existing && *existing) list += std::string(":") + existing;
  return list;
}

pid_t spawn_traced_program(const TracedProgram& p, const std::vector<std::string>& argv, const std::string& trace,
                           const Environment& env, bool quiet) {
  Environment all{{"LD_PRELOAD", preload_list(p)}, {"WEFT_TRACE", trace}};
  all.insert(all.end(), env.begin(), env.end());
  // The program is the root of what the preload records (its own pid, known
  // only in the child), alone (no -f), and reads nothing from weft's input.
  return spawn_program(p.resolved, argv, all, quiet, [] {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) {
      ::dup2(null, 0);
      ::close(null);
    }
    ::setenv("WEFT_RECORD_PID", std::to_string(::getpid()).c_str(), 1);
    ::unsetenv("WEFT_RECORD_FOLLOW");
  });
}

}  // namespace weft::cli
