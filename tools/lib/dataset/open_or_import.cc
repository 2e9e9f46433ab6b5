#include "dataset/dataset.h"
#include "util/error.h"

namespace tml::dataset {

Dataset open_or_import(const std::filesystem::path& source, const std::filesystem::path& scratch) {
  if (std::filesystem::exists(source / "dataset.json")) return Dataset::open(source);
  (void)scratch;
  throw Error(source.string() + " is not a tml dataset (no dataset.json)");
}

}  // namespace tml::dataset
