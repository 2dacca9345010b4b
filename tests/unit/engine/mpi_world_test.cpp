// The MPI world. Run alone (ctest's single-process entries) it is a world of one in which every
// collective returns this rank's own value; run by `mpirun -n 3` (ctest entry mpi.world) the
// ranks really exchange messages, including one larger than the shared-memory eager limit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "engine/mpi_world.hpp"

using namespace siteplan;

namespace {
// A payload that says who sent it and cannot be mistaken for another rank's.
std::string payload(int rank, std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>((i * 131 + static_cast<std::size_t>(rank) * 7) % 251);
  return s;
}
}  // namespace

TEST(MpiWorld, RanksExchange) {
  engine::MpiWorld world;
  const int n = world.size(), me = world.rank();
  ASSERT_GE(n, 1);
  ASSERT_LT(me, n);
  if (engine::MpiWorld::launched_size() < 0) {
    // Not started by a launcher: one rank, collectives are the identity.
    EXPECT_EQ(n, 1);
    EXPECT_EQ(me, 0);
    EXPECT_TRUE(world.root());
    EXPECT_EQ(world.max_all(4), 4);
    EXPECT_EQ(world.min_all(-2), -2);
    EXPECT_EQ(world.broadcast("abc"), "abc");
    EXPECT_EQ(world.all_gather("x"), std::vector<std::string>{"x"});
    return;
  }
  EXPECT_EQ(n, engine::MpiWorld::launched_size());
  EXPECT_EQ(world.max_all(me), n - 1);
  EXPECT_EQ(world.min_all(me + 10), 10);
  EXPECT_EQ(world.max_all(0.5 * me), 0.5 * (n - 1));
  EXPECT_EQ(world.broadcast(me == 0 ? std::string("from root") : std::string()), "from root");
  const auto all = world.all_gather("rank " + std::to_string(me));
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r)
    EXPECT_EQ(all[static_cast<std::size_t>(r)], "rank " + std::to_string(r));
  // Every rank sends rank 0 a part of a different size (3 MB and more: rendezvous protocol).
  const std::size_t base = 3u << 20;
  if (me != 0) {
    world.send(0, 7, payload(me, base + static_cast<std::size_t>(me)));
    world.send(0, 7, std::string());  // an empty part is a part
  } else {
    for (int r = 1; r < n; ++r) {
      const std::string got = world.recv(r, 7);
      EXPECT_EQ(got.size(), base + static_cast<std::size_t>(r));
      EXPECT_TRUE(got == payload(r, base + static_cast<std::size_t>(r))) << "from rank " << r;
      EXPECT_TRUE(world.recv(r, 7).empty());
    }
  }
  // All to all: rank a sends rank b a message of its own size (some empty, some large), and gets
  // every rank's in rank order.
  std::vector<std::string> out;
  auto size_of = [base](int a, int b) {
    return (a + b) % 3 == 0 ? std::size_t{0} : base / 4 + static_cast<std::size_t>(7 * a + b);
  };
  for (int b = 0; b < n; ++b) out.push_back(payload(me * 31 + b, size_of(me, b)));
  const auto in = world.all_to_all(out, 9);
  ASSERT_EQ(in.size(), static_cast<std::size_t>(n));
  for (int a = 0; a < n; ++a)
    EXPECT_TRUE(in[static_cast<std::size_t>(a)] == payload(a * 31 + me, size_of(a, me)))
        << "from rank " << a;
  world.barrier();
}
