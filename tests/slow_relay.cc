#include "tests/slow_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "absl/time/clock.h"

namespace arts::testing_support {
namespace {

// A TCP socket, or -1.
int LoopbackSocket() { return socket(AF_INET, SOCK_STREAM, 0); }

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

SlowRelay::SlowRelay(const std::string& upstream_host, int upstream_port,
                     absl::Duration per_byte)
    : upstream_host_(upstream_host),
      upstream_port_(upstream_port),
      per_byte_(per_byte) {
  listener_ = LoopbackSocket();
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (listener_ < 0 ||
      bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    std::cerr << "SlowRelay: cannot listen on loopback\n";
    std::abort();
  }
  address_ = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

SlowRelay::~SlowRelay() {
  stopping_ = true;
  shutdown(listener_, SHUT_RDWR);
  close(listener_);
  acceptor_.join();
  std::vector<std::thread> pumps;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : sockets_) shutdown(fd, SHUT_RDWR);
    pumps.swap(pumps_);
  }
  for (std::thread& pump : pumps) pump.join();
  for (int fd : sockets_) close(fd);
}

void SlowRelay::AcceptLoop() {
  while (!stopping_) {
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) return;  // the listener was shut down
    const int server = LoopbackSocket();
    sockaddr_in upstream = Loopback(upstream_port_);
    inet_pton(AF_INET, upstream_host_.c_str(), &upstream.sin_addr);
    if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&upstream),
                              sizeof(upstream)) != 0) {
      close(client);
      if (server >= 0) close(server);
      continue;
    }
    const int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(client);
      close(server);
      return;
    }
    sockets_.push_back(client);
    sockets_.push_back(server);
    pumps_.emplace_back(
        [this, client, server] { Pump(client, server, false); });
    pumps_.emplace_back([this, client, server] { Pump(server, client, true); });
  }
}

void SlowRelay::Pump(int from, int to, bool toward_client) {
  char buffer[16384];
  while (true) {
    const ssize_t n = recv(from, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    bool ok = true;
    for (ssize_t i = 0; i < n && ok;) {
      if (toward_client && slow_ && !stopping_) {
        ok = WriteAll(to, buffer + i, 1);
        ++bytes_to_clients_;
        ++i;
        absl::SleepFor(per_byte_);
        continue;
      }
      ok = WriteAll(to, buffer + i, static_cast<size_t>(n - i));
      if (toward_client) bytes_to_clients_ += n - i;
      i = n;
    }
    if (!ok) break;
  }
  // One side closed: close the other's direction so its pump ends too.
  shutdown(to, SHUT_WR);
  shutdown(from, SHUT_RD);
}

}  // namespace arts::testing_support
