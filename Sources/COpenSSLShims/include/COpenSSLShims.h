#ifndef CAPGUARD_COPENSSL_SHIMS_H
#define CAPGUARD_COPENSSL_SHIMS_H
#include <openssl/ssl.h>
#include <openssl/evp.h>

// OpenSSL exposes these as macros over SSL_CTX_ctrl, which Swift cannot call.
int capguard_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int capguard_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long capguard_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long capguard_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
long capguard_SSL_CTX_set_read_ahead(SSL_CTX *ctx, int yes);
int capguard_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *list);

// The SSL_OP_ constants are built by a function-like macro that Swift does not import.
uint64_t capguard_server_options(void);

// EVP_EC_gen is a macro over the variadic EVP_PKEY_Q_keygen, which Swift cannot call either.
EVP_PKEY *capguard_generate_p256_key(void);

#endif
