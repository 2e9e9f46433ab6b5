// Reference int8 1D convolution, time-major, with optional fused max pooling (contract in tml/kernels.h).
#include "tml/kernels.h"
#include "tml/requant.h"

namespace tml {

extern "C" void tml_conv1d_s8_ref(const tml_conv1d_params* params, const tml_channel_quant* quant,
                                  const tml_dims* input_dims, const int8_t* input, const int8_t* filter,
                                  const int32_t* bias, const tml_dims* output_dims, int8_t* output) {
  const int32_t in_time = input_dims->time;
  const int32_t in_ch = input_dims->channels;
  const int32_t out_ch = output_dims->channels;
  const int32_t kernel = params->kernel_size;
  const int32_t in_zp = params->input_zero_point;
  const int32_t pool = params->pool_size > 1 ? params->pool_size : 1;
  const int32_t pool_stride = params->pool_size > 1 ? params->pool_stride : 1;
  TML_ASSERT(kernel >= 1 && params->stride >= 1 && pool_stride >= 1);
  TML_ASSERT(params->pad_left >= 0 && params->pad_left < kernel);

  for (int32_t t = 0; t < output_dims->time; ++t) {
    for (int32_t o = 0; o < out_ch; ++o) {
      const int8_t* filter_o = filter + o * kernel * in_ch;
      int32_t best = -128;
      for (int32_t p = 0; p < pool; ++p) {
        const int32_t start = (t * pool_stride + p) * params->stride - params->pad_left;
        TML_ASSERT(start < in_time && start + kernel > 0);
        // Kernel taps over real input steps; padding steps hold the zero point and add nothing. The
        // window [k][c] of the input and the filter row [k][c] are both contiguous: one dot product.
        const int32_t k_first = start < 0 ? -start : 0;
        const int32_t k_end = start + kernel > in_time ? in_time - start : kernel;
        const int8_t* x = input + (start + k_first) * in_ch;
        const int8_t* w = filter_o + k_first * in_ch;
        const int32_t n = (k_end - k_first) * in_ch;
        int32_t acc = bias ? bias[o] : 0;
        for (int32_t i = 0; i < n; ++i) acc += (x[i] - in_zp) * w[i];
        const int32_t v = tml_requantize_s8(acc, quant->multiplier[o], quant->shift[o], params->output_zero_point,
                                            params->activation.min, params->activation.max);
        if (v > best) best = v;
      }
      output[t * out_ch + o] = static_cast<int8_t>(best);
    }
  }
}

}  // namespace tml
