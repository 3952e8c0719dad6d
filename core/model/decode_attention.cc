#include "core/model/decode_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

namespace arts::model {
namespace {

// Strided views of a [n, heads, positions, head_dim] float tensor.
struct View {
  explicit View(const torch::Tensor& t)
      : data(t.data_ptr<float>()),
        entry(t.stride(0)),
        head(t.stride(1)),
        position(t.stride(2)) {}
  const float* at(int64_t e, int64_t h, int64_t p) const {
    return data + e * entry + h * head + p * position;
  }
  const float* data;
  int64_t entry, head, position;
};

// Eight partial sums, so that the compiler vectorizes the dot product
// without reassociating floating point on its own. Inlined: it runs once a
// key, on head_dim floats.
[[gnu::always_inline]] inline float Dot(const float* a, const float* b,
                                        int64_t n) {
  float partial[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; ++l) partial[l] += a[i + l] * b[i + l];
  }
  float sum = 0;
  for (; i < n; ++i) sum += a[i] * b[i];
  for (float p : partial) sum += p;
  return sum;
}

[[gnu::always_inline]] inline void AddScaled(float weight, const float* v,
                                             float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += weight * v[i];
}

// One row and head: softmax over the past's n positions (`past_keys` and
// `past_values` apart by `stride` floats) and the row's own key, times the
// values, into `attended` (dim floats). `weights` holds n floats.
struct RowHead {
  const float* query;
  const float* own_key;
  const float* own_value;
  const float* past_keys;
  const float* past_values;
  int64_t stride, n, dim;
  float scale;
  float* weights;
  float* attended;
};

[[gnu::always_inline]] inline void AttendOne(const RowHead& a) {
  const float own = Dot(a.query, a.own_key, a.dim) * a.scale;
  float most = own;
  for (int64_t j = 0; j < a.n; ++j) {
    a.weights[j] = Dot(a.query, a.past_keys + j * a.stride, a.dim) * a.scale;
    most = std::max(most, a.weights[j]);
  }
  const float own_weight = std::exp(own - most);
  float total = own_weight;
  for (int64_t j = 0; j < a.n; ++j) {
    a.weights[j] = std::exp(a.weights[j] - most);
    total += a.weights[j];
  }
  std::fill(a.attended, a.attended + a.dim, 0.0f);
  const float norm = 1.0f / total;
  for (int64_t j = 0; j < a.n; ++j) {
    AddScaled(a.weights[j] * norm, a.past_values + j * a.stride, a.attended,
              a.dim);
  }
  AddScaled(own_weight * norm, a.own_value, a.attended, a.dim);
}

// AttendOne built twice, for AVX2 with FMA and for any x86-64, and picked
// once at the first pass: the build targets every x86-64, and the loop is
// worth eight lanes (built for SSE2 alone it took a third of a decode
// pass). Picked by hand rather than by `target_clones`, whose load-time
// resolver runs before a sanitizer's runtime is up (the TSan build crashed
// in it).
using AttendFunction = void (*)(const RowHead&);

[[gnu::target("avx2,fma")]] void AttendOneAvx2(const RowHead& a) {
  AttendOne(a);
}

void AttendOneAnyX86(const RowHead& a) { AttendOne(a); }

AttendFunction PickAttendFunction() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
             ? AttendOneAvx2
             : AttendOneAnyX86;
}

}  // namespace

torch::Tensor DecodeAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v,
                              const torch::Tensor& past_keys,
                              const torch::Tensor& past_values,
                              const std::vector<int64_t>& entries,
                              const std::vector<int64_t>& lengths, double scale,
                              bool portable) {
  const int64_t rows = q.size(0), heads = q.size(1), dim = q.size(3);
  const int64_t width = past_keys.size(2);
  TORCH_CHECK(q.size(2) == 1, "decode attention takes one query a row, got ",
              q.size(2));
  TORCH_CHECK(static_cast<int64_t>(entries.size()) == rows &&
                  static_cast<int64_t>(lengths.size()) == rows,
              "decode attention: ", rows, " rows, ", entries.size(),
              " entries, ", lengths.size(), " lengths");
  for (const torch::Tensor* t : {&q, &k, &v, &past_keys, &past_values}) {
    TORCH_CHECK(t->scalar_type() == torch::kFloat && t->dim() == 4 &&
                    t->size(1) == heads && t->size(3) == dim &&
                    t->stride(3) == 1,
                "decode attention: tensors must be float [n, ", heads,
                ", positions, ", dim, "] with a contiguous last dimension");
  }
  TORCH_CHECK(past_keys.strides() == past_values.strides(),
              "decode attention: past keys and values are laid out apart");
  for (int64_t r = 0; r < rows; ++r) {
    TORCH_CHECK(entries[r] >= 0 && entries[r] < past_keys.size(0) &&
                    lengths[r] >= 0 && lengths[r] <= width,
                "decode attention: row ", r, " reads entry ", entries[r],
                " for ", lengths[r], " positions of ", past_keys.size(0), " x ",
                width);
  }
  torch::Tensor out = torch::empty({rows, 1, heads * dim}, q.options());
  const View queries(q), keys(k), values(v), past_k(past_keys),
      past_v(past_values);
  float* out_data = out.data_ptr<float>();
  const float s = static_cast<float>(scale);
  static const AttendFunction fastest = PickAttendFunction();
  const AttendFunction attend_one = portable ? AttendOneAnyX86 : fastest;
  at::parallel_for(0, rows * heads, 16, [&](int64_t begin, int64_t end) {
    std::vector<float> weights(width);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t r = task / heads, h = task % heads;
      attend_one({queries.at(r, h, 0), keys.at(r, h, 0), values.at(r, h, 0),
                  past_k.at(entries[r], h, 0), past_v.at(entries[r], h, 0),
                  past_k.position, lengths[r], dim, s, weights.data(),
                  out_data + r * heads * dim + h * dim});
    }
  });
  return out;
}

}  // namespace arts::model
