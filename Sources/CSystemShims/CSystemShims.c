#include "CSystemShims.h"
#include <malloc.h>

int capguard_set_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}
