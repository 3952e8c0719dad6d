#ifndef ARTS_SERVER_SERVICE_SUPPORT_H_
#define ARTS_SERVER_SERVICE_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "arts/v1/common.pb.h"

namespace arts::server {

// Admission control shared by the services: a bounded number of calls run at
// once; beyond that callers are told to back off rather than queue without
// limit.
class AdmissionLimit {
 public:
  AdmissionLimit(int max_in_flight, std::string method);

  // Holds a slot, if admitted, until destroyed.
  class Ticket {
   public:
    explicit Ticket(std::atomic<int>* in_flight) : in_flight_(in_flight) {}
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() {
      if (in_flight_ != nullptr) in_flight_->fetch_sub(1);
    }
    bool admitted() const { return in_flight_ != nullptr; }

   private:
    std::atomic<int>* in_flight_;
  };

  // A slot if fewer than `max_in_flight` calls hold one.
  Ticket Admit();
  // RESOURCE_EXHAUSTED, naming the method and the limit.
  grpc::Status Refusal() const;

 private:
  const int max_in_flight_;
  const std::string method_;
  std::atomic<int> in_flight_{0};
};

// GetModelInfo's answer for a loaded model.
void FillModelInfo(const std::string& kind, const std::string& path,
                   int64_t num_parameters,
                   const std::map<std::string, std::string>& metadata,
                   arts::v1::ModelInfo* info);

}  // namespace arts::server

#endif  // ARTS_SERVER_SERVICE_SUPPORT_H_
