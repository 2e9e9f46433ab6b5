#include "dataset/dataset.h"
#include "dataset/transfer.h"

namespace tml::dataset {

Dataset open_or_import(const std::filesystem::path& source, const std::filesystem::path& scratch) {
  if (std::filesystem::exists(source / "dataset.json")) return Dataset::open(source);
  import_into(scratch, read_import(source, {}));
  return Dataset::open(scratch);
}

}  // namespace tml::dataset
