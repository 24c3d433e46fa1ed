#ifndef CAPGUARD_COPENSSL_SHIMS_H
#define CAPGUARD_COPENSSL_SHIMS_H
#include <openssl/ssl.h>

// OpenSSL exposes these as macros over SSL_CTX_ctrl, which Swift cannot call.
int capguard_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int capguard_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);

#endif
