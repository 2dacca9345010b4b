#include "engine/mpi_world.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/error.hpp"

#if defined(SITEPLAN_MPI)
#include <mpi.h>
#endif

namespace siteplan::engine {

namespace {
constexpr std::size_t kPiece = std::size_t{1} << 30;  // MPI counts are ints: 1 GiB per message
constexpr int kGoTag = 16384;  // added to a message's tag: "ready, send the bytes" (≤ MPI_TAG_UB)

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return -1;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (end && *end == '\0' && n >= 0 && n < 1 << 24) ? static_cast<int>(n) : -1;
}
}  // namespace

// Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; MPICH/Hydra and SLURM's PMI2 set PMI_SIZE; a PMIx
// launcher (srun --mpi=pmix, prterun) sets PMIX_RANK.
int MpiWorld::launched_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (int n = env_int(name); n >= 0) return n;
  if (std::getenv("PMIX_RANK")) return 0;
  return -1;
}

int MpiWorld::launched_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
    if (int n = env_int(name); n >= 0) return n;
  return -1;
}

#if defined(SITEPLAN_MPI)

namespace {
void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw RuntimeError(fmt::format("MPI: {} failed: {}", what, std::string(text, len)));
}

// Waits for a request without spinning: Open MPI's blocking calls poll at full speed, so a rank
// waiting for rank 0 (writing the outputs) or rank 0 waiting for a slower rank would take a core
// from the ranks still working. Polls with pauses growing to 5 ms instead.
void wait(MPI_Request& request, const char* what) {
  auto pause = std::chrono::microseconds(20);
  for (;;) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), what);
    if (done) return;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(5000));
  }
}
}  // namespace

MpiWorld::MpiWorld() {
  if (launched_size() < 0) return;
  int done = 0;
  MPI_Initialized(&done);
  if (done) throw RuntimeError("MPI: already initialised in this process");
  int provided = 0;
  // One thread makes MPI calls at a time (the command's thread).
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local) ==
      MPI_SUCCESS) {
    MPI_Comm_size(local, &local_size_);
    MPI_Comm_free(&local);
  }
}

MpiWorld::~MpiWorld() {
  if (!initialised_) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// A message is its size (eager: 8 bytes never wait for the receiver), then — once the receiver
// is ready and says so — the bytes. Waiting for a peer that is still computing is polite (see
// wait()); the transfer itself runs in blocking calls, which drive it at full speed whatever the
// transport (a shared-memory copy, TCP fragments).
void MpiWorld::send(int to, int tag, const std::string& bytes) const {
  const std::uint64_t n = bytes.size();
  check(MPI_Send(&n, 1, MPI_UINT64_T, to, tag, MPI_COMM_WORLD), "MPI_Send");
  if (n == 0) return;
  char go = 0;
  MPI_Request r;
  check(MPI_Irecv(&go, 1, MPI_CHAR, to, tag + kGoTag, MPI_COMM_WORLD, &r), "MPI_Irecv");
  wait(r, "MPI_Irecv");
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const int len = static_cast<int>(std::min(kPiece, bytes.size() - at));
    check(MPI_Send(bytes.data() + at, len, MPI_BYTE, to, tag, MPI_COMM_WORLD), "MPI_Send");
  }
}

