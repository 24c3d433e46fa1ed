#ifndef CAPGUARD_CYAML_SHIM_H
#define CAPGUARD_CYAML_SHIM_H
#include <yaml.h>
#endif
