// Optimizer steps against hand-computed values, the loss against its formula.
#include <catch2/catch.hpp>

#include <cmath>

#include "tml/trainer/error.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/optimizer.h"

using namespace tml::trainer;

namespace {

Param param(std::vector<float> value, std::vector<float> grad) {
  Param p;
  p.name = "w";
  p.shape = {static_cast<int>(value.size())};
  p.value = std::move(value);
  p.grad = std::move(grad);
  return p;
}

}  // namespace

TEST_CASE("sgd with momentum follows v = m v + g and p -= lr v", "[optimizer]") {
  Param p = param({1.0f, -2.0f}, {0.5f, 1.0f});
  Sgd sgd(0.1f, 0.9f);
  sgd.step({&p});
  CHECK(p.value[0] == Approx(1.0f - 0.05f));
  CHECK(p.value[1] == Approx(-2.0f - 0.1f));
  sgd.step({&p});  // v = 0.9 * 0.5 + 0.5 = 0.95
  CHECK(p.value[0] == Approx(0.95f - 0.095f));
  Param q = param({1.0f}, {2.0f});
  Sgd plain(0.5f);
  plain.step({&q});
  CHECK(q.value[0] == Approx(0.0f));
}

TEST_CASE("adam's first steps move each weight by about the learning rate", "[optimizer]") {
  Param p = param({1.0f, 1.0f}, {0.3f, -40.0f});
  Adam adam(0.01f);
  adam.step({&p});
  // Step 1: m_hat = g, v_hat = g^2, so the update is lr * g / (|g| + eps).
  CHECK(p.value[0] == Approx(1.0f - 0.01f).epsilon(1e-5));
  CHECK(p.value[1] == Approx(1.0f + 0.01f).epsilon(1e-5));
  p.grad = {0.3f, 0.0f};
  adam.step({&p});
  // Step 2, weight 1: m = 0.1 * 0.3 + 0.09 * 0.3 ... with bias corrections the update is again lr.
  CHECK(p.value[0] == Approx(1.0f - 0.02f).epsilon(1e-5));
  // Weight 2: m_hat = 0.9 * -40 * 0.1 / 0.19, v_hat = 0.999 * 1600 * 0.001 / (1 - 0.999^2).
  const double m_hat = 0.9 * 0.1 * -40 / (1 - 0.81);
  const double v_hat = 0.999 * 0.001 * 1600 / (1 - 0.999 * 0.999);
  CHECK(p.value[1] == Approx(1.01 - 0.01 * m_hat / (std::sqrt(v_hat) + 1e-8)).epsilon(1e-5));
}

TEST_CASE("optimizers refuse bad settings and a changed parameter list", "[optimizer]") {
  CHECK_THROWS_AS(Sgd(0.0f), Error);
  CHECK_THROWS_AS(Sgd(0.1f, 1.0f), Error);
  CHECK_THROWS_AS(Adam(-1.0f), Error);
  Param a = param({1}, {1}), b = param({1}, {1});
  Adam adam;
  adam.step({&a});
  CHECK_THROWS_AS(adam.step({&a, &b}), Error);
}

TEST_CASE("softmax cross-entropy values and accuracy count", "[optimizer]") {
  const float z[] = {0, 0, 0, 0, 10, 0};  // 2 examples, 3 classes
  const int32_t y[] = {1, 1};
  const LossResult r = softmax_cross_entropy(z, y, 2, 3, nullptr, nullptr);
  const double l0 = std::log(3.0), l1 = -std::log(std::exp(10.0) / (std::exp(10.0) + 2));
  CHECK(r.loss == Approx((l0 + l1) / 2));
  CHECK(r.correct == 1);  // example 0 ties: the first maximum (class 0) is the prediction
  const float w[] = {1, 3, 1};
  const int32_t y2[] = {0, 1};
  const LossResult rw = softmax_cross_entropy(z, y2, 2, 3, w, nullptr);
  CHECK(rw.loss == Approx((1 * l0 + 3 * l1) / 4));
}