std::string MpiWorld::recv(int from, int tag) const {
  std::uint64_t n = 0;
  MPI_Request r;
  check(MPI_Irecv(&n, 1, MPI_UINT64_T, from, tag, MPI_COMM_WORLD, &r), "MPI_Irecv");
  wait(r, "MPI_Irecv");
  std::string bytes(n, '\0');
  if (n == 0) return bytes;
  const char go = 1;
  check(MPI_Send(&go, 1, MPI_CHAR, from, tag + kGoTag, MPI_COMM_WORLD), "MPI_Send");
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const int len = static_cast<int>(std::min(kPiece, bytes.size() - at));
    check(MPI_Recv(bytes.data() + at, len, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
  }
  return bytes;
}

namespace {
template <typename T>
T reduce(T value, MPI_Datatype type, MPI_Op op) {
  T out = value;
  MPI_Request r;
  check(MPI_Iallreduce(&value, &out, 1, type, op, MPI_COMM_WORLD, &r), "MPI_Iallreduce");
  wait(r, "MPI_Iallreduce");
  return out;
}
}  // namespace

int MpiWorld::max_all(int value) const {
  return size_ == 1 ? value : reduce(value, MPI_INT, MPI_MAX);
}

int MpiWorld::min_all(int value) const {
  return size_ == 1 ? value : reduce(value, MPI_INT, MPI_MIN);
}

double MpiWorld::max_all(double value) const {
  return size_ == 1 ? value : reduce(value, MPI_DOUBLE, MPI_MAX);
}

std::string MpiWorld::broadcast(const std::string& bytes, int root) const {
  if (size_ == 1) return bytes;
  std::uint64_t n = bytes.size();
  MPI_Request r;
  check(MPI_Ibcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD, &r), "MPI_Ibcast");
  wait(r, "MPI_Ibcast");
  std::string out = rank_ == root ? bytes : std::string(n, '\0');
  for (std::size_t at = 0; at < out.size(); at += kPiece) {  // every rank is here: no waiting
    const int len = static_cast<int>(std::min(kPiece, out.size() - at));
    check(MPI_Bcast(out.data() + at, len, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  return out;
}

std::vector<std::string> MpiWorld::all_gather(const std::string& bytes) const {
  if (size_ == 1) return {bytes};
  std::vector<std::string> out(static_cast<std::size_t>(size_));
  for (int r = 0; r < size_; ++r) out[static_cast<std::size_t>(r)] = broadcast(bytes, r);
  return out;
}

void MpiWorld::barrier() const {
  if (size_ == 1) return;
  MPI_Request r;
  check(MPI_Ibarrier(MPI_COMM_WORLD, &r), "MPI_Ibarrier");
  wait(r, "MPI_Ibarrier");
}

void MpiWorld::abort(int code) const {
  std::fflush(nullptr);
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

#else  // built without MPI: a world of one process

MpiWorld::MpiWorld() {
  if (launched_size() > 1)
    throw UsageError(
        fmt::format("started by an MPI launcher with {} ranks, but this siteplan was built "
                    "without MPI: every process would write the same outputs; rebuild with "
                    "-DSITEPLAN_MPI=ON (libopenmpi-dev) or run it without mpirun",
                    launched_size()));
}
MpiWorld::~MpiWorld() = default;

namespace {
[[noreturn]] void no_peer() {
  throw RuntimeError("MPI: this siteplan was built without MPI; there is no other rank");
}
}  // namespace

void MpiWorld::send(int, int, const std::string&) const {
  no_peer();
}
std::string MpiWorld::recv(int, int) const {
  no_peer();
}
int MpiWorld::max_all(int value) const {
  return value;
}
int MpiWorld::min_all(int value) const {
  return value;
}
double MpiWorld::max_all(double value) const {
  return value;
}
std::string MpiWorld::broadcast(const std::string& bytes, int) const {
  return bytes;
}
std::vector<std::string> MpiWorld::all_gather(const std::string& bytes) const {
  return {bytes};
}
void MpiWorld::barrier() const {}
void MpiWorld::abort(int code) const {
  std::fflush(nullptr);
  std::_Exit(code);
}

#endif

std::vector<std::string> MpiWorld::all_to_all(const std::vector<std::string>& out, int tag) const {
  if (out.size() != static_cast<std::size_t>(size_))
    throw RuntimeError(
        fmt::format("MPI: all_to_all with {} messages for {} ranks", out.size(), size_));
  std::vector<std::string> in(static_cast<std::size_t>(size_));
  in[static_cast<std::size_t>(rank_)] = out[static_cast<std::size_t>(rank_)];
  for (int p = 0; p < size_; ++p) {
    if (p == rank_) continue;
    const auto k = static_cast<std::size_t>(p);
    if (rank_ < p) {
      send(p, tag, out[k]);
      in[k] = recv(p, tag);
    } else {
      in[k] = recv(p, tag);
      send(p, tag, out[k]);
    }
  }
  return in;
}

}  // namespace siteplan::engine
