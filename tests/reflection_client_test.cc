// What grpcurl and ghz do, with no proto files: list a server's services
// through reflection, resolve every descriptor (health and reflection
// included), and call each method with a request written as JSON. Runs the
// equivalents of the grpcurl commands in docs/deploy.md against the three
// binaries.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/descriptor_database.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/server_process.h"
#include "tests/test_support.h"
#include "tests/tiny_models.h"

namespace arts {
namespace {

using ::arts::testing_support::AskReflection;
using ::arts::testing_support::ListServices;
using ::arts::testing_support::SaveTinyVerifier;
using ::arts::testing_support::ServingServer;
using ::arts::testing_support::TempDir;
using ::arts::testing_support::ThreeServices;
using ::grpc::reflection::v1alpha::ServerReflectionRequest;
using ::grpc::reflection::v1alpha::ServerReflectionResponse;
using ::testing::HasSubstr;

constexpr char kBundledGenerator[] = ARTS_MODELS_DIR "/generator.ckpt";

// A server's descriptors, as reflection gives them, and calls made from
// them: the client knows nothing of the server but its address.
class ReflectionClient {
 public:
  explicit ReflectionClient(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)), pool_(&database_) {}

  // Fetches the file that defines `symbol`, with its dependencies, and
  // returns the service of that name (null, with a failure, if none).
  const google::protobuf::ServiceDescriptor* Describe(
      const std::string& symbol) {
    ServerReflectionRequest request;
    request.set_file_containing_symbol(symbol);
    absl::StatusOr<std::vector<ServerReflectionResponse>> responses =
        AskReflection(channel_, request);
    EXPECT_TRUE(responses.ok()) << symbol << ": " << responses.status();
    if (!responses.ok()) return nullptr;
    for (const ServerReflectionResponse& response : *responses) {
      for (const std::string& bytes :
           response.file_descriptor_response().file_descriptor_proto()) {
        google::protobuf::FileDescriptorProto file;
        EXPECT_TRUE(file.ParseFromString(bytes));
        google::protobuf::FileDescriptorProto known;
        if (!database_.FindFileByName(file.name(), &known)) {
          database_.Add(file);
        }
      }
    }
    const google::protobuf::ServiceDescriptor* service =
        pool_.FindServiceByName(symbol);
    EXPECT_NE(service, nullptr) << symbol << " does not resolve";
    return service;
  }

  // Calls /service/method with the request given as JSON; returns each
  // response as JSON, or the call's status.
  absl::StatusOr<std::vector<std::string>> Call(const std::string& service,
                                                const std::string& method,
                                                const std::string& json) {
    const google::protobuf::ServiceDescriptor* s = Describe(service);
    if (s == nullptr) return absl::NotFoundError(service);
    const google::protobuf::MethodDescriptor* m = s->FindMethodByName(method);
    if (m == nullptr) return absl::NotFoundError(method);
    std::unique_ptr<google::protobuf::Message> request(
        factory_.GetPrototype(m->input_type())->New());
    auto parsed =
        google::protobuf::util::JsonStringToMessage(json, request.get());
    if (!parsed.ok()) return absl::InvalidArgumentError(parsed.ToString());

    // One generic call serves unary and server-streaming methods alike: on
    // the wire both are one request message and a stream of responses.
    grpc::CompletionQueue queue;
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    auto call = stub.PrepareCall(
        &context, absl::StrCat("/", service, "/", method), &queue);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(&tag);
    queue.Next(&tag, &ok);
    const std::string bytes = request->SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1);
    call->Write(out, &tag);
    queue.Next(&tag, &ok);
    call->WritesDone(&tag);
    queue.Next(&tag, &ok);
    std::vector<std::string> responses;
    while (true) {
      grpc::ByteBuffer in;
      call->Read(&in, &tag);
      queue.Next(&tag, &ok);
      if (!ok) break;
      std::vector<grpc::Slice> slices;
      EXPECT_TRUE(in.Dump(&slices).ok());
      std::string data;
      for (const grpc::Slice& piece : slices) {
        data.append(reinterpret_cast<const char*>(piece.begin()), piece.size());
      }
      std::unique_ptr<google::protobuf::Message> response(
          factory_.GetPrototype(m->output_type())->New());
      EXPECT_TRUE(response->ParseFromString(data));
      std::string text;
      EXPECT_TRUE(
          google::protobuf::util::MessageToJsonString(*response, &text).ok());
      responses.push_back(text);
    }
    grpc::Status status;
    call->Finish(&status, &tag);
    queue.Next(&tag, &ok);
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return responses;
  }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  google::protobuf::SimpleDescriptorDatabase database_;
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_;
};

