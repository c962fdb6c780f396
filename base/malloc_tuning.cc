#include "base/malloc_tuning.h"

#include <malloc.h>  // glibc (Debian); defines __GLIBC__ via <features.h>

namespace rtai {

void TuneMallocForStreaming() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

}  // namespace rtai
