#ifndef CAPGUARD_CSYSTEM_SHIMS_H
#define CAPGUARD_CSYSTEM_SHIMS_H

// mallopt is declared in <malloc.h>, which Swift's Glibc module does not include.
int capguard_set_mmap_threshold(int bytes);

#endif
