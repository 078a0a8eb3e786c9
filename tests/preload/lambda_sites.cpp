// A lambda run by std::thread, built with optimization: the lambda is
// inlined into libstdc++'s std::thread::_State_impl<...>::_M_run, a
// function of the program whose symbol is in std::. It is the program's own
// code all the same: weft record must name its lines (marked "@lambda" and
// "@unlock"). (That _M_run is not taken for a standard-library wrapper,
// which would unwind on every lock, is test_symbol_table.cpp's.)
#include <mutex>
#include <thread>

std::mutex lock_a;
int counter = 0;

int main() {
  std::thread t([] {
    for (int i = 0; i < 1000; ++i) {
      std::lock_guard<std::mutex> g(lock_a);  // @lambda
      ++counter;
    }  // @unlock (the guard's destructor)
  });
  t.join();
  return counter == 1000 ? 0 : 1;
}
