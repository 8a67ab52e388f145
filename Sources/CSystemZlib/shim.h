#ifndef CERTIFY_SYSTEM_ZLIB_SHIM_H
#define CERTIFY_SYSTEM_ZLIB_SHIM_H
#include <zlib.h>
#endif
