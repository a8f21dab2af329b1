#include "row_kernels.hpp"

#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LATPRED_HAVE_AVX2_KERNELS 1
#endif

namespace latpred::gnn::rows {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// The scalar kernels also finish the AVX2 rows (from = the first index the vector loop did not cover).
void gated_residual_from(const float* gate, const float* message, const float* residual, const float* bias, float* out,
                         int64_t from, int64_t d) {
  for (int64_t j = from; j < d; ++j) out[j] = sigmoid(gate[j]) * message[j] + residual[j] + bias[j];
}

void layer_norm_in_place(float* y, const float* weight, const float* bias, float eps, int64_t d) {
  double sum = 0.0;
  for (int64_t j = 0; j < d; ++j) sum += y[j];
  const auto mean = static_cast<float>(sum / static_cast<double>(d));
  double squares = 0.0;
  for (int64_t j = 0; j < d; ++j) squares += static_cast<double>(y[j] - mean) * (y[j] - mean);
  const auto rstd = static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(d) + eps));
  for (int64_t j = 0; j < d; ++j) y[j] = (y[j] - mean) * rstd * weight[j] + bias[j];
}

void gated_residual_scalar(const float* gate, const float* message, const float* residual, const float* bias,
                           float* out, int64_t d) {
  gated_residual_from(gate, message, residual, bias, out, 0, d);
}

void gated_layer_norm_scalar(const float* gate, const float* message, const float* weight, const float* bias, float eps,
                             float* out, int64_t d) {
  for (int64_t j = 0; j < d; ++j) out[j] = sigmoid(gate[j]) * message[j];
  layer_norm_in_place(out, weight, bias, eps, d);
}

float weighted_dot_scalar(const float* x, const float* a, const float* y, int64_t d) {
  float sum = 0.0f;
  for (int64_t j = 0; j < d; ++j) sum += x[j] * a[j] * y[j];
  return sum;
}

void axpy_scalar(float alpha, const float* x, float* out, int64_t d) {
  for (int64_t j = 0; j < d; ++j) out[j] += alpha * x[j];
}

#ifdef LATPRED_HAVE_AVX2_KERNELS
#define LATPRED_AVX2 __attribute__((target("avx2,fma")))

// exp for 8 floats: Cody-Waite range reduction to 2^n e^r, |r| <= ln2/2, and a degree-5 minimax polynomial (the
// Cephes expf coefficients); relative error about 1e-7 over the clamped range.
LATPRED_AVX2 __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
  const __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

LATPRED_AVX2 __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

LATPRED_AVX2 float horizontal_sum(__m256 v) {
  const __m128 quad = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
  return _mm_cvtss_f32(_mm_add_ss(pair, _mm_shuffle_ps(pair, pair, 1)));
}

LATPRED_AVX2 void gated_residual_avx2(const float* gate, const float* message, const float* residual, const float* bias,
                                      float* out, int64_t d) {
  int64_t j = 0;
  for (; j + 8 <= d; j += 8) {
    const __m256 sum = _mm256_add_ps(_mm256_loadu_ps(residual + j), _mm256_loadu_ps(bias + j));
    _mm256_storeu_ps(out + j, _mm256_fmadd_ps(sigmoid8(_mm256_loadu_ps(gate + j)), _mm256_loadu_ps(message + j), sum));
  }
  gated_residual_from(gate, message, residual, bias, out, j, d);
}

LATPRED_AVX2 void gated_layer_norm_avx2(const float* gate, const float* message, const float* weight, const float* bias,
                                        float eps, float* out, int64_t d) {
  int64_t j = 0;
  __m256 sum8 = _mm256_setzero_ps();
  for (; j + 8 <= d; j += 8) {
    const __m256 y = _mm256_mul_ps(sigmoid8(_mm256_loadu_ps(gate + j)), _mm256_loadu_ps(message + j));
    _mm256_storeu_ps(out + j, y);
    sum8 = _mm256_add_ps(sum8, y);
  }
  float sum = horizontal_sum(sum8);
  for (; j < d; ++j) sum += (out[j] = sigmoid(gate[j]) * message[j]);
  const float mean = sum / static_cast<float>(d);
  const __m256 mean8 = _mm256_set1_ps(mean);
  __m256 squares8 = _mm256_setzero_ps();
  for (j = 0; j + 8 <= d; j += 8) {
    const __m256 centred = _mm256_sub_ps(_mm256_loadu_ps(out + j), mean8);
    squares8 = _mm256_fmadd_ps(centred, centred, squares8);
  }
  float squares = horizontal_sum(squares8);
  for (; j < d; ++j) squares += (out[j] - mean) * (out[j] - mean);
  const float rstd = 1.0f / std::sqrt(squares / static_cast<float>(d) + eps);
  const __m256 rstd8 = _mm256_set1_ps(rstd);
  for (j = 0; j + 8 <= d; j += 8) {
    const __m256 normed = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(out + j), mean8), rstd8);
    _mm256_storeu_ps(out + j, _mm256_fmadd_ps(normed, _mm256_loadu_ps(weight + j), _mm256_loadu_ps(bias + j)));
  }
  for (; j < d; ++j) out[j] = (out[j] - mean) * rstd * weight[j] + bias[j];
}

LATPRED_AVX2 float weighted_dot_avx2(const float* x, const float* a, const float* y, int64_t d) {
  int64_t j = 0;
  __m256 sum8 = _mm256_setzero_ps();
  for (; j + 8 <= d; j += 8) {
    sum8 = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(a + j)), _mm256_loadu_ps(y + j), sum8);
  }
  float sum = horizontal_sum(sum8);
  for (; j < d; ++j) sum += x[j] * a[j] * y[j];
  return sum;
}

LATPRED_AVX2 void axpy_avx2(float alpha, const float* x, float* out, int64_t d) {
  int64_t j = 0;
  const __m256 alpha8 = _mm256_set1_ps(alpha);
  for (; j + 8 <= d; j += 8) {
    _mm256_storeu_ps(out + j, _mm256_fmadd_ps(alpha8, _mm256_loadu_ps(x + j), _mm256_loadu_ps(out + j)));
  }
  for (; j < d; ++j) out[j] += alpha * x[j];
}

bool cpu_has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

}  // namespace

const Kernels& scalar_kernels() {
  static const Kernels scalar{gated_residual_scalar, gated_layer_norm_scalar, weighted_dot_scalar, axpy_scalar};
  return scalar;
}

const Kernels& kernels() {
#ifdef LATPRED_HAVE_AVX2_KERNELS
  static const Kernels avx2{gated_residual_avx2, gated_layer_norm_avx2, weighted_dot_avx2, axpy_avx2};
  static const bool use_avx2 = cpu_has_avx2();
  if (use_avx2) return avx2;
#endif
  return scalar_kernels();
}

}  // namespace latpred::gnn::rows