// `grpcurl list`, `grpcurl describe` of every service, and health checks by
// name, through reflection alone.
void ExpectDescribedAndHealthy(ServingServer& server,
                               const std::string& service) {
  absl::StatusOr<std::set<std::string>> services = ListServices(server.channel);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_EQ(*services,
            (std::set<std::string>{service, "grpc.health.v1.Health",
                                   "grpc.reflection.v1alpha.ServerReflection"}))
      << absl::StrJoin(*services, ", ");
  ReflectionClient client(server.channel);
  for (const std::string& name : *services) {
    const google::protobuf::ServiceDescriptor* described =
        client.Describe(name);
    ASSERT_NE(described, nullptr) << name;
    EXPECT_GT(described->method_count(), 0) << name;
  }
  for (const std::string& name : {std::string(), service}) {
    absl::StatusOr<std::vector<std::string>> health =
        client.Call("grpc.health.v1.Health", "Check",
                    absl::StrCat(R"({"service": ")", name, R"("})"));
    ASSERT_TRUE(health.ok()) << name << ": " << health.status();
    ASSERT_EQ(health->size(), 1u);
    EXPECT_THAT(health->front(), HasSubstr(R"("status":"SERVING")")) << name;
  }
}

TEST(ReflectionClientTest, EveryServiceAndMethodWorksFromReflectionAlone) {
  TempDir dir("reflection_client_test");
  const std::string verifier_model = dir.File("verifier.ckpt");
  SaveTinyVerifier(verifier_model, /*seed=*/9);
  ThreeServices services;
  ASSERT_NO_FATAL_FAILURE(services.Start(
      {ARTS_GENERATOR_BINARY, ARTS_VERIFIER_BINARY, ARTS_ORCHESTRATOR_BINARY},
      kBundledGenerator, verifier_model, dir));
  ServingServer& generator = services.generator;
  ServingServer& verifier = services.verifier;
  ServingServer& orchestrator = services.orchestrator;

  ASSERT_NO_FATAL_FAILURE(
      ExpectDescribedAndHealthy(generator, "arts.v1.Generator"));
  ASSERT_NO_FATAL_FAILURE(
      ExpectDescribedAndHealthy(verifier, "arts.v1.Verifier"));
  ASSERT_NO_FATAL_FAILURE(
      ExpectDescribedAndHealthy(orchestrator, "arts.v1.Orchestrator"));

  // One call of each method, with the requests docs/deploy.md shows.
  ReflectionClient g(generator.channel);
  auto info = g.Call("arts.v1.Generator", "GetModelInfo", "{}");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->front(), HasSubstr(R"("kind":"generator")"));
  auto candidates = g.Call("arts.v1.Generator", "Propose",
                           R"({"problem": "4 9 10 13 -> 24",
                               "num_candidates": 4, "max_steps": 1,
                               "sampling": {"seed": 7, "constrained": true}})");
  ASSERT_TRUE(candidates.ok()) << candidates.status();
  EXPECT_EQ(candidates->size(), 4u);
  EXPECT_THAT(candidates->front(), HasSubstr(R"("steps":)"));

  ReflectionClient v(verifier.channel);
  auto scores = v.Call("arts.v1.Verifier", "Score",
                       R"json({"traces": [{"problem": "4 9 10 13 -> 24",
                           "steps": ["13 - 9 = 4 (left: 4 4 10)"]}]})json");
  ASSERT_TRUE(scores.ok()) << scores.status();
  EXPECT_THAT(scores->front(), HasSubstr(R"("logFlow":)"));
  auto verifier_info = v.Call("arts.v1.Verifier", "GetModelInfo", "{}");
  ASSERT_TRUE(verifier_info.ok()) << verifier_info.status();
  EXPECT_THAT(verifier_info->front(), HasSubstr(R"("kind":"verifier")"));

  ReflectionClient o(orchestrator.channel);
  const std::string solve = R"({"problem": "4 9 10 13 -> 24",
                                "strategy": "BEAM", "constrained": true})";
  auto solved = o.Call("arts.v1.Orchestrator", "Solve", solve);
  ASSERT_TRUE(solved.ok()) << solved.status();
  EXPECT_THAT(solved->front(), HasSubstr(R"("answers":)"));
  auto streamed = o.Call("arts.v1.Orchestrator", "SolveStream", solve);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  ASSERT_GE(streamed->size(), 2u);
  EXPECT_THAT(streamed->back(), HasSubstr(R"("finalResponse":)"));

  // A bad request is answered with INVALID_ARGUMENT naming the field.
  auto bad =
      g.Call("arts.v1.Generator", "Propose",
             R"({"problem": "4 9 10 13 -> 24", "num_candidates": 1000})");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("num_candidates"));

  services.StopAll();
}

}  // namespace
}  // namespace arts
