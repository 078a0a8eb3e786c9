// weft record -f on a program that forks: the parent locks in one order
// only (clean); its child of fork() takes lock_a and lock_b in both orders
// (an inversion: both orders after the fork, since the child's trace holds
// only what the child did), then execs the same program as "exec-child",
// which inverts lock_c and lock_d. Each process must write its own trace with
// its own verdict: <stem>.<pid>.weft an inversion of lock_a and lock_b,
// <stem>.<pid>.fork_follow.weft one of lock_c and lock_d (an exec in the
// child's place: its own file, named after the program). <stem>.weft, clean
// on its own, names the forked child (process.spawn): read from it, the run
// of the two has the child's inversion.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

std::mutex lock_a, lock_b, lock_c, lock_d;

void in_order(std::mutex& first, std::mutex& second) {
  std::lock_guard<std::mutex> g(first);
  std::lock_guard<std::mutex> h(second);
}

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "exec-child") == 0) {
    std::thread one([] { in_order(lock_c, lock_d); });
    one.join();
    std::thread two([] { in_order(lock_d, lock_c); });
    two.join();
    return 0;
  }
  std::thread worker([] { in_order(lock_a, lock_b); });
  worker.join();
  const pid_t child = fork();
  if (child == 0) {
    std::thread one([] { in_order(lock_a, lock_b); });
    one.join();
    std::thread other([] { in_order(lock_b, lock_a); });
    other.join();
    execl(argv[0], argv[0], "exec-child", static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  in_order(lock_a, lock_b);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
