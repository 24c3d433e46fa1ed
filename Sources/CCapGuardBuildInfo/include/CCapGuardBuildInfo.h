#ifndef CAPGUARD_BUILD_INFO_H
#define CAPGUARD_BUILD_INFO_H

// The commit this binary was built from, or "unknown": Package.swift passes it as a C define, since a Swift
// compilation condition carries no value.
const char *capguard_build_revision(void);

#endif
