#include "tml/trainer/error.h"

#include "tml/status.h"

namespace tml {

void check_status(int status, const std::string& what) {
  if (status < 0) throw Error(what + ": " + tml_status_str(status));
}

}  // namespace tml
