#include "CCapGuardBuildInfo.h"

#ifndef CAPGUARD_REVISION
#define CAPGUARD_REVISION "unknown"
#endif

const char *capguard_build_revision(void) {
    return CAPGUARD_REVISION;
}
