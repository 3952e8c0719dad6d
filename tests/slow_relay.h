#ifndef ARTS_TESTS_SLOW_RELAY_H_
#define ARTS_TESTS_SLOW_RELAY_H_

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace arts::testing_support {

// A TCP relay on a loopback port in front of a server: what the server
// sends goes back to the client one byte at a time, `per_byte` apart, while
// slow() is on (a backend that answers slowly byte by byte), and at once
// otherwise. The client's bytes always go through at once. Each connection
// gets two threads; the destructor closes every socket and joins them.
class SlowRelay {
 public:
  SlowRelay(const std::string& upstream_host, int upstream_port,
            absl::Duration per_byte);
  ~SlowRelay();
  SlowRelay(const SlowRelay&) = delete;
  SlowRelay& operator=(const SlowRelay&) = delete;

  std::string address() const { return address_; }
  void set_slow(bool slow) { slow_ = slow; }
  // Bytes relayed toward clients so far.
  int64_t bytes_to_clients() const { return bytes_to_clients_; }

 private:
  void AcceptLoop();
  // Copies from `from` to `to` until either side closes.
  void Pump(int from, int to, bool toward_client);

  const std::string upstream_host_;
  const int upstream_port_;
  const absl::Duration per_byte_;
  int listener_ = -1;
  std::string address_;
  std::atomic<bool> slow_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> bytes_to_clients_{0};
  std::mutex mu_;
  std::vector<int> sockets_;        // guarded by mu_
  std::vector<std::thread> pumps_;  // guarded by mu_
  std::thread acceptor_;
};

}  // namespace arts::testing_support

#endif  // ARTS_TESTS_SLOW_RELAY_H_
