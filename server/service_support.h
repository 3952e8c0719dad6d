#ifndef ARTS_SERVER_SERVICE_SUPPORT_H_
#define ARTS_SERVER_SERVICE_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "arts/v1/common.pb.h"

namespace arts::server {

// Admission control shared by the services: a bounded number of calls run at
// once; beyond that callers are told to back off rather than queue without
// limit.
class AdmissionLimit {
 public:
  AdmissionLimit(int max_in_flight, std::string method);

  // Holds a slot, if admitted, until destroyed; then reports how long it
  // was held.
  class Ticket {
   public:
    explicit Ticket(AdmissionLimit* limit)
        : limit_(limit), start_(absl::Now()) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() {
      if (limit_ != nullptr) limit_->Release(absl::Now() - start_);
    }
    bool admitted() const { return limit_ != nullptr; }

   private:
    AdmissionLimit* limit_;
    absl::Time start_;
  };

  // A slot if fewer than `max_in_flight` calls hold one.
  Ticket Admit();
  // RESOURCE_EXHAUSTED, naming the method and the limit, with retry pushback
  // (the grpc-retry-pushback-ms trailer on `context`): about when the next
  // slot frees, the mean time a call holds one over the slots, 10 ms to 5 s.
  grpc::Status Refusal(grpc::ServerContextBase& context) const;

 private:
  void Release(absl::Duration held);

  const int max_in_flight_;
  const std::string method_;
  std::atomic<int> in_flight_{0};
  mutable absl::Mutex mu_;
  // Exponentially weighted mean of the time calls held a slot.
  absl::Duration mean_held_ ABSL_GUARDED_BY(mu_) = absl::Seconds(1);
};

// GetModelInfo's answer for a loaded model.
void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info);

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVICE_SUPPORT_H_
